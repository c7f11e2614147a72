"""`rpsim plan` on Mouding: the screen alone, then the whole plan; designs per minute and wall.

.venv/bin/python benchmarks/plan.py [--workers 2] [--out results/bench-plan] [--screen-only]
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from simulation.plan.design import DesignSpace
from simulation.plan.run import run_plan
from simulation.plan.spec import load_plan
from simulation.region import build_region
from simulation.streams import region_rng

PLAN = Path(__file__).resolve().parents[1] / "scenarios" / "plans" / "mouding.yaml"


def screen_only() -> float:
    """Placements and hypercube estimates for the seed designs and today, no simulation."""
    t = time.perf_counter()
    spec, base = load_plan(PLAN)
    region = build_region(base.region, region_rng(base.region, base.seed))
    space = DesignSpace(spec, base, region)
    space.today()
    seeds = space.seeds()
    for p in seeds:
        space.realise(p)
    wall = time.perf_counter() - t
    print(f"screen: {len(seeds)} seed designs + today in {wall:.2f} s")
    return wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="results/bench-plan")
    ap.add_argument("--screen-only", action="store_true")
    args = ap.parse_args()
    screen_only()
    if args.screen_only:
        return
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    t = time.perf_counter()
    result = run_plan(PLAN, out, workers=args.workers)
    wall = time.perf_counter() - t
    table = result.table
    simulated = int(table["simulated"].sum())
    print(
        f"plan: {simulated} designs simulated (365 days, 1 seed) + "
        f"{int(table['final'].sum())} re-run x 5 seeds; {result.runs} runs on "
        f"{args.workers} workers"
    )
    print(
        f"wall_s={wall:.0f} screen_s={result.screen_s:.1f} search_s={result.search_s:.0f} "
        f"final_s={result.final_s:.0f} designs_per_min={simulated / (result.search_s / 60):.1f} "
        f"runs_per_min={result.runs / (wall / 60):.1f}"
    )
    print((out / "plan.md").read_text())


if __name__ == "__main__":
    main()
