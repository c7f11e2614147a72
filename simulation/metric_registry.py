"""Every column of a run's summary, declared once: label, unit, format, meaning, whether it
is a headline metric and which way is better, and, for a ratio, its numerator and denominator
columns (so that replicates are pooled as a ratio of means, see simulation.runner).

The console table, summary.md, the HTML report, the figures and the README's list of summary
columns (`python -m simulation.reference`) all read this module. Headline metrics appear in
the headline table in the order they are declared here. A test checks that the metrics
declared as per-run are exactly the keys `simulation.metrics.summary` returns.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from .vocab import CRIME_TYPES, REMOTENESS_BINS, REMOTENESS_LABELS, Activity, IncidentType


@dataclass(frozen=True)
class Unit:
    """How a unit is shown: after a label in tables, in words in the docs, and its format;
    and the range a value in it can take (minutes, rates, counts and costs are not negative,
    shares and scores lie in 0-1)."""

    suffix: str  # appended to a label in tables: "response mean (min)"
    words: str  # spelled out for the docs and axis labels
    fmt: str  # default format of a value
    bounds: tuple[float, float] = (0.0, math.inf)


UNITS = {
    "": Unit("", "", "{}", (-math.inf, math.inf)),
    "/1000/yr": Unit(" /1000 registered/yr", "per 1,000 registered residents a year", "{:.1f}"),
    "min": Unit(" (min)", "minutes", "{:.1f}"),
    "share": Unit("", "share, 0-1", "{:.0%}", (0.0, 1.0)),
    "score": Unit("", "score, 0-1", "{:.3f}", (0.0, 1.0)),
    "count": Unit("", "count", "{:,.0f}"),
    "days": Unit(" (days)", "days", "{:g}"),
    "CNY": Unit(" (CNY)", "CNY", "{:,.0f}"),
}


_CJK_IN_BRACKETS = re.compile(r"\s*\([^)]*[\u3400-\u9fff][^)]*\)")


@dataclass(frozen=True)
class Metric:
    """One column of the summary (or, if not `per_run`, of the comparison tables)."""

    name: str  # the column in summary.parquet, aggregate.parquet and differences.parquet
    label: str  # for people, without the unit
    unit: str  # a key of UNITS
    meaning: str  # one sentence in the domain's words
    better: Literal["lower", "higher", ""] = ""  # "": no direction is better
    headline: bool = False  # a row of the headline table
    kind: Literal["id", "setting", "metric"] = "metric"  # which run; its county and force; outcome
    per_run: bool = True  # False: added across replicates by simulation.runner
    fmt: str = ""  # format of a value; "" takes the unit's
    # A ratio: (numerator, denominator) summary columns. Across replicates it is the ratio of
    # their means (pooled), with Fieller's interval over replicates; otherwise the mean of
    # the replicate values with a t interval.
    ratio: tuple[str, str] | None = None
    undefined: str = ""  # why a value can be not defined, in words ("" derives it)
    infinite: str = ""  # how an infinite value reads ("not reached"); "" shows "∞"
    # The range a value can take, when not the unit's (a cost per incident prevented is
    # negative when the scenario saves money): intervals are clipped to it.
    bounds: tuple[float, float] | None = None

    @property
    def format(self) -> str:
        return self.fmt or UNITS[self.unit].fmt

    @property
    def natural_range(self) -> tuple[float, float]:
        """(lowest, highest) value the metric can take: its own bounds, else its unit's."""
        return self.bounds if self.bounds is not None else UNITS[self.unit].bounds

    @property
    def estimator(self) -> str:
        """How replicates are combined: 'mean', 'ratio of means' or (cost per incident
        prevented) 'ratio of mean differences'."""
        if self.ratio is None:
            return "mean"
        return "ratio of means" if self.per_run else "ratio of mean differences"

    @property
    def interval(self) -> str:
        """The kind of 95% interval across replicates: 't' or 'fieller' (simulation.intervals;
        a difference of two ratios has a 'delta' interval)."""
        return "t" if self.ratio is None else "fieller"

    @property
    def why_undefined(self) -> str:
        """Why the estimate is not defined: 'no responded incidents', 'nothing prevented'."""
        if self.undefined:
            return self.undefined
        if self.ratio is not None and self.ratio[1] in METRICS:
            return f"no {METRICS[self.ratio[1]].label}"
        return "no data"

    @property
    def heading(self) -> str:
        """The label with a short unit, as tables show it: 'response mean (min)'."""
        return self.label + UNITS[self.unit].suffix

    @property
    def unit_words(self) -> str:
        return UNITS[self.unit].words

    @property
    def axis_label(self) -> str:
        """The label with the unit in words, for a figure's axis. Chinese terms in brackets are
        left out: matplotlib's default font has no CJK glyphs (they would draw as boxes)."""
        label = _CJK_IN_BRACKETS.sub("", self.label)
        return f"{label} ({self.unit_words})" if self.unit_words else label

    def show(self, value: object) -> str:
        """A value in the metric's format; '–' when missing."""
        if value is None or value != value:  # NaN
            return "–"
        if value in (math.inf, -math.inf):
            return self.infinite or ("∞" if value > 0 else "−∞")
        return self.format.format(value)


def _bands() -> dict[str, str]:
    """Remoteness bands of villages (minutes from the nearest station), in words."""
    out = {}
    for band, lo, hi in zip(
        REMOTENESS_LABELS, REMOTENESS_BINS[:-1], REMOTENESS_BINS[1:], strict=True
    ):
        if lo == 0:
            out[band] = f"< {hi:g} min"
        elif hi == float("inf"):
            out[band] = f">= {lo:g} min"
        else:
            out[band] = f"{lo:g}-{hi:g} min"
    return out


REMOTENESS_BANDS = _bands()

INCIDENT_WORDS = {
    IncidentType.PROPERTY: "property crimes (burglaries of homes)",
    IncidentType.VIOLENT: "violent crimes (robbery, assault, disputes turned violent)",
    IncidentType.DISPUTE: "disputes (neighbour, land, debt or family; 纠纷)",
    IncidentType.SERVICE: "other calls for service (accidents, help, emergencies)",
}

ACTIVITY_WORDS = {
    Activity.POST: "waiting at base (station or police room) for calls",
    Activity.PATROL: "on preventive patrol",
    Activity.VISIT: "present in an assigned village: household visits (大走访), mediation",
    Activity.TRAVEL: "driving, call handling included",
    Activity.ON_SCENE: "at the scene of an incident",
    Activity.CASEWORK: "on casework at base after incidents (statements, case files, records)",
    Activity.STATION_DUTY: "on station duties at base (household registration desk, "
    "inspections of premises, meetings and reports)",
    Activity.DIVERTED: "on non-police duties (非警务)",
    Activity.OFF_DUTY: "off duty",
}


def _identifiers() -> list[Metric]:
    """Which run a row is, and the county and force it ran on."""
    return [
        Metric("scenario", "scenario", "", "The scenario's label in the comparison.", kind="id"),
        Metric(
            "preset",
            "policing model",
            "",
            "The policing preset (`clinic` in calls-for-service mode).",
            kind="id",
        ),
        Metric(
            "replicate",
            "replicate",
            "",
            "The replicate's index; every scenario reuses the same replicate seeds.",
            kind="id",
            per_run=False,
        ),
        Metric("seed", "seed", "", "The run's random seed.", kind="id"),
        Metric("days", "run length", "days", "Length of the run.", kind="setting"),
        Metric("residents", "residents", "count", "Registered residents.", kind="setting"),
        Metric("villages", "villages", "count", "Villages in the county.", kind="setting"),
        Metric("officers", "officers", "count", "Police officers.", kind="setting"),
        Metric("auxiliaries", "auxiliaries", "count", "Village auxiliaries.", kind="setting"),
    ]


def _by_incident_type() -> list[Metric]:
    out = []
    for t in IncidentType:
        words = INCIDENT_WORDS[t]
        lower: Literal["lower", "higher", ""] = "" if t == IncidentType.SERVICE else "lower"
        out += [
            Metric(
                f"true_{t}_per_1000",
                f"true {t}",
                "/1000/yr",
                f"{words.capitalize()} that happened, reported or not.",
                lower,
            ),
            Metric(
                f"recorded_{t}_per_1000",
                f"recorded {t}",
                "/1000/yr",
                f"{words.capitalize()} reported to the police.",
            ),
            Metric(
                f"true_{t}",
                f"true {t} incidents",
                "count",
                f"{words.capitalize()} that happened, reported or not.",
                lower,
            ),
            Metric(
                f"recorded_{t}",
                f"recorded {t} incidents",
                "count",
                f"{words.capitalize()} reported to the police.",
            ),
            Metric(
                f"reporting_rate_{t}",
                f"reporting rate, {t}",
                "share",
                f"Share of {words} reported to the police.",
                "higher",
                ratio=(f"recorded_{t}", f"true_{t}"),
            ),
        ]
    return out


ANSWERED = (
    "over answered incidents (an officer reached them before the end; those still waiting "
    "are left out)"
)


def _response_times() -> list[Metric]:
    """Response times: censored (Kaplan-Meier) over every reported incident needing an
    officer, and means over the answered ones, with the counts that pool them."""
    out = [
        Metric(
            "needing_officer",
            "reported needing an officer",
            "count",
            "Reported incidents whose report reached the police before the end and that need an "
            "officer at the scene (not handled on the phone).",
        ),
        Metric(
            "responded",
            "responded",
            "count",
            "Reported incidents an officer reached before the end of the run (answered).",
        ),
        Metric(
            "unanswered_at_end",
            "incidents unanswered at the end",
            "count",
            "Reported incidents needing an officer that no officer had reached by the end "
            "(queued, or an officer on the way).",
            "lower",
        ),
    ]
    km = "(report to the first officer on scene) over every reported incident needing an officer"
    censor = (
        ": Kaplan-Meier, an incident no officer had reached by the end counts as waiting at "
        "least (end − report); 'not reached' (inf) when the estimated share still waiting never "
    )
    out += [
        Metric(
            "response_km_median_min",
            "response median, all reported",
            "min",
            f"Median response time {km}{censor}falls to one half.",
            "lower",
            headline=True,
            infinite="not reached",
            undefined="not reached in a replicate",
        ),
        Metric(
            "response_km_p90_min",
            "response p90, all reported",
            "min",
            f"90th percentile of the response time {km}{censor}falls to one tenth.",
            "lower",
            headline=True,
            infinite="not reached",
            undefined="not reached in a replicate",
        ),
        Metric(
            "unanswered_share",
            "unanswered at the end",
            "share",
            "Share of the reported incidents needing an officer that no officer had reached by "
            "the end of the run.",
            "lower",
            headline=True,
            fmt="{:.1%}",
            ratio=("unanswered_at_end", "needing_officer"),
        ),
    ]
    for m in (15, 30):
        out += [
            Metric(
                f"eligible_within_{m}",
                f"reported needing an officer {m} min before the end",
                "count",
                f"Reported incidents needing an officer whose report came at least {m} minutes "
                f"before the end: whether an officer came within {m} minutes is known.",
            ),
            Metric(
                f"answered_within_{m}",
                f"answered within {m} min",
                "count",
                f"Reported incidents needing an officer, reported at least {m} minutes before "
                f"the end, that an officer reached within {m} minutes of the report.",
                "higher",
            ),
            Metric(
                f"response_within_{m}",
                f"within {m} min",
                "share",
                f"Share of the reported incidents needing an officer (reported at least {m} "
                f"minutes before the end) that an officer reached within {m} minutes; those "
                "still waiting count as not reached.",
                "higher",
                headline=True,
                ratio=(f"answered_within_{m}", f"eligible_within_{m}"),
            ),
        ]
    out += [
        Metric(
            "response_total_min",
            "total response minutes",
            "min",
            f"Sum of the response times {ANSWERED}.",
            fmt="{:,.0f}",
        ),
        Metric(
            "response_mean_min",
            "response mean, answered",
            "min",
            f"Mean response time (report to the first officer on scene) {ANSWERED}.",
            "lower",
            headline=True,
            ratio=("response_total_min", "responded"),
        ),
        Metric(
            "response_median_min",
            "response median, answered",
            "min",
            f"Median response time {ANSWERED}.",
            "lower",
        ),
        Metric(
            "response_p90_min",
            "response p90, answered",
            "min",
            f"90th percentile of the response time {ANSWERED}.",
            "lower",
        ),
    ]
    for band, words in REMOTENESS_BANDS.items():
        out += [
            Metric(
                f"responded_{band}",
                f"responded, {band}",
                "count",
                f"Answered incidents in {band} villages ({words} from the nearest station).",
            ),
            Metric(
                f"response_total_{band}_min",
                f"total response minutes, {band}",
                "min",
                f"Sum of the response times in {band} villages {ANSWERED}.",
                fmt="{:,.0f}",
            ),
            Metric(
                f"response_mean_{band}_min",
                f"response mean, {band}",
                "min",
                f"Mean response time in {band} villages ({words} from the nearest station) "
                f"{ANSWERED}.",
                "lower",
                ratio=(f"response_total_{band}_min", f"responded_{band}"),
            ),
        ]
    out += [
        Metric(
            "responded_remote_third",
            "responded, remotest third",
            "count",
            "Answered incidents in the remotest third of villages.",
        ),
        Metric(
            "response_total_remote_third_min",
            "total response minutes, remotest third",
            "min",
            f"Sum of the response times in the remotest third of villages {ANSWERED}.",
            fmt="{:,.0f}",
        ),
        Metric(
            "response_mean_remote_third_min",
            "remotest third",
            "min",
            "Mean response time in the remotest third of villages (by minutes from the "
            f"nearest station) {ANSWERED}.",
            "lower",
            headline=True,
            ratio=("response_total_remote_third_min", "responded_remote_third"),
        ),
    ]
    return out


def _incidents_and_response() -> list[Metric]:
    out = [
        Metric(
            "true_crime_per_1000",
            "true crime",
            "/1000/yr",
            "Property and violent crimes that happened, reported or not.",
            "lower",
            headline=True,
        ),
        Metric(
            "recorded_crime_per_1000",
            "recorded crime",
            "/1000/yr",
            "Property and violent crimes reported to the police: what police statistics show.",
            headline=True,
        ),
        Metric(
            "recorded_crime",
            "recorded crimes",
            "count",
            "Property and violent crimes reported to the police.",
        ),
        Metric(
            "true_crime",
            "true crimes",
            "count",
            "Property and violent crimes that happened, reported or not.",
        ),
        Metric(
            "true_calls",
            "true calls",
            "count",
            "Disputes and other calls for service that arose, reported or not.",
        ),
        Metric(
            "recorded_calls",
            "recorded calls",
            "count",
            "Disputes and other calls for service that reached the police.",
        ),
        Metric(
            "true_incidents",
            "true incidents",
            "count",
            "Incidents of every type, reported or not.",
            "lower",
        ),
        Metric(
            "recorded_incidents",
            "recorded incidents",
            "count",
            "Incidents of every type reported to the police.",
        ),
        Metric(
            "reporting_rate_crime",
            "crime reporting rate",
            "share",
            "Share of property and violent crimes reported to the police.",
            "higher",
            headline=True,
            ratio=("recorded_crime", "true_crime"),
        ),
        Metric(
            "reporting_rate_calls",
            "call reporting rate",
            "share",
            "Share of disputes and other calls for service that reached the police.",
            ratio=("recorded_calls", "true_calls"),
        ),
        Metric(
            "reporting_rate",
            "reporting rate, all incidents",
            "share",
            "Share of incidents of every type reported to the police (crime and calls mixed: "
            "see the two rates above).",
            ratio=("recorded_incidents", "true_incidents"),
        ),
    ]
    out += _response_times()
    out += [
        Metric(
            "first_presences",
            "first presences",
            "count",
            "Reported incidents an officer or auxiliary reached before the end.",
        ),
        Metric(
            "first_presence_total_min",
            "total first-presence minutes",
            "min",
            "Sum of the times from the report to the first officer or auxiliary on scene.",
            fmt="{:,.0f}",
        ),
        Metric(
            "response_worst5_villages_min",
            "worst five villages",
            "min",
            "Equity: mean response time of the five villages with the slowest mean response "
            "(villages with at least one response).",
            "lower",
        ),
        Metric(
            "first_presence_mean_min",
            "first presence",
            "min",
            "Mean time from the report to the first officer or auxiliary at the scene, over "
            "the incidents someone reached before the end (an auxiliary walks there; nothing in "
            "the model depends on it, so it is not a headline).",
            "lower",
            ratio=("first_presence_total_min", "first_presences"),
        ),
        Metric(
            "first_presence_median_min",
            "first presence median",
            "min",
            "Median time from the report to the first officer or auxiliary on scene, over the "
            "incidents someone reached before the end.",
            "lower",
        ),
        Metric(
            "queued_at_end",
            "queued at the end",
            "count",
            "Reported incidents still waiting for an officer when the run ended.",
            "lower",
        ),
        Metric(
            "responded_cross_township",
            "cross-township responses (count)",
            "count",
            "Responses (an officer on scene) by an officer of another township's station.",
        ),
        Metric(
            "cross_township_share",
            "cross-township responses",
            "share",
            "Share of responses (an officer on scene) by an officer of another township's "
            "station: mutual aid (支援), `dispatch.mutual_aid_after_min`.",
            "lower",
            ratio=("responded_cross_township", "responded"),
        ),
        Metric(
            "cross_township_travel_total_min",
            "total cross-township travel",
            "min",
            "Sum of the travel times (departure to arrival) of the responses by another "
            "township's officer.",
            fmt="{:,.0f}",
        ),
        Metric(
            "cross_township_travel_min",
            "cross-township travel",
            "min",
            "Mean travel time (departure to arrival) of the responses by another township's "
            "officer; NaN when there were none.",
            "lower",
            ratio=("cross_township_travel_total_min", "responded_cross_township"),
        ),
    ]
    return out


def _disputes_and_outcomes() -> list[Metric]:
    out = [
        Metric(
            "disputes_arisen",
            "disputes arisen",
            "count",
            "Disputes that arose in the observed window.",
            "lower",
        ),
        Metric(
            "disputes_detected",
            "disputes detected",
            "count",
            "Disputes arisen in the window that an officer or auxiliary heard of.",
        ),
        Metric(
            "disputes_closed",
            "disputes closed",
            "count",
            "Disputes that closed in the observed window: settled by themselves, mediated or "
            "escalated.",
        ),
        Metric(
            "disputes_mediated",
            "disputes mediated",
            "count",
            "Disputes closed in the window by police or auxiliary mediation (小事不出村).",
        ),
        Metric(
            "disputes_escalated",
            "disputes escalated",
            "count",
            "Disputes that turned violent (民转刑) in the observed window.",
            "lower",
            headline=True,
            fmt="{:.1f}",  # a mean over replicates
        ),
        Metric(
            "escalation_rate",
            "escalation rate (民转刑)",
            "share",
            "Share of the disputes closed in the window that turned violent (disputes still "
            "open at the end are not in the denominator).",
            "lower",
            headline=True,
            fmt="{:.1%}",
            ratio=("disputes_escalated", "disputes_closed"),
        ),
        Metric(
            "escalated_per_1000",
            "escalated disputes",
            "/1000/yr",
            "Disputes that turned violent.",
            "lower",
            fmt="{:.3g}",  # often well below 1 per 1,000 (Mouding ~0.07): 3 significant digits
        ),
        Metric("arrests", "arrests", "count", "Incidents cleared with an arrest."),
        Metric(
            "clearance_rate",
            "clearance rate",
            "share",
            "Arrests per recorded property or violent crime.",
            "higher",
            headline=True,
            ratio=("arrests", "recorded_crime"),
        ),
    ]
    for t in CRIME_TYPES:
        out += [
            Metric(
                f"arrests_{t}",
                f"{t} arrests",
                "count",
                f"Recorded {t} crimes cleared with an arrest.",
            ),
            Metric(
                f"{t}_clearance_rate",
                f"{t} clearance rate",
                "share",
                f"Arrests per recorded {t} crime.",
                "higher",
                ratio=(f"arrests_{t}", f"recorded_{t}"),
            ),
        ]
    return out


def _trust_and_officers() -> list[Metric]:
    out = [
        Metric(
            "mean_trust",
            "mean trust",
            "score",
            "Mean trust in the police of the residents present (migrants away excluded).",
            "higher",
            headline=True,
        ),
        Metric(
            "present_residents",
            "present residents",
            "count",
            "Residents present at the end (migrants away excluded).",
        ),
        Metric(
            "satisfied_residents",
            "satisfied residents",
            "count",
            "Present residents whose trust is above `trust.satisfied_threshold`.",
            "higher",
        ),
        Metric(
            "satisfaction",
            "satisfaction",
            "share",
            "Share of present residents whose trust is above `trust.satisfied_threshold`.",
            "higher",
            headline=True,
            ratio=("satisfied_residents", "present_residents"),
        ),
        Metric(
            "seen_residents",
            "residents with a recent contact",
            "count",
            "Present residents with a police or auxiliary contact within "
            "trust.visibility_window_days (default 30).",
            "higher",
        ),
        Metric(
            "visibility",
            "visibility (见警率)",
            "share",
            "Share of present residents with a police or auxiliary contact within "
            "trust.visibility_window_days (default 30).",
            "higher",
            headline=True,
            ratio=("seen_residents", "present_residents"),
        ),
        Metric(
            "officer_on_duty_min",
            "officer on-duty minutes",
            "min",
            "Officers' on-duty minutes, all officers.",
            fmt="{:,.0f}",
        ),
        Metric(
            "officer_busy_min",
            "officer busy minutes",
            "min",
            "Officers' minutes on incidents (dispatch to clearance), casework, station duties "
            "and non-police duty, all officers.",
            fmt="{:,.0f}",
        ),
        Metric(
            "officer_incident_min",
            "officer incident minutes",
            "min",
            "Officers' minutes on incidents (dispatch to clearance) and their casework, all "
            "officers.",
            fmt="{:,.0f}",
        ),
        Metric(
            "officer_utilisation",
            "officer utilisation",
            "share",
            "Officers' minutes on incidents (dispatch to clearance), their casework, station "
            "duties and non-police duty (非警务) over their on-duty minutes: the time not "
            "free for waiting, patrol or village presence.",
            headline=True,
            ratio=("officer_busy_min", "officer_on_duty_min"),
        ),
        Metric(
            "incident_utilisation",
            "incident workload",
            "share",
            "Officers' minutes on incidents (dispatch to clearance) and their casework over "
            "their on-duty minutes: the reactive workload alone.",
            ratio=("officer_incident_min", "officer_on_duty_min"),
        ),
        Metric(
            "villages_per_resident_officer",
            "villages per resident officer",
            "",
            "Mean number of villages assigned to a village or district officer (包村); NaN "
            "when the policing model has none.",
            kind="setting",
            fmt="{:.1f}",
        ),
    ]
    # Time shares are over all officer minutes of the run (officers x run length), the same
    # in every replicate: their mean over replicates is already the pooled ratio.
    out += [
        Metric(
            f"time_share_{a}",
            f"time share, {a.replace('_', ' ')}",
            "share",
            f"Share of all officer minutes spent {ACTIVITY_WORDS[a]}.",
        )
        for a in Activity
    ]
    return out


def _costs() -> list[Metric]:
    parts = [
        ("officers", "officers", "officers: salaries and overheads"),
        ("auxiliaries", "auxiliaries", "auxiliaries: pay"),
        ("vehicles", "vehicles", "patrol vehicles, one per `costs.officers_per_vehicle` officers"),
        ("police_rooms", "police rooms", "district police rooms (警务室) that received an officer"),
        ("cctv", "CCTV", "CCTV at village entrances (the `cctv` add-on)"),
        ("driving", "driving", "driving on duty: vehicle-km at `costs.vehicle_per_km`"),
    ]
    out = [
        Metric(
            "vehicle_km_per_year",
            "vehicle-km a year",
            "count",
            "Kilometres officers drove on duty (responses, patrols, village presence, returns "
            "to base), scaled to a year.",
            "lower",
        )
    ]
    out += [
        Metric(
            f"cost_{part}_cny",
            f"cost of {label}",
            "CNY",
            f"Annual cost of {words}.",
            "lower",
        )
        for part, label, words in parts
    ]
    out += [
        Metric(
            "cost_total_cny",
            "annual cost",
            "CNY",
            "Annual cost of the policing model: the sum of the costs above.",
            "lower",
            headline=True,
        ),
        Metric(
            "cost_per_incident_prevented_cny",
            "cost / incident prevented",
            "CNY",
            "Comparisons only: mean extra annual cost over the baseline divided by the mean "
            "number of true incidents a year prevented (paired by replicate); not defined "
            "when the mean prevented is not above 0.",
            "lower",
            headline=True,
            per_run=False,
            ratio=("cost_total_cny", "true_incidents"),
            undefined="nothing prevented",
            bounds=(-math.inf, math.inf),
        ),
    ]
    return out


_DECLARED = (
    *_identifiers(),
    *_by_incident_type(),
    *_incidents_and_response(),
    *_disputes_and_outcomes(),
    *_trust_and_officers(),
    *_costs(),
)
METRICS: dict[str, Metric] = {m.name: m for m in _DECLARED}
"""Every summary column by name, in the order of the docs and of the headline table."""
if len(METRICS) != len(_DECLARED):
    raise ValueError("a metric is declared twice in simulation/metric_registry.py")

HEADLINE: tuple[Metric, ...] = tuple(m for m in METRICS.values() if m.headline)
"""The rows of the headline table, in order."""


def heading(name: str) -> str:
    """A column's heading for people; an undeclared column's name with spaces."""
    return METRICS[name].heading if name in METRICS else name.replace("_", " ")


def axis_label(name: str) -> str:
    """A column's label with its unit in words; an undeclared column's name with spaces."""
    return METRICS[name].axis_label if name in METRICS else name.replace("_", " ")


def natural_range(name: str) -> tuple[float, float]:
    """(lowest, highest) value a column can take; an undeclared column's is unbounded."""
    return METRICS[name].natural_range if name in METRICS else (-math.inf, math.inf)


def show(name: str, value: object) -> str:
    """A column's value in its format; an undeclared column's to one decimal."""
    return METRICS.get(name, _UNDECLARED).show(value)


_UNDECLARED = Metric("", "", "", "", fmt="{:.1f}")
