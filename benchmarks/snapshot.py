"""Output snapshots: prove that a speed-up leaves the simulation's outputs unchanged.

    python benchmarks/snapshot.py save DIR [--days 60] [--only NAME ...]
    python benchmarks/snapshot.py compare DIR_BEFORE DIR_AFTER

`save` runs every shipped scenario (scenarios/*/*.yaml and mouding.yaml) and a few extra
configurations (add-ons, rotation, mutual aid, travel-time noise, diversion, patrol on 24-hour
shifts, the benchmark county) for `--days` days after a 20-day warm-up (one case keeps the
default warm-up) at fixed seeds, and pickles every output table
of each run (incidents, daily, villages, officers, roads, summary) plus the villagers' final
trust and last contact. `compare` checks two snapshot folders table by table, exactly (bit for
bit, NaN equal to NaN), prints one line per run and exits 1 if anything differs.

To compare two commits, save with each checkout on the path, e.g.

    PYTHONPATH=/tmp/base .venv/bin/python /tmp/base/benchmarks/snapshot.py save /tmp/snap_before
    .venv/bin/python benchmarks/snapshot.py save /tmp/snap_after
    .venv/bin/python benchmarks/snapshot.py compare /tmp/snap_before /tmp/snap_after

It only uses the public API (`load_scenario`, `RuralPolicingModel`), so an older checkout
runs the same script.
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SEEDS = (20261124, 7)  # the baseline seed and one more
WARMUP_DAYS = 20  # short warm-ups keep the set quick; one extra case keeps the default
# Extra configurations, each a list of overrides on a shipped scenario file.
EXTRA: dict[str, tuple[str, list[str], int]] = {
    "county_year": (
        "scenarios/mountain/hybrid.yaml",
        [
            "region.villages=150",
            "region.population=200000",
            "region.townships=7",
            "policing.officers=170",
            "policing.auxiliaries=150",
        ],
        1,
    ),
    "addons_rotation_aid": (
        "scenarios/mountain/hybrid.yaml",
        [
            "addons.cctv=true",
            "addons.joint_defence=true",
            "addons.volunteer_patrol=true",
            "addons.multi_channel_reporting=true",
            "addons.smart_dispatch=true",
            "policing.rotation_days=20",
            "policing.learning_days=10",
            "dispatch.mutual_aid_after_min=20",
            "dispatch.travel_time_cv=0.3",
        ],
        7,
    ),
    "district_diverted": (
        "scenarios/plain/district_officer.yaml",
        [
            "policing.diversion_share=0.3",
            "policing.min_officers_per_shift=2",
            "crime.near_repeat_boost=2",
            "policing.rotation_days=30",
        ],
        11,
    ),
    "patrol_24h": (
        "scenarios/hill/patrol.yaml",
        ["policing.shifts=[{start_hour: 6, hours: 24, share: 1.0}]"],
        13,
    ),
    "village_officer_festival": (
        "scenarios/periurban/village_officer.yaml",
        ["season.start_day_of_year=25", "dispatch.own_officer_max_extra_min=5"],
        17,
    ),
    "mouding_seed2": ("scenarios/mouding.yaml", [], 2),
    "hill_hybrid_default_warmup": ("scenarios/hill/hybrid.yaml", ["warmup_days=null"], 5),
}


def shipped() -> dict[str, Path]:
    """Every runnable shipped scenario file (not region bases, comparisons, sweeps, plans)."""
    files = [*sorted(ROOT.glob("scenarios/*/*.yaml")), ROOT / "scenarios" / "mouding.yaml"]
    return {
        str(f.relative_to(ROOT / "scenarios")).removesuffix(".yaml").replace("/", "_"): f
        for f in files
        if f.parent.name not in ("regions", "sweeps", "plans")
    }


def cases(days: float) -> dict[str, tuple[Path, list[str], int]]:
    out = {
        f"{name}_s{seed}": (path, [f"days={days}", f"warmup_days={WARMUP_DAYS}"], seed)
        for name, path in shipped().items()
        for seed in SEEDS
    }
    for name, (file, overrides, seed) in EXTRA.items():
        warmup = [] if "warmup_days=null" in overrides else [f"warmup_days={WARMUP_DAYS}"]
        keep = [o for o in overrides if o != "warmup_days=null"]
        out[f"extra_{name}"] = (ROOT / file, [*keep, *warmup, f"days={days}"], seed)
    return out


def run_case(path: Path, overrides: list[str], seed: int) -> dict[str, Any]:
    from simulation import RuralPolicingModel, load_scenario

    scenario = load_scenario(path, overrides)
    model = RuralPolicingModel(scenario, seed=seed)
    tables = model.run().results()
    tables["state"] = {
        "trust": model.villagers.trust.copy(),
        "last_contact": model.villagers.last_contact.copy(),
        "presence_total": model.presence.total.copy(),
    }
    return tables


def save(folder: Path, days: float, only: list[str] | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (path, overrides, seed) in cases(days).items():
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        tables = run_case(path, overrides, seed)
        with open(folder / f"{name}.pkl", "wb") as fh:
            pickle.dump(tables, fh)
        print(f"{name}: {time.perf_counter() - t0:.1f} s", flush=True)


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What differs between two runs' tables (empty: identical)."""
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            out.append(f"{key}: only in one")
            continue
        x, y = a[key], b[key]
        if isinstance(x, pd.DataFrame):
            if list(x.columns) != list(y.columns) or len(x) != len(y):
                out.append(f"{key}: shape/columns {x.shape} vs {y.shape}")
                continue
            for col in x.columns:
                try:
                    pd.testing.assert_series_equal(x[col], y[col], check_exact=True)
                except AssertionError:
                    diff = ""
                    if pd.api.types.is_numeric_dtype(x[col]):
                        d = (x[col].astype(float) - y[col].astype(float)).abs().max()
                        diff = f" max abs diff {d:.3g}"
                    out.append(f"{key}.{col}:{diff}")
        elif isinstance(x, dict) and key == "state":
            for k in x:
                if x[k].dtype != y[k].dtype or x[k].tobytes() != y[k].tobytes():
                    n = np.count_nonzero(x[k] != y[k]) if x[k].shape == y[k].shape else "all"
                    out.append(f"state.{k}: {n} elements differ")
        else:  # summary
            for k in sorted(set(x) | set(y)):
                if not _same_value(x.get(k), y.get(k)):
                    out.append(f"{key}.{k}: {x.get(k)!r} vs {y.get(k)!r}")
    return out


def compare(before: Path, after: Path) -> int:
    names = sorted(p.stem for p in before.glob("*.pkl"))
    missing = [n for n in names if not (after / f"{n}.pkl").exists()]
    bad = 0
    for name in names:
        if name in missing:
            print(f"{name}: MISSING in {after}")
            bad += 1
            continue
        with open(before / f"{name}.pkl", "rb") as fa, open(after / f"{name}.pkl", "rb") as fb:
            diffs = differences(pickle.load(fa), pickle.load(fb))
        if diffs:
            bad += 1
            print(f"{name}: DIFFERS in {len(diffs)} columns: " + "; ".join(diffs[:12]))
        else:
            print(f"{name}: identical")
    print(f"{len(names) - bad} of {len(names)} runs identical")
    return 1 if bad or not names else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("save", help="run every case and pickle its tables into a folder")
    s.add_argument("folder", type=Path)
    s.add_argument("--days", type=float, default=60)
    s.add_argument("--only", nargs="*", help="case names (default: all)")
    c = sub.add_parser("compare", help="compare two snapshot folders exactly")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "save":
        save(args.folder, args.days, args.only)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
