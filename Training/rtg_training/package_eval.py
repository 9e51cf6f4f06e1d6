"""Judges a package through the C# pipeline: the eval's prompts baked by `realtimegen bake`, scored by a run's judge.

The eval stage samples with PyTorch, one image per prompt, from the run's own checkpoints, so it cannot judge a
package whose run is gone, and one judge and one seed per prompt leave several points of noise each (Training
README). This judges any package's actual output, with as many seeds per prompt as wanted, under any run's judge:

    python3 -m rtg_training.package_eval manifest eval.json --seeds 3
    dotnet .../realtimegen.dll bake eval.json --out IMAGES --no-watermark --model PACKAGE
    python3 -m rtg_training.package_eval judge --run RUN --images IMAGES --seeds 3

The judge's real set is rendered by this code's drawings, so use the code the judge's run was made with.
Exit status 0 on success, 1 on a missing or unreadable image, 2 on a usage error."""
import argparse
import json
import os
import sys

import numpy as np

from . import evaluate as E
from . import textures as TX
from .config import FULL
from .png import read_png
from .stages import Progress, Run

REDRAWN_CANDIDATES = (8, 10)  # metal plate and floor tiles: the families the drawing probes changed


def asset_name(prompt_index, seed_index):
    return f"p{prompt_index:03d}s{seed_index}"


def manifest(specs, seeds, steps, guidance, size=128):
    """A bake manifest of every eval prompt under `seeds` seeds each, raw (not made seamless) so the judge sees
    what the model drew."""
    assets = [{"name": asset_name(i, k), "prompt": s.caption(), "seed": 5000 + 17 * i + 1000 * k}
              for i, s in enumerate(specs) for k in range(seeds)]
    return {"defaults": {"size": size, "steps": steps, "seamless": False, "guidance": guidance}, "assets": assets}


def load_images(folder, count, seeds):
    """The baked images in manifest order, as [N,H,W,3] uint8."""
    images = []
    for i in range(count):
        for k in range(seeds):
            path = os.path.join(folder, asset_name(i, k) + ".png")
            if not os.path.exists(path):
                raise FileNotFoundError(f"{path}: expected a baked image for eval prompt {i}, seed {k}; "
                                        f"bake the manifest with --out {folder}")
            images.append(read_png(path))
    return np.stack(images)


def score(judge, images, specs, seeds, real_features):
    """Family and colour accuracy (seen / held-out pairs, and on the families no probe redrew), per family, and
    FID against the real set, for images in manifest order."""
    fam = np.repeat([s.family for s in specs], seeds)
    col = np.repeat([s.colour for s in specs], seeds)
    held = np.array([TX.is_held_out(f, c) for f, c in zip(fam, col)])
    pf, pc, feats = E._judge_all(judge, images)
    kept = ~np.isin(fam, REDRAWN_CANDIDATES)
    return {
        "images": int(len(images)),
        "family_acc_seen": float((pf == fam)[~held].mean()), "family_acc_heldout": float((pf == fam)[held].mean()),
        "colour_acc_seen": float((pc == col)[~held].mean()), "colour_acc_heldout": float((pc == col)[held].mean()),
        "family_acc_not_redrawn": float((pf == fam)[kept].mean()),
        "fid_judge": E.frechet_distance(feats, real_features),
        "family_acc_by_family": E._by_family(pf, fam),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(prog="rtg_training.package_eval", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    m = sub.add_parser("manifest", help="write the bake manifest of the eval prompts")
    m.add_argument("out")
    m.add_argument("--seeds", type=int, default=3)
    m.add_argument("--steps", type=int, default=4)
    m.add_argument("--guidance", type=float, default=1.5)
    j = sub.add_parser("judge", help="score baked images with a run's judge")
    j.add_argument("--run", required=True, help="run folder holding judge.pt")
    j.add_argument("--images", required=True, help="the bake's output folder")
    j.add_argument("--seeds", type=int, default=3)
    j.add_argument("--json", help="also write the scores here")
    args = ap.parse_args(argv)
    specs = E._eval_prompts(FULL)
    if args.seeds < 1:
        ap.error(f"--seeds {args.seeds}: expected at least 1")
    if args.command == "manifest":
        with open(args.out, "w") as f:
            json.dump(manifest(specs, args.seeds, args.steps, args.guidance), f, indent=1)
        print(f"{len(specs) * args.seeds} assets ({len(specs)} prompts x {args.seeds} seeds) in {args.out}")
        return 0
    run = Run(FULL, os.path.abspath(args.run), Progress())
    if not os.path.exists(run.path("judge.pt")):
        ap.error(f"--run {args.run}: expected a run folder with judge.pt (the classifier stage's output)")
    try:
        images = load_images(args.images, len(specs), args.seeds)
    except (OSError, ValueError) as e:
        print(f"package_eval: {e}", file=sys.stderr)
        return 1
    judge = E._load_judge(run)
    _, _, real_features = E._judge_all(judge, E._real_set(run)["images"])
    result = score(judge, images, specs, args.seeds, real_features)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    print(f"{result['images']} images: family {result['family_acc_seen']:.1%} / {result['family_acc_heldout']:.1%}, "
          f"colour {result['colour_acc_seen']:.1%} / {result['colour_acc_heldout']:.1%} (seen / held-out pairs), "
          f"family on the families not redrawn {result['family_acc_not_redrawn']:.1%}, FID {result['fid_judge']:.2f}")
    print("family by family: " + ", ".join(f"{noun} {acc:.0%}" for (_, noun), acc in
                                          zip(TX.FAMILIES, result["family_acc_by_family"]) if acc is not None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
