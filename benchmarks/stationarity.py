"""How long a warm-up the headline metrics need: run a long horizon from day 0 (no warm-up) and
print each metric by quarter, averaged over seeds.

    python benchmarks/stationarity.py [--template hill] [--years 3] [--seeds 3]
        [--presets clinic auxiliary_network village_officer hybrid]

For trust and satisfaction (0-1) it prints the shortest warm-up (whole quarters) after which a
year observed is within `--tolerance` (absolute, default 0.01) of the plateau (the mean of the
last year of the run), and the bias of a year observed after the default warm-up.
Visibility is seasonal (migrants home for the Spring Festival change who is present) and crime
counts and escalation rates per quarter are noisy: they are printed, not judged. The default
`warmup_days` (simulation/scenario.py) is chosen from this table; docs/ODD.md (Warm-up) records
the figures. Not a timing benchmark.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from simulation import RuralPolicingModel
from simulation.config_files import load_scenario
from simulation.scenario import WARMUP_DAYS
from simulation.vocab import CRIME_TYPES, DisputeState

ROOT = Path(__file__).resolve().parents[1]
QUARTER = 91  # days
METRICS = ("mean_trust", "satisfaction", "visibility", "crime", "escalation", "response")


def quarters(path: Path, years: float, seed: int) -> pd.DataFrame:
    """Headline metrics of one run by quarter of model time (warm-up 0)."""
    days = int(years * 365 // QUARTER * QUARTER)
    scenario = load_scenario(path, [f"days={days}", "warmup_days=0"])
    model = RuralPolicingModel(scenario, seed=seed).run()
    t = model.results()
    daily, inc = t["daily"], t["incidents"]
    rows = []
    for q in range(days // QUARTER):
        lo, hi = q * QUARTER, (q + 1) * QUARTER
        d = daily[(daily["day"] >= lo) & (daily["day"] < hi)]
        i = inc[(inc["day"] >= lo) & (inc["day"] < hi)]
        closed = [x for x in model.disputes.disputes if lo * 1440 <= x.t_end < hi * 1440]
        rows.append(
            {
                "quarter": q,
                "mean_trust": d["mean_trust"].mean(),
                "satisfaction": d["satisfaction"].mean(),
                "visibility": d["visibility"].mean(),
                "crime": float(i["type"].isin(CRIME_TYPES).sum()),
                "escalation": float(np.mean([x.state == DisputeState.ESCALATED for x in closed]))
                if closed
                else np.nan,
                "response": i["response_min"].mean(),
            }
        )
    return pd.DataFrame(rows)


def warmup_needed(series: pd.Series, tolerance: float) -> int:
    """Fewest whole quarters of warm-up after which a year's mean is within `tolerance` of the
    plateau (the last year's mean)."""
    plateau = series.iloc[-4:].mean()
    for q in range(len(series) - 4):
        if abs(series.iloc[q : q + 4].mean() - plateau) <= tolerance:
            return q
    return len(series)


def bias_after(series: pd.Series, days: int) -> float:
    """A year observed after `days` of warm-up, minus the plateau."""
    q = days // QUARTER
    return float(series.iloc[q : q + 4].mean() - series.iloc[-4:].mean())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--template", default="hill")
    p.add_argument("--years", type=float, default=3)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--tolerance", type=float, default=0.01)
    p.add_argument(
        "--presets", nargs="+", default=["clinic", "auxiliary_network", "village_officer", "hybrid"]
    )
    args = p.parse_args()
    for preset in args.presets:
        path = ROOT / "scenarios" / args.template / f"{preset}.yaml"
        runs = [quarters(path, args.years, s) for s in range(args.seeds)]
        table = pd.concat(runs).groupby("quarter").mean()
        print(f"\n{args.template}/{preset}: quarter means over {args.seeds} seeds (warm-up 0)")
        print(table.round(3).to_string())
        for m in ("mean_trust", "satisfaction"):  # the slow state; see the docstring
            need = warmup_needed(table[m], args.tolerance) * QUARTER
            print(
                f"{m}: a year within {args.tolerance} of the plateau after >= {need} d of "
                f"warm-up; after the default {WARMUP_DAYS} d the bias is "
                f"{bias_after(table[m], WARMUP_DAYS):+.4f}"
            )


if __name__ == "__main__":
    main()
