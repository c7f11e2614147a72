"""Time `rpsim calibrate` on the shipped example: the hill county's SYNTHETIC records
(scenarios/records/hill_synthetic, a year made by the model from stated values).

    .venv/bin/python benchmarks/calibrate.py --workers 2

Prints the wall time of each stage (records and direct estimates, each wave, the posterior,
the predictive check, the outputs), the runs and the mean run, and the prior and posterior
90% intervals beside the true values. The calibration folder goes to a scratch folder
(default /tmp/rpsim-bench-calibrate)."""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import pandas as pd

from simulation.calibrate.outputs import read_truth, run_calibration
from simulation.calibrate.spec import load_calibration

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--file", default=str(ROOT / "scenarios" / "calibrate_hill.yaml"))
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--cluster", help="a Dask LocalCluster instead, e.g. local:2")
    p.add_argument("--waves", type=int, help="default: the file's")
    p.add_argument("--runs-per-wave", type=int, help="default: the file's")
    p.add_argument("--checks", type=int, help="default: the file's")
    p.add_argument("--out", default="/tmp/rpsim-bench-calibrate")
    a = p.parse_args()
    out = Path(a.out)
    shutil.rmtree(out, ignore_errors=True)
    overrides = {
        k: v
        for k, v in (("waves", a.waves), ("runs_per_wave", a.runs_per_wave), ("checks", a.checks))
        if v is not None
    }
    stages: list[tuple[float, str]] = []
    t0 = time.perf_counter()

    def say(line: str) -> None:
        if "runs of this wave finished" not in line:
            stages.append((time.perf_counter() - t0, line))

    executor = {"cluster": a.cluster} if a.cluster else {"workers": a.workers}
    folder, result = run_calibration(a.file, out, say=say, overrides=overrides, **executor)
    wall = time.perf_counter() - t0
    stages.append((wall, "outputs written"))
    print(f"calibration {result.spec.name}: {a.file}")
    print(f"executor: {executor}")
    last = 0.0
    for t, line in stages:
        print(f"  {t:7.1f} s (+{t - last:6.1f})  {line}")
        last = t
    runs = len(result.runs) + len(result.checks)
    print(
        f"wall_s={wall:.1f} runs={runs} wall_per_run_s={wall / max(runs, 1):.2f} "
        f"ess={result.ess:.0f}"
    )
    spec, _, base = load_calibration(a.file)
    truth = read_truth(base, spec)
    table = result.table(truth).drop(columns=["prior", "prior_mean"])
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round(4).to_string(index=False))
    if truth:
        inside = int(table["inside_90"].sum())
        print(f"true values inside their 90% posterior interval: {inside} of {len(table)}")
    print(f"folder: {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
