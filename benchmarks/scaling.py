"""Scaling curve: wall time, CPU time and peak memory of a county-year as the county grows.

    python benchmarks/scaling.py [--sizes 50000 200000 1000000 2000000] [--days D]

Each size runs `benchmarks/county_year.py --residents N` in a fresh process (so that its peak
RSS is its own): villages, townships, officers and auxiliaries scale with the residents. Prints
one line per size and the cost per million resident-days.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[50_000, 200_000, 1_000_000, 2_000_000]
    )
    parser.add_argument("--days", type=float, default=365)
    args = parser.parse_args()
    print("residents villages officers   wall_s    cpu_s  peak_mb  cpu_us_per_1000_resident_days")
    for n in args.sizes:
        out = subprocess.run(
            [
                sys.executable,
                str(HERE / "county_year.py"),
                "--residents",
                str(n),
                "--days",
                str(args.days),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        build = re.search(r"villages=(\d+) officers=(\d+)", out)
        run = re.search(r"wall_s=([\d.]+) peak_mb=([\d.]+) .* cpu_s=([\d.]+)", out)
        assert build and run, out
        wall, peak, cpu = float(run[1]), float(run[2]), float(run[3])
        per = cpu * 1e6 / (n / 1000 * args.days)
        print(
            f"{n:9d} {build[1]:>8s} {build[2]:>8s} {wall:8.2f} {cpu:8.2f} {peak:8.1f}  {per:10.1f}"
        )


if __name__ == "__main__":
    main()
