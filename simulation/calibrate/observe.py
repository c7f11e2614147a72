"""What the records show, computed the same way from a county's records and from a simulated
run: the summary statistics the calibration matches, and the richer observations the
posterior predictive checks draw (calls per village, by hour, response times, months).

A simulated run becomes a call log first (`calls_from_run`): the reported incidents, each a
call received at its report time, in the normalised columns of `records.read_call_log`. From
then on both sides go through the same code, so a summary means the same thing on each.

    tables = run_once(scenario, seed)
    log = calls_from_run(tables["incidents"], scenario.warmup_days, scenario.days, start)
    seen = observe(log, panel, geography, start, end)
    seen.summaries["property_calls"]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from ..units import MINUTES_PER_DAY
from ..vocab import IncidentType, Outcome, Source


class Transform(StrEnum):
    """The scale a summary is emulated on: near-constant noise, near-Gaussian."""

    SQRT = "sqrt"  # counts: the square root steadies Poisson noise (Anscombe 1948)
    LOG = "log"  # times: log minutes


COUNT_NOISE_FLOOR = 0.2


@dataclass(frozen=True)
class Summary:
    """A summary statistic of the records: its label, unit, meaning and emulation scale."""

    label: str
    unit: str
    meaning: str
    transform: Transform
    needs_panel: bool = False

    @property
    def noise_floor(self) -> float:
        """The least variance the model's own randomness gives the summary on its emulation
        scale. A count's square root varies by 0.25 or more when the count is Poisson with
        a mean above ~1, more when over-dispersed (Anscombe 1948); 0.2 keeps an emulator fitted
        to few runs from crediting that noise to the parameters. A log time: no floor."""
        return COUNT_NOISE_FLOOR if self.transform is Transform.SQRT else 0.0


SUMMARIES: dict[str, Summary] = {
    "property_calls": Summary(
        "burglary calls", "calls", "calls reporting a burglary in the period", Transform.SQRT
    ),
    "violent_calls": Summary(
        "violent crime calls", "calls", "calls reporting a violent crime", Transform.SQRT
    ),
    "dispute_calls": Summary(
        "dispute calls", "calls", "calls about a dispute (纠纷)", Transform.SQRT
    ),
    "service_calls": Summary(
        "other calls", "calls", "calls for help, traffic and other service", Transform.SQRT
    ),
    "service_attended": Summary(
        "other calls attended",
        "calls",
        "calls for service with an officer's arrival time (the rest handled on the phone)",
        Transform.SQRT,
    ),
    "property_arrests": Summary(
        "burglary calls ending in an arrest", "calls", "outcome arrest", Transform.SQRT
    ),
    "violent_arrests": Summary(
        "violent calls ending in an arrest", "calls", "outcome arrest", Transform.SQRT
    ),
    "escalations": Summary(
        "民转刑 cases",
        "cases",
        "disputes that turned into violent crime, from the township panel",
        Transform.SQRT,
        needs_panel=True,
    ),
    "response_median_min": Summary(
        "median response time",
        "minutes",
        "median of arrival minus receipt over calls with both",
        Transform.LOG,
    ),
}
"""Every summary the calibration can match, declared once."""

ESCALATED = "escalated"  # the simulated log's marker of a 民转刑 violent call (source column)


def transform(name: str, value: float) -> float:
    """A summary on its emulation scale."""
    if SUMMARIES[name].transform is Transform.LOG:
        return math.log(max(value, 0.5))
    return math.sqrt(max(value, 0.0))


def untransform(name: str, value: float) -> float:
    """Back from the emulation scale."""
    if SUMMARIES[name].transform is Transform.LOG:
        return math.exp(value)
    return max(value, 0.0) ** 2


def calls_from_run(
    incidents: pd.DataFrame, warmup_days: float, days: float, start: datetime
) -> pd.DataFrame:
    """The calls a simulated county received: every reported incident (a run's incident
    table) received in the observed window, as the normalised call log (`received` = `start`
    + the report's minute of the window). A violent call from an escalated dispute is marked
    in `source`, which a real log lacks; the township panel counts them."""
    inc = incidents
    t0 = warmup_days * MINUTES_PER_DAY
    end = t0 + days * MINUTES_PER_DAY
    seen = inc[inc["reported"] & (inc["t_report"] >= t0) & (inc["t_report"] < end)]
    seen = seen.sort_values(["t_report", "id"], kind="stable")
    base = pd.Timestamp(start)

    def at(col: str) -> np.ndarray:
        minutes = seen[col].to_numpy(dtype=float) - t0
        return np.asarray(base + pd.to_timedelta(np.round(minutes * 60.0), unit="s"))

    escalated = (seen["type"] == IncidentType.VIOLENT.value) & (
        seen["source"] == Source.DISPUTE.value
    )
    log = pd.DataFrame(  # records.LOG_COLUMNS, as a county's log is read
        {
            "row": np.arange(len(seen), dtype=int) + 2,
            "call_id": seen["id"].astype(str).to_numpy(),
            "received": at("t_report"),
            "dispatched": at("t_dispatch"),
            "arrived": at("t_arrival"),
            "closed": at("t_clear"),
            "village": seen["village"].to_numpy(dtype=int),
            "category": seen["type"].astype(str).to_numpy(),
            "outcome": seen["outcome"].astype(str).to_numpy(),
        }
    )
    log["source"] = np.where(escalated.to_numpy(), ESCALATED, "")
    return log.reset_index(drop=True)


def panel_from_run(log: pd.DataFrame, township: np.ndarray, model: str = "") -> pd.DataFrame:
    """A township x month panel of what a simulated county recorded: cases by type (reported
    crimes), recorded mediations (dispute calls settled at the scene or before arrival), 民转刑
    cases (violent calls from escalated disputes)."""
    month = log["received"].dt.to_period("M").dt.to_timestamp()
    frame = pd.DataFrame(
        {
            "month": month,
            "township": township[log["village"].to_numpy()],
            "property_cases": (log["category"] == IncidentType.PROPERTY.value).astype(int),
            "violent_cases": (log["category"] == IncidentType.VIOLENT.value).astype(int),
            "mediated_disputes": log["outcome"]
            .isin([Outcome.MEDIATED.value, Outcome.DISPUTE_MEDIATED.value])
            .astype(int),
            "escalations": (
                log["source"] == ESCALATED if "source" in log else np.zeros(len(log), bool)
            ).astype(int),
        }
    )
    months = list(pd.date_range(month.min(), month.max(), freq="MS")) if len(month) else []
    full = pd.MultiIndex.from_product(
        [months, list(range(int(township.max()) + 1))], names=["month", "township"]
    )
    panel = frame.groupby(["month", "township"]).sum().reindex(full, fill_value=0).reset_index()
    panel["model"] = model
    return panel


@dataclass
class Observed:
    """What a county's records show (or a simulated county's): the summaries and the
    observations the predictive checks compare."""

    summaries: dict[str, float]
    village_calls: np.ndarray  # calls per village
    hour_calls: np.ndarray  # calls per hour of day (24)
    response_min: np.ndarray  # response minutes, sorted (for the ECDF)
    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)  # month x township counts

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready record (what the calibration's run log stores)."""
        q = np.linspace(0, 1, 21)
        resp = self.response_min
        return {
            "summaries": {k: float(v) for k, v in self.summaries.items()},
            "village_calls": self.village_calls.astype(int).tolist(),
            "hour_calls": self.hour_calls.astype(int).tolist(),
            "response_quantiles": (np.quantile(resp, q).tolist() if len(resp) else []),
            "monthly": {
                f"{m:%Y-%m}|{t}": int(c)
                for m, t, c in self.monthly.itertuples(index=False, name=None)
            },
        }


def observe(
    log: pd.DataFrame,
    panel: pd.DataFrame | None,
    n_villages: int,
    township: np.ndarray,
) -> Observed:
    """The summaries and observations of a call log (and the township panel, if any)."""
    cat = log["category"]
    out = log["outcome"]
    arrived = log["arrived"].notna()
    summaries: dict[str, float] = {
        "property_calls": float((cat == IncidentType.PROPERTY.value).sum()),
        "violent_calls": float((cat == IncidentType.VIOLENT.value).sum()),
        "dispute_calls": float((cat == IncidentType.DISPUTE.value).sum()),
        "service_calls": float((cat == IncidentType.SERVICE.value).sum()),
        "service_attended": float(((cat == IncidentType.SERVICE.value) & arrived).sum()),
        "property_arrests": float(
            ((cat == IncidentType.PROPERTY.value) & (out == Outcome.ARREST.value)).sum()
        ),
        "violent_arrests": float(
            ((cat == IncidentType.VIOLENT.value) & (out == Outcome.ARREST.value)).sum()
        ),
    }
    seconds = (log.loc[arrived, "arrived"] - log.loc[arrived, "received"]).dt.total_seconds()
    response = np.sort(seconds.to_numpy(dtype=float) / 60.0)
    summaries["response_median_min"] = float(np.median(response)) if len(response) else math.nan
    if panel is not None and "escalations" in panel and panel["escalations"].notna().any():
        summaries["escalations"] = float(panel["escalations"].sum())
    village_calls = np.bincount(log["village"].to_numpy(dtype=int), minlength=n_villages)
    hour_calls = np.bincount(log["received"].dt.hour.to_numpy(dtype=int), minlength=24)
    month = log["received"].dt.to_period("M").dt.to_timestamp()
    monthly = (
        pd.DataFrame({"month": month, "township": township[log["village"].to_numpy(dtype=int)]})
        .groupby(["month", "township"])
        .size()
        .rename("calls")
        .reset_index()
    )
    return Observed(summaries, village_calls, hour_calls, response, monthly)


def window_days(start: datetime, end: datetime) -> int:
    """Whole days from start to end (the simulated period)."""
    return int((end - start) / timedelta(days=1))
