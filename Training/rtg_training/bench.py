"""The PyTorch eager pipeline, timed: the baseline `realtimegen bench --torch` compares the C# pipeline against.

`python3 -m rtg_training.bench [--package DIR | --run runs/full] [--runs 50] [--warmup 5] [--steps 4] [--size 128]
[--threads 1] [--serve]` prints progress on stderr and one JSON object on stdout: p50/p95 milliseconds of tokenise + text
encode, one UNet step, decode and end to end (the same work the C# pipeline does for one image: no CFG batch,
the guidance enters through timestep_cond). The weights come from a model package's ONNX files (--package, what
`realtimegen bench --torch` passes: the very weights the C# side runs) or from a recipe run's checkpoints (--run)."""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

from . import diffusion as D
from . import package_weights
from .config import FULL
from .models import CONTEXT_TOKENS
from .stages import Progress, Run


STAGES = ("text_encode", "unet_step", "decode", "end_to_end")


def _percentiles(values):
    v = np.sort(np.asarray(values))
    rank = lambda p: v[min(len(v) - 1, max(0, int(np.ceil(p / 100 * len(v))) - 1))]
    return {"p50": float(rank(50)), "p95": float(rank(95))}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="rtg_training.bench", description=__doc__)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    source = ap.add_mutually_exclusive_group()
    source.add_argument("--package", help="model package folder whose ONNX weights to run")
    source.add_argument("--run", default=os.path.join(here, "runs", "full"), help="run folder with the trained parts")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--guidance", type=float, default=8.5)
    ap.add_argument("--prompt", default="mossy red brick wall")
    ap.add_argument("--serve", action="store_true",
                    help="after the warm-up, answer 'run N' lines on stdin with raw times (interleaved timing)")
    args = ap.parse_args(argv)
    if args.size % 32 or not 32 <= args.size <= 1024:
        ap.error(f"--size {args.size}: expected a multiple of 32 from 32 to 1024")
    torch.set_num_threads(args.threads)
    if args.package is not None:
        try:
            nets = package_weights.load(args.package)
        except package_weights.PackageError as e:
            print(f"rtg_training.bench: {e}", file=sys.stderr)
            return 1
        tok, te, unet, dec = nets.tokenizer, nets.text_encoder, nets.unet, nets.decoder
        scale, prediction, weights = nets.scaling_factor, nets.prediction, f"package {os.path.abspath(args.package)}"
    else:
        for part in ("teacher.pt", "student.pt", "vae.pt", "latents.pt", "tokenizer/merges.json"):
            if not os.path.exists(os.path.join(args.run, part)):
                print(f"rtg_training.bench: {os.path.join(args.run, part)} is missing; run the full recipe first "
                      f"(cd Training && /usr/bin/python3 -m rtg_training) or pass --run DIR or --package DIR",
                      file=sys.stderr)
                return 1
        run = Run(FULL, args.run, Progress())
        tok = run.load_tokenizer()
        try:
            te, _ = run.load_teacher()
            unet = run.load_student()
            _, dec = run.load_ae()
        except RuntimeError as e:
            # A state dict of other shapes: the run was trained by another version of models.py.
            first = str(e).splitlines()[0]
            print(f"rtg_training.bench: the checkpoints in {args.run} do not fit this recipe's networks ({first}); "
                  f"rerun the recipe or pass --run DIR of a run made by this version", file=sys.stderr)
            return 1
        scale = torch.load(run.path("latents.pt"))["scaling_factor"]
        prediction, weights = run.cfg.prediction, f"run {os.path.abspath(args.run)}"
    generate = _pipeline(tok, te, unet, dec, scale, prediction, args)
    if args.serve:
        return _serve(generate, args, weights)
    series = {k: [] for k in STAGES}
    total = args.warmup + args.runs
    with torch.inference_mode():
        for i in range(total):
            timings = generate(i)
            if i >= args.warmup:
                for key, value in timings.items():
                    series[key].append(value)
            print(f"\rtorch eager {i + 1}/{total}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(json.dumps({"weights": weights, "size": args.size, "steps": args.steps, "threads": args.threads,
                      "runs": args.runs,
                      "ms": {k: _percentiles(v) for k, v in series.items()}}))
    return 0


def _pipeline(tok, te, unet, dec, scale, prediction, args):
    """One image's work as a function of its seed, returning its stage times in ms keyed by `STAGES`."""
    hw = (args.size // 8, args.size // 8)
    ts = D.lcm_timesteps(args.steps)
    cond = D.guidance_cond(args.guidance, 1)

    def generate(seed):
        g = torch.Generator().manual_seed(seed)
        t0 = time.perf_counter()
        ids = torch.tensor([tok.encode(args.prompt)])
        ctx = te(ids[:, :CONTEXT_TOKENS])
        t1 = time.perf_counter()
        x = torch.randn((1, 4) + hw, generator=g)
        step_times = []
        for k, t in enumerate(ts):
            s0 = time.perf_counter()
            out = unet(x, torch.tensor([t]), ctx, cond)
            step_times.append(time.perf_counter() - s0)
            denoised, x = D.lcm_step(x, out, t, ts[k + 1] if k + 1 < len(ts) else None, prediction, g)
        t2 = time.perf_counter()
        image = dec(denoised / scale)
        rgba = ((image.clamp(-1, 1) + 1) * 127.5 + 0.5).to(torch.uint8)
        t3 = time.perf_counter()
        assert rgba.shape[-1] == args.size
        return {"text_encode": 1000 * (t1 - t0), "unet_step": 1000 * float(np.mean(step_times)),
                "decode": 1000 * (t3 - t2), "end_to_end": 1000 * (t3 - t0)}

    return generate


def _serve(generate, args, weights):
    """Interleaved timing for a caller that alternates with its own runs, so both sides see the same phases of a
    shared machine: after the warm-up it prints one JSON line {"ready": ...}, then answers each stdin line
    "run N" with one JSON line of N runs' raw stage times in ms; "quit" or the end of input ends it."""
    with torch.inference_mode():
        for i in range(args.warmup):
            generate(i)
        print(json.dumps({"ready": True, "weights": weights, "size": args.size, "steps": args.steps,
                          "threads": args.threads}), flush=True)
        seed = args.warmup
        for line in sys.stdin:
            words = line.split()
            if words == ["quit"]:
                break
            if len(words) != 2 or words[0] != "run" or not words[1].isdigit() or int(words[1]) < 1:
                print(json.dumps({"error": f"expected 'run N' (N >= 1) or 'quit', found {line.strip()!r}"}),
                      flush=True)
                continue
            samples = {k: [] for k in STAGES}
            for _ in range(int(words[1])):
                for key, value in generate(seed).items():
                    samples[key].append(value)
                seed += 1
            print(json.dumps({"ms": samples}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
