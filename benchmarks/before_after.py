"""Interleaved before/after county-years: the same benchmark script against two checkouts.

    python benchmarks/before_after.py BEFORE_CHECKOUT [--pairs N] [--days D]

Runs `benchmarks/county_year.py` of this checkout N times against BEFORE_CHECKOUT's code
(PYTHONPATH) and N times against this one, alternating which goes first, and prints per side
the model's wall and CPU time (min, median, all) and peak RSS. CPU time is the steadier
figure on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="a checkout of the code before the change")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--days", type=float, default=365)
    args = parser.parse_args()
    sides = {"before": {"PYTHONPATH": str(args.before.resolve())}, "after": {}}
    res: dict[str, list[tuple[float, float, float]]] = {k: [] for k in sides}
    for p in range(args.pairs):
        for side in list(sides) if p % 2 == 0 else list(sides)[::-1]:
            out = subprocess.run(
                [sys.executable, str(HERE / "county_year.py"), "--days", str(args.days)],
                env={**os.environ, **sides[side]},
                capture_output=True,
                text=True,
                check=True,
                cwd="/",
            ).stdout
            m = re.search(r"wall_s=([\d.]+) peak_mb=([\d.]+) .* cpu_s=([\d.]+)", out)
            assert m, out
            res[side].append((float(m[1]), float(m[3]), float(m[2])))
            print(f"{side}: wall_s={m[1]} cpu_s={m[3]} peak_mb={m[2]}", flush=True)
    for side, rows in res.items():
        for i, name in enumerate(("wall_s", "cpu_s", "peak_mb")):
            vals = [r[i] for r in rows]
            print(
                f"{side:6s} {name:7s} min {min(vals):7.2f} median {statistics.median(vals):7.2f}"
                f"  all {' '.join(f'{v:.2f}' for v in vals)}"
            )


if __name__ == "__main__":
    main()
