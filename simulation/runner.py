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
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import ScenarioError
from .executor import run_jobs
from .intervals import Estimate, mean_ci, paired_ratio_difference_ci, ratio_ci
from .metric_registry import METRICS, natural_range
from .model import RuralPolicingModel
from .scenario import Scenario
from .units import MINUTES_PER_DAY
from .vocab import RegionType

TABLES = ("incidents", "daily", "villages", "officers", "roads")
PROGRESS_DAYS = 10  # simulated days between calls of run_once's on_day
ID_COLUMNS = ("scenario", "preset", "replicate", "seed")


def replicate_seeds(base_seed: int, replicates: int) -> list[int]:
    """Independent run seeds spawned from one base seed (numpy SeedSequence)."""
    children = np.random.SeedSequence(base_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


Counties = Literal["fixed", "per_replicate"] | list[int]
"""Which county each replicate runs on: "fixed", each scenario's own `region.seed`;
"per_replicate", a new county per replicate (drawn from the replicate seed, so every scenario
of a replicate shares it); a list of region seeds, cycled over the replicates."""


def county_for(scenario: Scenario, replicate: int, counties: Counties) -> Scenario:
    """The scenario on replicate `replicate`'s county."""
    if counties == "fixed":
        return scenario
    if scenario.region.type in (RegionType.GRAPHML, RegionType.CSV):
        raise ScenarioError(
            f"scenario {scenario.name!r} loads its county from a file: it cannot be redrawn "
            "per replicate (counties: fixed)",
            key="counties",
        )
    seed = None if counties == "per_replicate" else counties[replicate % len(counties)]
    region = scenario.region.model_copy(update={"seed": seed})
    return scenario.model_copy(update={"region": region})


def interval_note(counties: Counties) -> str:
    """What the 95% intervals cover, in words."""
    if counties == "fixed":
        return (
            "intervals across replicates on one county per scenario (chance in the dynamics "
            "only; the county's geography is held fixed)"
        )
    if counties == "per_replicate":
        return (
            "intervals across replicates each on a new county drawn for it (chance in the "
            "dynamics and in the county's geography)"
        )
    return (
        f"intervals across replicates cycling over a set of {len(counties)} counties "
        f"(region seeds {', '.join(map(str, counties))}): dynamics and that set's geography"
    )


def run_once(
    scenario: Scenario, seed: int, on_day: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """One run's tables (see simulation.metrics). `on_day(d)` is called every
    PROGRESS_DAYS simulated days, warm-up included (a progress bar); running in such chunks
    changes nothing."""
    model = RuralPolicingModel(scenario, seed=seed)
    if on_day is not None:
        for day in range(PROGRESS_DAYS, math.ceil(model.end_time / MINUTES_PER_DAY), PROGRESS_DAYS):
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
    counties: Counties = "fixed"

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
    counties: Counties = "fixed",
    on_day: Callable[[int], None] | None = None,
) -> Results:
    """Every scenario x replicate, with the same replicate seeds for every scenario, run
    serially, on `workers` local processes or on Dask (see simulation.executor). Tables
    are assembled in (scenario, replicate) order, so the numbers never depend on where the
    runs ran. `counties` says which county each replicate runs on (see `Counties`).
    `progress(total=N)` makes a bar with `update()` and `close()`; `on_day` follows the
    simulated days of serial runs (see run_once)."""
    seeds = replicate_seeds(base_seed, replicates)
    jobs = [(label, r, seed) for label in scenarios for r, seed in enumerate(seeds)]
    runs: list[dict[str, Any]] = [{} for _ in jobs]
    inputs = [county_for(scenarios[label], r, counties) for label, r, _ in jobs]
    bar = progress(total=len(jobs)) if progress else None
    t0 = time.perf_counter()
    serial = workers <= 1 and not scheduler and not cluster
    finished = run_jobs(
        partial(run_once, on_day=on_day) if on_day is not None and serial else run_once,
        ((scenario, seed) for scenario, (_, _, seed) in zip(inputs, jobs, strict=True)),
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
        tables=out,
        scenarios=dict(scenarios),
        seeds=seeds,
        wall_s=time.perf_counter() - t0,
        counties=counties,
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


def pooled_means(runs: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Mean of every numeric column per group, except that each declared ratio metric is the
    ratio of its numerator's and denominator's means (NaN where the latter is not above 0):
    what sweeps and grids show per design point."""
    numeric = [c for c in runs.columns if pd.api.types.is_numeric_dtype(runs[c])]
    keys = [by] if isinstance(by, str) else list(by)
    means = runs.groupby(keys)[[c for c in numeric if c not in keys]].mean()
    for metric in list(means.columns):
        ratio = _ratio(metric, runs)
        if ratio is not None:
            den = means[ratio[1]]
            means[metric] = (means[ratio[0]] / den).where(den > 0)
    return means


def _ratio(name: str, summary: pd.DataFrame) -> tuple[str, str] | None:
    """The (numerator, denominator) columns of a declared ratio metric, if present."""
    m = METRICS.get(name)
    if m is None or m.ratio is None or not m.per_run:
        return None
    return m.ratio if set(m.ratio) <= set(summary.columns) else None


def _row(e: Estimate) -> dict[str, Any]:
    return {"ci_low": e.low, "ci_high": e.high, "estimator": e.estimator, "interval": e.interval}


def aggregate(summary: pd.DataFrame) -> pd.DataFrame:
    """The estimate and 95% interval of every metric, one row per scenario and metric: the
    mean with a t interval, or for a ratio metric the ratio of means (pooled over replicates)
    with Fieller's interval (simulation.intervals). `mean` holds the estimate; `estimator` and
    `interval` say which."""
    rows = []
    for label, group in summary.groupby("scenario", sort=False):
        for metric in metric_columns(summary):
            ratio = _ratio(metric, summary)
            if ratio is None:
                e = Estimate(*mean_ci(group[metric].to_numpy(), bounds=natural_range(metric)))
            else:
                e = ratio_ci(
                    group[ratio[0]].to_numpy(),
                    group[ratio[1]].to_numpy(),
                    bounds=natural_range(metric),
                )
            rows.append(
                {
                    "scenario": label,
                    "metric": metric,
                    "mean": e.value,
                    **_row(e),
                    "replicates": len(group),
                }
            )
    return pd.DataFrame(rows)


def _paired_mean_difference(scenario: pd.Series, base: pd.Series) -> Estimate:
    """Mean paired difference with a t interval; not defined (NaN) when a replicate's value
    is infinite on either side (a median not reached)."""
    a, b = scenario.to_numpy(dtype=float), base.to_numpy(dtype=float)
    if np.isinf(a).any() or np.isinf(b).any():
        return Estimate(math.nan, math.nan, math.nan, "mean difference")
    return Estimate(*mean_ci(a - b), "mean difference")


def cost_per_incident_prevented(scenario: pd.DataFrame, base: pd.DataFrame) -> Estimate:
    """Mean extra annual cost over the mean true incidents a year prevented, paired by
    replicate (both indexed by replicate), with Fieller's interval; NaN (not defined) when the
    mean prevented is not above 0, unbounded when it is not clearly above 0."""
    prevented = (base["true_incidents"] - scenario["true_incidents"]) * 365.0 / base["days"]
    extra_cost = scenario["cost_total_cny"] - base["cost_total_cny"]
    return ratio_ci(
        extra_cost.to_numpy(), prevented.to_numpy(), estimator="ratio of mean differences"
    )


def differences(summary: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Paired differences against the baseline (same replicate seeds), with 95% intervals:
    mean differences with t intervals, differences of pooled ratios with paired delta-method
    t intervals, and the cost per incident prevented (a ratio of mean differences)."""
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
            ratio = _ratio(metric, summary)
            if ratio is None:
                e = _paired_mean_difference(g[metric], base[metric])
            else:
                num, den = ratio
                e = paired_ratio_difference_ci(
                    g[num].to_numpy(dtype=float),
                    g[den].to_numpy(dtype=float),
                    base[num].to_numpy(dtype=float),
                    base[den].to_numpy(dtype=float),
                )
            rows.append(
                {
                    "scenario": label,
                    "baseline": baseline,
                    "metric": metric,
                    "difference": e.value,
                    **_row(e),
                }
            )
        e = cost_per_incident_prevented(g, base)
        rows.append(
            {
                "scenario": label,
                "baseline": baseline,
                "metric": "cost_per_incident_prevented_cny",
                "difference": e.value,
                **_row(e),
            }
        )
    return pd.DataFrame(rows)
