"""Command line: `python -m rtg_training [--smoke] [--out DIR] [--package DIR]` runs the whole recipe.

The full recipe writes the shipped package to ../Models/rtg-texture-lcm; --smoke writes runs/smoke/package.

Exit status 0 on success, 1 on any failure (a traceback is printed)."""
import argparse
import os
import shutil
import sys
import time
import traceback

import torch

from . import blas
from .config import FULL, SMOKE
from .stages import Progress, Run

STAGES = ["data", "tokenizer", "ae", "latents", "teacher", "lcd", "classifier", "eval", "export", "sheets", "card"]


def main(argv=None):
    ap = argparse.ArgumentParser(prog="rtg_training", description=__doc__)
    ap.add_argument("--smoke", action="store_true", help="a few steps of every stage, then export (CI; ~1-2 min)")
    ap.add_argument("--out", help="run folder (default runs/full or runs/smoke next to this package)")
    ap.add_argument("--package", help="where to export the package (default ../Models/rtg-texture-lcm for the full recipe, <out>/package with --out or --smoke)")
    ap.add_argument("--only", help="comma-separated stages to run again, dropping their finished records; the others are "
                                   "not run (one of: " + ",".join(STAGES) + ")")
    # One thread: on the shared 2-core machine two OpenMP threads contend and run 5-9x slower.
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"[setup] {blas.report()}", flush=True)
    cfg = SMOKE if args.smoke else FULL
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.abspath(args.out or os.path.join(here, "runs", cfg.name))
    if args.smoke and os.path.exists(out) and not args.only:
        shutil.rmtree(out)
    # The full recipe writes the shipped package itself; smoke runs stay inside their run folder.
    default_package = os.path.join(here, "runs", "smoke", "package") if args.smoke else \
        os.path.join(os.path.dirname(here), "Models", "rtg-texture-lcm")
    package = os.path.abspath(args.package or (os.path.join(out, "package") if args.out else default_package))
    selected = args.only.split(",") if args.only else STAGES
    unknown = [s for s in selected if s not in STAGES]
    if unknown:
        ap.error(f"unknown stage(s) {', '.join(unknown)} in --only; expected some of {', '.join(STAGES)}")
    progress = Progress()
    run = Run(cfg, out, progress)
    t0 = time.time()
    try:
        for name in STAGES:
            if name not in selected:
                # A stage left out still hands on the generator state it finished with, so a stage re-run with
                # --only starts from the state it had in the whole run and makes the same result.
                run.restore(name)
                continue
            if args.only:
                run.forget(name)
            if name == "export":
                from .export import export_package
                run.timed("export", lambda: export_package(run, package))
            elif name == "card":
                from .card import write_card
                run.timed("card", lambda: write_card(run, package))
            elif name in ("classifier", "eval", "sheets"):
                from . import evaluate
                run.timed(name, lambda n=name: getattr(evaluate, n)(run))
            else:
                run.timed(name, getattr(run, name))
    except Exception:
        traceback.print_exc()
        print(f"rtg_training: FAILED after {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
        return 1
    print(f"rtg_training: OK in {time.time() - t0:.0f}s; package at {package}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
