"""A synthetic county's records, made by the model from stated parameter values: the example
`rpsim calibrate` ships with, and the data of its tests. Labelled synthetic everywhere: the
folder's README, every call id (SYN-...), the truth file beside it.

    python -m simulation.calibrate.synthetic scenarios/hill/clinic.yaml \
        --out scenarios/records/hill_synthetic --start 2025-01-01 --end 2026-01-01

The call log is written as a county exports it (Chinese headers, UTF-8 with a byte-order
mark, as Excel saves CSV), with a few defects of the kinds real logs have (duplicates, an
unknown village, an impossible time, an arrival before receipt, a category nobody mapped) so
the data report has something to show. The panel is township x month.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..config_files import load_scenario
from ..scenario import Scenario, validate_dict
from ..uncertainty.worlds import set_values
from .direct import SPRING_FESTIVAL
from .observe import calls_from_run, panel_from_run, window_days
from .records import CALL_HEADERS, CATEGORY_NAMES, OUTCOME_NAMES, PANEL_HEADERS

TRUTH: dict[str, float] = {
    "crime.offenders_per_1000": 1.1,
    "crime.violent_share": 0.06,
    "reporting.probability.property": 0.3,
    "crime.base_clearance.property": 0.2,
    "crime.base_clearance.violent": 0.7,
    "disputes.rate_per_1000": 20.0,
    "disputes.escalation_days": 700.0,
    "calls.rate_per_1000": 30.0,
    "calls.scene_share": 0.3,
}
"""The example's stated values (assumptions chosen to differ from the declared ones, so the
calibration has something to find)."""

DEFECTS = (
    "3 duplicated calls (the same call id twice)",
    "2 calls from a village the county does not have (新华村)",
    "1 call with an impossible received time (2025-13-45 25:61)",
    "1 call with an arrival before its receipt",
    "1 call of a category no list maps (非警务求助)",
)


def _first_name(table: dict[str, str], value: str) -> str:
    """The first Chinese name in a name -> value table that maps to `value`."""
    return next(k for k, v in table.items() if v == value and not k.isascii())


def _fmt(ts: pd.Series) -> pd.Series:
    return ts.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")


def truth_scenario(base: Scenario, truth: dict[str, Any], start: date, end: date) -> Scenario:
    """The base with the stated values and the records period set."""
    from .run import period_settings

    begin, stop = (datetime.combine(d, datetime.min.time()) for d in (start, end))
    settings = period_settings(base, begin, stop)
    festival = SPRING_FESTIVAL.get(start.year)
    if festival is not None:
        settings["season.spring_festival_day"] = festival.timetuple().tm_yday
    return validate_dict(set_values(base.model_dump(mode="json"), {**settings, **truth}))


def make_records(
    scenario: Scenario, seed: int, start: date, defects: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The call log and the township panel one run of `scenario` records, as a county
    exports them (Chinese headers and names)."""
    from ..runner import run_once
    from .run import county_of

    begin = datetime.combine(start, datetime.min.time())
    tables = run_once(scenario, seed)
    log = calls_from_run(tables["incidents"], scenario.warmup_days, scenario.days, begin)
    township = tables["villages"]["township"].to_numpy(dtype=int)
    county = county_of(scenario)
    names = county.names
    calls = pd.DataFrame(
        {
            CALL_HEADERS["call_id"]: [f"SYN-{start.year}-{i + 1:06d}" for i in range(len(log))],
            CALL_HEADERS["received"]: _fmt(log["received"]),
            CALL_HEADERS["village"]: [names[v] for v in log["village"]],
            CALL_HEADERS["category"]: [_first_name(CATEGORY_NAMES, c) for c in log["category"]],
            CALL_HEADERS["dispatched"]: _fmt(log["dispatched"]),
            CALL_HEADERS["arrived"]: _fmt(log["arrived"]),
            CALL_HEADERS["closed"]: _fmt(log["closed"]),
            CALL_HEADERS["outcome"]: [
                _first_name(OUTCOME_NAMES, o) if o else "" for o in log["outcome"]
            ],
        }
    )
    if defects:
        calls = _with_defects(calls, np.random.default_rng([seed, 99]))
    panel = panel_from_run(log, township, model=scenario.policing.preset)
    panel_out = pd.DataFrame(
        {
            PANEL_HEADERS["month"]: panel["month"].dt.strftime("%Y-%m"),
            PANEL_HEADERS["township"]: [
                f"{county.station_names[t]}派出所" for t in panel["township"]
            ],
            PANEL_HEADERS["property_cases"]: panel["property_cases"],
            PANEL_HEADERS["violent_cases"]: panel["violent_cases"],
            PANEL_HEADERS["mediated_disputes"]: panel["mediated_disputes"],
            PANEL_HEADERS["escalations"]: panel["escalations"],
            PANEL_HEADERS["model"]: panel["model"],
        }
    )
    return calls, panel_out


def _with_defects(calls: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The log with the defects of DEFECTS: extra rows, and one arrival moved before its
    receipt."""
    h = CALL_HEADERS
    calls = calls.copy()
    extra = [calls.iloc[i] for i in rng.choice(len(calls), 3, replace=False)]
    for i in rng.choice(len(calls), 2, replace=False):
        row = calls.iloc[i].copy()
        row[h["village"]] = "新华村"
        row[h["call_id"]] = row[h["call_id"]] + "-X"
        extra.append(row)
    bad = calls.iloc[int(rng.integers(len(calls)))].copy()
    bad[h["received"]] = "2025-13-45 25:61"
    bad[h["call_id"]] = bad[h["call_id"]] + "-T"
    extra.append(bad)
    odd = calls.iloc[int(rng.integers(len(calls)))].copy()
    odd[h["category"]] = "非警务求助"
    odd[h["call_id"]] = odd[h["call_id"]] + "-C"
    extra.append(odd)
    arrived = calls[h["arrived"]] != ""
    j = int(rng.choice(np.flatnonzero(arrived.to_numpy())))
    received = pd.Timestamp(str(calls.at[calls.index[j], h["received"]]))
    calls.at[calls.index[j], h["arrived"]] = (received - pd.Timedelta(minutes=7)).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    out = pd.concat([calls, pd.DataFrame(extra)], ignore_index=True)
    return out.iloc[rng.permutation(len(out))].reset_index(drop=True)


def read_truth_file(path: str | Path) -> dict[str, float]:
    """The stated values of synthetic records (truth.yaml); ScenarioError, one line per
    problem, for a value that is not a ranged parameter."""
    from ..errors import Problem, ScenarioError
    from ..ranges import schema_ranges
    from ..scenario import Scenario

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    values = data.get("values")
    if not data.get("synthetic") or not isinstance(values, dict):
        raise ScenarioError(Problem("values", "not a synthetic records' truth file", str(path)))
    known = schema_ranges(Scenario)
    bad = [k for k in values if k not in known]
    if bad:
        raise ScenarioError(
            [Problem(f"values.{k}", "not an uncertain parameter", str(path)) for k in bad]
        )
    return {str(k): float(v) for k, v in values.items()}


def write_example(
    base_path: str | Path,
    out: str | Path,
    start: date,
    end: date,
    seed: int = 2025,
    truth: dict[str, Any] | None = None,
    defects: bool = True,
) -> dict[str, Path]:
    """Write a synthetic county's records (calls.csv, panel.csv), the stated values
    (truth.yaml) and a README saying so."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    truth = dict(TRUTH if truth is None else truth)
    base = load_scenario(base_path)
    scenario = truth_scenario(base, truth, start, end)
    calls, panel = make_records(scenario, seed, start, defects)
    paths = {"calls": out / "calls.csv", "panel": out / "panel.csv"}
    calls.to_csv(paths["calls"], index=False, encoding="utf-8-sig")
    panel.to_csv(paths["panel"], index=False, encoding="utf-8-sig")
    paths["truth"] = out / "truth.yaml"
    paths["truth"].write_text(
        "# SYNTHETIC: the values the model was run with to make these records.\n"
        + yaml.safe_dump(
            {
                "synthetic": True,
                "base": str(base_path),
                "seed": seed,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "days": window_days(
                    datetime.combine(start, datetime.min.time()),
                    datetime.combine(end, datetime.min.time()),
                ),
                "values": truth,
                "defects": list(DEFECTS) if defects else [],
            },
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    paths["readme"] = out / "README.md"
    paths["readme"].write_text(
        "# SYNTHETIC records (not a real county)\n\n"
        f"Made by rpsim's model from `{base_path}` with the values in `truth.yaml` (seed "
        f"{seed}), {start} to {end}: a 110 call log (`calls.csv`, one row per call, Chinese "
        "headers as a county exports them, UTF-8 with a byte-order mark) and a township x "
        "month panel (`panel.csv`). Every call id starts SYN-.\n\n"
        "Defects added on purpose, for the data report to find:\n\n"
        + "".join(f"- {d}\n" for d in (DEFECTS if defects else ()))
        + "\nRemake with `python -m simulation.calibrate.synthetic "
        f"{base_path} --out {out} --start {start} --end {end} --seed {seed}`.\n",
        encoding="utf-8",
    )
    return paths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("base", help="scenario file: the county and its policing")
    p.add_argument("--out", required=True)
    p.add_argument("--start", type=date.fromisoformat, default=date(2025, 1, 1))
    p.add_argument("--end", type=date.fromisoformat, default=date(2026, 1, 1))
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--no-defects", action="store_true")
    a = p.parse_args(argv)
    paths = write_example(a.base, a.out, a.start, a.end, a.seed, defects=not a.no_defects)
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
