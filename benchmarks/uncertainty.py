"""Time a comparison across parameter worlds: Mouding (211,000 residents, 89 villages), four
policing models at today's cost (31 M CNY a year, each sized by officers; the auxiliary models
keep one auxiliary per village), every ranged parameter varying, N worlds.

    .venv/bin/python benchmarks/uncertainty.py --worlds 100 --days 182 --warmup 91 --workers 2

Prints the wall time of each stage (sizing, runs, analysis), runs per minute and the mean run,
and where a run's time goes (warm-up vs observed days). The comparison's files go to a scratch
folder (default /tmp/rpsim-bench-worlds); the results folder is printed."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OPTIONS = ("clinic", "village_officer", "auxiliary_network", "hybrid")


def write_files(work: Path, worlds: int, days: float, warmup: int, replicates: int) -> Path:
    """The four scenario files (Mouding with another preset) and the comparison file."""
    work.mkdir(parents=True, exist_ok=True)
    for preset in OPTIONS:
        aux = 89 if preset in ("auxiliary_network", "hybrid") else 0
        (work / f"{preset}.yaml").write_text(
            f"extends: {ROOT / 'scenarios' / 'mouding.yaml'}\n"
            f"policing: {{preset: {preset}, auxiliaries: {aux}}}\n"
        )
    path = work / "compare.yaml"
    path.write_text(
        "name: bench_worlds\n"
        "baseline: clinic\n"
        f"scenarios: {{{', '.join(f'{p}: {p}.yaml' for p in OPTIONS)}}}\n"
        f"replicates: {replicates}\n"
        "seed: 2026\n"
        f"days: {days}\n"
        f"set: [warmup_days={warmup}]\n"
        "budget_cny: 31000000\n"
        "size_by: officers\n"
        f"uncertainty: {{worlds: {worlds}}}\n"
    )
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--worlds", type=int, default=100)
    ap.add_argument("--days", type=float, default=182)
    ap.add_argument("--warmup", type=int, default=91)
    ap.add_argument("--replicates", type=int, default=2, help="world 0's (declared values)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", default="/tmp/rpsim-bench-worlds")
    args = ap.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    path = write_files(work, args.worlds, args.days, args.warmup, args.replicates)
    out = work / "out"
    sys.path.insert(0, str(ROOT))
    from simulation.cli import main as rpsim

    t0 = time.perf_counter()
    code = rpsim(["compare", str(path), "--out", str(out), "--workers", str(args.workers), "-q"])
    wall = time.perf_counter() - t0
    if code != 0:
        print(f"rpsim compare failed with exit code {code}")
        return code
    status = [json.loads(x) for x in (out / "status.jsonl").read_text().splitlines()]
    run_s = pd.Series([r["wall_s"] for r in status])
    manifest = json.loads((out / "manifest.json").read_text())
    runs = len(status)
    print(
        f"Mouding, {len(OPTIONS)} options at 31 M CNY, {manifest['worlds']} worlds over "
        f"{len(manifest['parameters'])} parameters, {args.days:g} observed days after a "
        f"{args.warmup}-day warm-up, {args.workers} worker(s)"
    )
    print(
        f"wall {wall:.0f} s ({wall / 60:.1f} min) for {runs} runs: {runs / wall * 60:.1f} runs "
        f"a minute; a run {run_s.mean():.1f} s mean ({run_s.min():.1f}-{run_s.max():.1f}), "
        f"{run_s.sum():.0f} s of run time in all ({run_s.sum() / wall:.2f} cores busy)"
    )
    share = args.warmup / (args.warmup + args.days)
    print(f"of each run, the warm-up is {share:.0%} of the simulated days")
    print(f"preferred: {manifest['preferred']}; results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
