"""Run outputs as tidy tables: incidents, daily, villages, officers, roads and a one-row
summary of every headline metric."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
from scipy import stats

from .agents import ACTIVITIES
from .costs import annual_costs
from .incident import COLUMNS
from .metric_registry import METRICS
from .rhythms import MINUTES_PER_DAY
from .vocab import (
    CRIME_TYPES,
    INCIDENT_TYPES,
    REMOTENESS_BINS,
    REMOTENESS_LABELS,
    Activity,
    DisputeState,
    IncidentState,
    Outcome,
)

if TYPE_CHECKING:
    from .agents import Auxiliary, Officer
    from .community import Community
    from .disputes import DisputeProcess
    from .incident import IncidentLog
    from .policing.base import Deployment, PolicingModel
    from .presence import Presence
    from .region import Region
    from .scenario import Scenario
    from .villagers import VillagerTable


class Run(Protocol):
    """What the tables are read from: a finished run (model.RuralPolicingModel)."""

    config: Scenario
    run_seed: int
    region: Region
    villagers: VillagerTable
    incidents: IncidentLog
    officers: list[Officer]
    auxiliaries: list[Auxiliary]
    auxiliary_by_village: dict[int, Auxiliary]
    policing: PolicingModel
    deployment: Deployment
    presence: Presence
    community: Community
    disputes: DisputeProcess
    daily: list[dict[str, float]]
    start_time: float
    end_time: float

    @property
    def now(self) -> float: ...


def observed_days(model: Run) -> float:
    """Days after the warm-up: the window every output covers."""
    return (model.end_time - model.start_time) / MINUTES_PER_DAY


def incident_table(model: Run) -> pd.DataFrame:
    """One row per true incident, with every timestamp (minutes) and the outcome."""
    df = pd.DataFrame([i.row() for i in model.incidents], columns=list(COLUMNS))
    for col in ("type", "source", "reporter", "first_presence_by", "state", "outcome"):
        df[col] = df[col].astype(str)  # vocabulary members as their plain strings
    region = model.region
    df["village_name"] = [region.names[v] for v in df["village"]] if len(df) else []
    df["remoteness_min"] = region.remoteness[df["village"].to_numpy(int)] if len(df) else []
    df["remoteness"] = (
        pd.cut(df["remoteness_min"], REMOTENESS_BINS, labels=REMOTENESS_LABELS, right=False).astype(
            str
        )
        if len(df)
        else []
    )
    df["day"] = (
        ((df["t_occur"] - model.start_time) // MINUTES_PER_DAY).astype(int) if len(df) else []
    )
    df["response_min"] = df["t_arrival"] - df["t_report"]
    df["first_presence_min"] = df["t_first_presence"] - df["t_report"]
    df["reporting_delay_min"] = df["t_report"] - df["t_discover"]
    df["dispatch_delay_min"] = df["t_dispatch"] - df["t_report"]
    df["travel_min"] = df["t_arrival"] - df["t_dispatch"]
    # Only incidents of the observed window: not the warm-up's, nor those scheduled past the end.
    observed = (df["t_occur"] >= model.start_time) & (df["t_occur"] < model.end_time)
    return df[observed].reset_index(drop=True)


BUSY = (Activity.CASEWORK, Activity.STATION_DUTY, Activity.DIVERTED)
"""Activities besides incidents that count as busy in utilisation."""


def officer_table(model: Run) -> pd.DataFrame:
    """One row per officer: assignment and minutes spent on each activity."""
    rows = []
    for o in model.officers:
        row = {
            "officer": o.unique_id,
            "station": model.region.names[o.station],
            "role": o.role,
            "base": model.region.names[o.base],
            "villages": len(o.villages),
            "shift_start": o.shift.start_hour,
            "shift_hours": o.shift.hours,
        }
        row.update({f"min_{a}": float(o.time_use.get(a, 0.0)) for a in ACTIVITIES})
        rows.append(row)
    df = pd.DataFrame(rows)
    duty = df[[f"min_{a}" for a in ACTIVITIES if a != Activity.OFF_DUTY]].sum(axis=1)
    df["on_duty_min"] = duty
    df["committed_min"] = [o.committed_minutes for o in model.officers]
    # Utilisation: share of on-duty time at work other than waiting, patrol and presence:
    # incidents (dispatch to clearance), their casework, station duties and non-police duty.
    df["busy_min"] = df["committed_min"] + df[[f"min_{a}" for a in BUSY]].sum(axis=1)
    df["utilisation"] = df["busy_min"] / duty.replace(0, np.nan)
    df["incident_utilisation"] = (df["committed_min"] + df["min_casework"]) / duty.replace(
        0, np.nan
    )
    return df


def village_table(model: Run, incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per village: population, remoteness, incidents, response, trust."""
    region, vt = model.region, model.villagers
    years = observed_days(model) / 365.0
    df = pd.DataFrame(
        {
            "village": region.names,
            "township": region.township,
            "station": np.isin(np.arange(region.n), region.stations),
            "x_km": region.x,
            "y_km": region.y,
            "population": region.population,
            "present": vt.present_by_village,
            "remoteness_min": region.remoteness,
            "auxiliary": [v in model.auxiliary_by_village for v in range(region.n)],
            "mean_trust": vt.village_trust(),
            "presence_hours": model.presence.total,
        }
    )
    seen = model.community.seen_recently(model.now)
    df["visibility"] = np.bincount(
        vt.village, weights=seen & vt.present, minlength=region.n
    ) / np.maximum(vt.present_by_village, 1)
    per_1000 = 1000.0 / np.maximum(region.population, 1) / years
    crime = incidents["type"].isin(CRIME_TYPES)
    for kind in ("true", "recorded"):
        # A boolean mask (an empty object column would select columns, not rows).
        sub = incidents if kind == "true" else incidents[incidents["reported"].astype(bool)]
        counts = np.bincount(sub["village"].to_numpy(int), minlength=region.n)
        df[f"{kind}_incidents"] = counts
        df[f"{kind}_per_1000_year"] = counts * per_1000  # every type, per registered resident
        sub = sub[crime.loc[sub.index]]
        crimes = np.bincount(sub["village"].to_numpy(int), minlength=region.n)
        df[f"{kind}_crime_per_1000_year"] = crimes * per_1000  # as the summary's crime rates
    responded = incidents.dropna(subset=["response_min"])
    rt = responded.groupby("village")["response_min"].mean()
    df["response_mean_min"] = rt.reindex(range(region.n)).to_numpy()
    return df


def _pct(values: np.ndarray, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else math.nan


def summary(model: Run, incidents: pd.DataFrame, officers: pd.DataFrame) -> dict[str, Any]:
    """Headline metrics of one run: counts and totals once (`pooling_counts`), every ratio
    from them (`with_ratios`), and the metrics that are not ratios."""
    cfg, region = model.config, model.region
    years = observed_days(model) / 365.0
    residents = float(region.population.sum())
    rate = 1000.0 / residents / years
    s: dict[str, Any] = {
        "scenario": cfg.name,
        "preset": model.policing.name,  # clinic in calls-for-service mode
        "seed": model.run_seed,
        "days": observed_days(model),
        "residents": int(residents),
        "villages": region.n,
        "officers": len(model.officers),
        "auxiliaries": len(model.auxiliaries),
    }
    rep = incidents["reported"].astype(bool)
    for t in INCIDENT_TYPES:
        is_t = incidents["type"] == t
        s[f"true_{t}_per_1000"] = float(is_t.sum() * rate)
        s[f"recorded_{t}_per_1000"] = float((is_t & rep).sum() * rate)
    crime = incidents["type"].isin(CRIME_TYPES)
    s["true_crime_per_1000"] = float(crime.sum() * rate)
    s["recorded_crime_per_1000"] = float((crime & rep).sum() * rate)
    s["true_incidents"] = len(incidents)
    s["recorded_incidents"] = int(rep.sum())
    rt = incidents["response_min"].dropna().to_numpy()
    s["responded"] = len(rt)
    s["response_median_min"] = _pct(rt, 50)
    s["response_p90_min"] = _pct(rt, 90)
    responded = incidents.dropna(subset=["response_min"])
    by_village = responded.groupby("village")["response_min"].mean().to_numpy()
    s["response_worst5_villages_min"] = (
        float(np.sort(by_village)[-5:].mean()) if len(by_village) else math.nan
    )
    fp = incidents["first_presence_min"].dropna().to_numpy()
    s["first_presence_median_min"] = _pct(fp, 50)
    s["queued_at_end"] = int((incidents["state"] == IncidentState.QUEUED).sum())
    # Disputes: those that arose in the observed window, and those that closed in it (settled,
    # mediated or escalated): the escalation rate is over closed disputes, so disputes still
    # open at the end do not dilute it.
    start, end = model.start_time, model.end_time
    arisen = [d for d in model.disputes.disputes if start <= d.t_start < end]
    closed = [d for d in model.disputes.disputes if start <= d.t_end < end]
    s["disputes_arisen"] = len(arisen)
    s["disputes_detected"] = sum(d.detected for d in arisen)
    s["disputes_closed"] = len(closed)
    s["disputes_mediated"] = sum(d.state == DisputeState.MEDIATED for d in closed)
    s["disputes_escalated"] = sum(d.state == DisputeState.ESCALATED for d in closed)
    s["escalated_per_1000"] = s["disputes_escalated"] * rate
    arrested = incidents["outcome"] == Outcome.ARREST
    s["arrests"] = int(arrested.sum())
    for t in CRIME_TYPES:
        s[f"arrests_{t}"] = int((arrested & (incidents["type"] == t)).sum())
    s["mean_trust"] = model.community.mean_trust()  # residents present, not migrants away
    resident_officers = model.deployment.residents  # village and district officers
    s["villages_per_resident_officer"] = (
        float(np.mean([len(o.villages) for o in resident_officers]))
        if resident_officers
        else math.nan
    )
    total = sum(officers[f"min_{a}"].sum() for a in ACTIVITIES)
    for a in ACTIVITIES:
        s[f"time_share_{a}"] = float(officers[f"min_{a}"].sum() / total) if total else 0.0
    s.update(costs(model))
    s.update(censored_response(incidents, model.end_time))
    s.update(pooling_counts(model, incidents, officers))
    return with_ratios(s)


def with_ratios(s: dict[str, Any]) -> dict[str, Any]:
    """`s` with every per-run ratio metric declared in simulation.metric_registry computed
    from its numerator and denominator columns (NaN when the denominator is 0): a ratio
    metric is one declaration, computed in one place."""
    for m in METRICS.values():
        if m.ratio is not None and m.per_run and set(m.ratio) <= s.keys():
            num, den = s[m.ratio[0]], s[m.ratio[1]]
            s[m.name] = float(num / den) if den > 0 else math.nan
    return s


WITHIN_MIN = (15, 30)
"""Response-time marks (minutes) of the `response_within_<m>` shares."""


def km_quantile(waits: np.ndarray, answered: np.ndarray, q: float) -> float:
    """The q-quantile of the Kaplan-Meier estimate of the waiting time: the first time at
    which the estimated share still waiting falls to 1 - q or below. `waits` are response
    times of the answered incidents and, for the others, how long they had waited at the end
    (right-censored). inf: never reached (too many still waiting); NaN: no incidents."""
    waits = np.asarray(waits, dtype=float)
    answered = np.asarray(answered, dtype=bool)
    if len(waits) == 0:
        return math.nan
    if not answered.any():
        return math.inf
    sample = stats.CensoredData(uncensored=waits[answered], right=waits[~answered])
    sf = stats.ecdf(sample).sf
    hit = np.flatnonzero(sf.probabilities <= 1.0 - q + 1e-12)
    return float(sf.quantiles[hit[0]]) if len(hit) else math.inf


def censored_response(incidents: pd.DataFrame, end_time: float) -> dict[str, Any]:
    """Response times over every reported incident needing an officer, those still waiting
    at the end included: Kaplan-Meier median and p90 (censored at end - report), and the
    counts behind the share unanswered and the shares reached within 15 and 30 minutes
    (the shares themselves: `with_ratios`)."""
    need = (
        incidents["reported"].astype(bool)
        & incidents["needs_officer"].astype(bool)
        & (incidents["t_report"] <= end_time)
    )
    sub = incidents[need]
    answered = sub["t_arrival"].notna().to_numpy()
    waits = np.where(answered, sub["response_min"], end_time - sub["t_report"])
    n, unanswered = len(sub), int((~answered).sum())
    s: dict[str, Any] = {
        "needing_officer": n,
        "unanswered_at_end": unanswered,
        "response_km_median_min": km_quantile(waits, answered, 0.5),
        "response_km_p90_min": km_quantile(waits, answered, 0.9),
    }
    for m in WITHIN_MIN:
        # Reported at least m minutes before the end: whether reached within m is known.
        known = (sub["t_report"] <= end_time - m).to_numpy()
        reached = int((known & answered & (waits <= m)).sum())
        s[f"eligible_within_{m}"] = int(known.sum())
        s[f"answered_within_{m}"] = reached
    return s


def pooling_counts(model: Run, incidents: pd.DataFrame, officers: pd.DataFrame) -> dict[str, Any]:
    """The numerators and denominators of the summary's ratios (declared in
    simulation.metric_registry), so that replicates can be pooled as ratios of means."""
    region, vt = model.region, model.villagers
    rep = incidents["reported"].astype(bool)
    s: dict[str, Any] = {}
    for t in INCIDENT_TYPES:
        is_t = incidents["type"] == t
        s[f"true_{t}"] = int(is_t.sum())
        s[f"recorded_{t}"] = int((is_t & rep).sum())
    crime = incidents["type"].isin(CRIME_TYPES)
    s["true_crime"] = int(crime.sum())
    s["recorded_crime"] = int((crime & rep).sum())
    s["true_calls"] = int((~crime).sum())
    s["recorded_calls"] = int((~crime & rep).sum())
    responded = incidents.dropna(subset=["response_min"])
    s["response_total_min"] = float(responded["response_min"].sum())
    for label in REMOTENESS_LABELS:
        sub = responded.loc[responded["remoteness"] == label, "response_min"]
        s[f"responded_{label}"] = len(sub)
        s[f"response_total_{label}_min"] = float(sub.sum())
    far = responded["remoteness_min"] >= np.percentile(region.remoteness, 200 / 3)
    s["responded_remote_third"] = int(far.sum())
    s["response_total_remote_third_min"] = float(responded.loc[far, "response_min"].sum())
    home = {o.unique_id: region.township[o.station] for o in model.officers}
    other = (
        responded["responder"].map(home).to_numpy()
        != region.township[responded["village"].to_numpy(int)]
    )
    s["responded_cross_township"] = int(other.sum())
    s["cross_township_travel_total_min"] = float(responded.loc[other, "travel_min"].sum())
    fp = incidents["first_presence_min"].dropna()
    s["first_presences"] = len(fp)
    s["first_presence_total_min"] = float(fp.sum())
    present = vt.present
    s["present_residents"] = int(np.count_nonzero(present))
    s["satisfied_residents"] = model.community.satisfied_residents()
    s["seen_residents"] = int(np.count_nonzero(model.community.seen_recently(model.now)[present]))
    s["officer_on_duty_min"] = float(officers["on_duty_min"].sum())
    s["officer_busy_min"] = float(officers["busy_min"].sum())
    s["officer_incident_min"] = float(
        officers["committed_min"].sum() + officers["min_casework"].sum()
    )
    return s


def costs(model: Run) -> dict[str, float]:
    """Annual cost, CNY (simulation.costs): officers, auxiliaries, vehicles, police rooms, CCTV,
    driving; with the vehicle-km a year that the driving cost prices (averaged over the whole
    run, warm-up included: driving has no slow dynamics)."""
    years = model.end_time / MINUTES_PER_DAY / 365.0
    km = sum(o.km_by(model.end_time) for o in model.officers) / years
    parts = annual_costs(
        model.config.costs,
        officers=len(model.officers),
        auxiliaries=len(model.auxiliaries),
        police_rooms=len(model.deployment.rooms),
        cctv_villages=model.region.n if model.config.addons.cctv else 0,
        km_per_year=km,
    )
    return {"vehicle_km_per_year": float(km), **parts}


def daily_table(model: Run, incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per day: true and recorded incidents by type, trust, visibility, load."""
    days = math.ceil(observed_days(model))
    df = pd.DataFrame(model.daily).drop_duplicates("day", keep="last").set_index("day")
    df = df.reindex(range(days))
    for t in INCIDENT_TYPES:
        sub = incidents[incidents["type"] == t]
        df[f"true_{t}"] = np.bincount(sub["day"], minlength=days)[:days]
        df[f"recorded_{t}"] = np.bincount(sub.loc[sub["reported"], "day"], minlength=days)[:days]
    return df.reset_index()


def road_table(model: Run) -> pd.DataFrame:
    """One row per road: its villages, map coordinates, length and travel time."""
    r = model.region
    rows = [
        {
            "from": r.names[u],
            "to": r.names[v],
            "x0": r.x[u],
            "y0": r.y[u],
            "x1": r.x[v],
            "y1": r.y[v],
            "length_km": d.get("length_km", float("nan")),
            "minutes": d["minutes"],
        }
        for u, v, d in r.graph.edges(data=True)
    ]
    return pd.DataFrame(
        rows, columns=["from", "to", "x0", "y0", "x1", "y1", "length_km", "minutes"]
    )


def collect(model: Run) -> dict[str, Any]:
    """Every table of a finished run."""
    incidents = incident_table(model)
    officers = officer_table(model)
    return {
        "incidents": incidents,
        "daily": daily_table(model, incidents),
        "villages": village_table(model, incidents),
        "officers": officers,
        "roads": road_table(model),
        "summary": summary(model, incidents, officers),
    }
