"""Throughput: county-years per core-minute of the runs planners and sweeps make.

    python benchmarks/throughput.py [--runs K]

Each workload runs K times in this one process (as a sweep or planner worker does; the first
run also pays one-off costs such as imports and caches, and is reported apart), on different
seeds, and reports CPU time per run (time.process_time, robust to a
busy machine) and county-years per core-minute = (days / 365) / (CPU minutes per run), both for
the observed days and for all simulated days (the warm-up included).

Workloads:
- planner: a deployment candidate of Mouding evaluated for a year as `rpsim plan
  scenarios/plans/mouding.yaml` runs it (211,000 residents, 89 villages, hybrid; the plan's
  91-day warm-up);
- sweep_budget: a point of scenarios/sweeps/mouding_budget.yaml (Mouding, 365 days);
- sweep_sobol: a point of scenarios/sweeps/sensitivity_sobol.yaml (hill county, 40,000
  residents, 180 days).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from simulation.plan.spec import load_plan
from simulation.scenario import WARMUP_DAYS
from simulation.sweep import load_sweep, run_point

ROOT = Path(__file__).resolve().parents[1]


def workloads() -> dict[str, tuple[dict, float]]:
    """Each workload's scenario (a dict, as a sweep worker gets it) and its observed days."""
    _spec, plan_base = load_plan(ROOT / "scenarios" / "plans" / "mouding.yaml")
    planner = plan_base.model_dump(mode="json")
    budget = load_sweep(ROOT / "scenarios" / "sweeps" / "mouding_budget.yaml")
    sobol = load_sweep(ROOT / "scenarios" / "sweeps" / "sensitivity_sobol.yaml")
    out = {"planner": planner}
    out["sweep_budget"] = budget.scenario(len(budget.design) // 2)
    out["sweep_sobol"] = sobol.scenario(len(sobol.design) // 2)
    return {k: (v, float(v.get("days", 365))) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per workload (after a first)")
    parser.add_argument("--days", type=float, default=None, help="override days (for tests)")
    parser.add_argument("--warmup-days", type=int, default=None, help="override the warm-up")
    args = parser.parse_args()
    for name, (scenario, days) in workloads().items():
        if args.days is not None:
            scenario, days = {**scenario, "days": args.days}, args.days
        if args.warmup_days is not None:
            scenario = {**scenario, "warmup_days": args.warmup_days}
        cpu, wall = [], []
        for seed in range(args.runs + 1):
            c0, w0 = time.process_time(), time.perf_counter()
            summary = run_point(scenario, seed)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        steady = cpu[1:]
        per_core_minute = (days / 365.0) / (statistics.median(steady) / 60.0)
        warmup = scenario.get("warmup_days")
        simulated = days + (WARMUP_DAYS if warmup is None else warmup)
        print(
            f"{name}: residents={summary['residents']} days={days:g} runs={len(steady)} "
            f"cpu_s median={statistics.median(steady):.2f} min={min(steady):.2f} "
            f"wall_s median={statistics.median(wall[1:]):.2f} first_run_cpu_s={cpu[0]:.2f} "
            f"county_years_per_core_minute={per_core_minute:.1f} "
            f"simulated_county_years_per_core_minute={per_core_minute * simulated / days:.1f}"
        )


if __name__ == "__main__":
    main()
