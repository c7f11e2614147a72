"""Sweep throughput: county-year runs per minute serially, on a 2-process pool and on a
2-worker Dask LocalCluster, and the parallel efficiency.

    python benchmarks/sweep_throughput.py [--runs 8] [--days 365]

Each run is the county-year of benchmarks/county_year.py (200,000 villagers, 150 villages,
hybrid). Efficiency = (runs/min with 2 workers) / (2 x runs/min serial).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from simulation.sweep import load_sweep, run_sweep

COUNTY = {
    "name": "county_year",
    "region": {"type": "mountain", "villages": 150, "population": 200_000, "townships": 7},
    "policing": {"preset": "hybrid", "officers": 170, "auxiliaries": 150},
}


def timed(sweep_path: Path, out: Path, **kw) -> float:
    t0 = time.perf_counter()
    run_sweep(load_sweep(sweep_path), out, **kw)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--days", type=float, default=365)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "base.yaml").write_text(
            yaml.safe_dump({**COUNTY, "days": args.days, "warmup_days": 0})
        )
        (tmp / "sweep.yaml").write_text(
            yaml.safe_dump(
                {
                    "name": "throughput",
                    "base": "base.yaml",
                    "replicates": args.runs,
                    "seed": 1,
                    "vary": {"policing.officers": 170},
                }
            )
        )
        rates = {}
        for label, kw in (
            ("serial", {"workers": 1}),
            ("pool:2", {"workers": 2}),
            ("dask:local:2", {"cluster": "local:2"}),
        ):
            wall = timed(tmp / "sweep.yaml", tmp / label.replace(":", "_"), **kw)
            rates[label] = args.runs / wall * 60
            print(f"{label:>13}: {args.runs} runs in {wall:6.1f} s = {rates[label]:5.2f} runs/min")
    for label in ("pool:2", "dask:local:2"):
        print(f"parallel efficiency {label}: {rates[label] / (2 * rates['serial']):.0%}")


if __name__ == "__main__":
    main()
