"""Running replicates and comparisons with common random numbers.

Replicate seeds are spawned from one base seed; every scenario of a comparison reuses
the same replicate seeds, so differences between scenarios are not seed noise.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .executor import run_jobs
from .model import RuralPolicingModel
from .scenario import Scenario

TABLES = ("incidents", "daily", "villages", "officers", "roads")
PROGRESS_DAYS = 10  # simulated days between calls of run_once's on_day
ID_COLUMNS = ("scenario", "preset", "replicate", "seed")


def replicate_seeds(base_seed: int, replicates: int) -> list[int]:
    """Independent run seeds spawned from one base seed (numpy SeedSequence)."""
    children = np.random.SeedSequence(base_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def run_once(
    scenario: Scenario, seed: int, on_day: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """One run's tables (see simulation.metrics). `on_day(d)` is called every
    PROGRESS_DAYS simulated days (a progress bar); running in such chunks changes nothing."""
    model = RuralPolicingModel(scenario, seed=seed)
    if on_day is not None:
        for day in range(PROGRESS_DAYS, math.ceil(scenario.days), PROGRESS_DAYS):
            model.run_until(day * 24)
            on_day(day)
    return model.run().results()


@dataclass
class Results:
    """Tables of many runs, each tagged with scenario, preset, replicate and seed."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    seeds: list[int] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def summary(self) -> pd.DataFrame:
        return self.tables["summary"]


def run_many(
    scenarios: dict[str, Scenario],
    replicates: int,
    base_seed: int,
    progress: Callable[..., Any] | None = None,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    cluster: str | None = None,
    on_day: Callable[[int], None] | None = None,
) -> Results:
    """Every scenario x replicate, with the same replicate seeds for every scenario, run
    serially, on `workers` local processes or on Dask (see simulation.executor). Tables
    are assembled in (scenario, replicate) order, so the numbers never depend on where the
    runs ran. `progress(total=N)` makes a bar with `update()` and `close()`; `on_day` follows
    the simulated days of serial runs (see run_once)."""
    seeds = replicate_seeds(base_seed, replicates)
    jobs = [(label, r, seed) for label in scenarios for r, seed in enumerate(seeds)]
    runs: list[dict[str, Any]] = [{} for _ in jobs]
    bar = progress(total=len(jobs)) if progress else None
    t0 = time.perf_counter()
    serial = workers <= 1 and not scheduler and not cluster
    finished = run_jobs(
        partial(run_once, on_day=on_day) if on_day is not None and serial else run_once,
        ((scenarios[label], seed) for label, _, seed in jobs),
        workers=workers,
        scheduler=scheduler,
        cluster=cluster,
    )
    try:
        for done in finished:
            if done.error is not None:
                raise done.error
            runs[done.index] = done.result
            if bar is not None:
                bar.update(1)
    finally:
        finished.close()
        if bar is not None:
            bar.close()
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    rows = []
    for (label, r, seed), tables in zip(jobs, runs, strict=True):
        # The preset that ran: `clinic` for every preset in calls-for-service mode.
        preset = tables["summary"]["preset"]
        ids = {"scenario": label, "preset": preset, "replicate": r, "seed": seed}
        for name in TABLES:
            parts[name].append(tables[name].assign(**ids))
        rows.append({**tables["summary"], **ids})
    out = {name: _tagged(pd.concat(dfs, ignore_index=True)) for name, dfs in parts.items()}
    out["summary"] = _tagged(pd.DataFrame(rows))
    return Results(
        tables=out, scenarios=dict(scenarios), seeds=seeds, wall_s=time.perf_counter() - t0
    )


def _tagged(df: pd.DataFrame) -> pd.DataFrame:
    """Identifier columns first."""
    first = [c for c in ID_COLUMNS if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]]


def metric_columns(summary: pd.DataFrame) -> list[str]:
    """Numeric summary metrics (not identifiers or settings)."""
    skip = set(ID_COLUMNS) | {"days", "residents", "villages"}
    return [
        c for c in summary.columns if c not in skip and pd.api.types.is_numeric_dtype(summary[c])
    ]


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-based confidence interval of replicate values (NaNs dropped)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return math.nan, math.nan, math.nan
    m = float(v.mean())
    if len(v) < 2:
        return m, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return m, m - half, m + half


def aggregate(summary: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% interval of every metric, one row per scenario and metric."""
    rows = []
    for label, group in summary.groupby("scenario", sort=False):
        for metric in metric_columns(summary):
            m, lo, hi = mean_ci(group[metric].to_numpy())
            rows.append(
                {
                    "scenario": label,
                    "metric": metric,
                    "mean": m,
                    "ci_low": lo,
                    "ci_high": hi,
                    "replicates": len(group),
                }
            )
    return pd.DataFrame(rows)


def differences(summary: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Paired differences against the baseline (same replicate seeds), with 95% intervals,
    and the cost per incident prevented."""
    if baseline not in set(summary["scenario"]):
        raise ValueError(
            f"baseline {baseline!r} is not among the scenarios {sorted(set(summary['scenario']))}"
        )
    base = summary[summary["scenario"] == baseline].set_index("replicate")
    rows = []
    for label, group in summary.groupby("scenario", sort=False):
        if label == baseline:
            continue
        g = group.set_index("replicate").reindex(base.index)
        for metric in metric_columns(summary):
            m, lo, hi = mean_ci((g[metric] - base[metric]).to_numpy())
            rows.append(
                {
                    "scenario": label,
                    "baseline": baseline,
                    "metric": metric,
                    "difference": m,
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
        prevented = (base["true_incidents"] - g["true_incidents"]) * 365.0 / base["days"]
        extra_cost = g["cost_total_cny"] - base["cost_total_cny"]
        per = np.where(prevented > 0, extra_cost / prevented.where(prevented > 0), np.nan)
        m, lo, hi = mean_ci(per)
        rows.append(
            {
                "scenario": label,
                "baseline": baseline,
                "metric": "cost_per_incident_prevented_cny",
                "difference": m,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return pd.DataFrame(rows)
