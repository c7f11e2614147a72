"""The incident lifecycle, in one place: an incident occurs, is discovered, is reported or
not (by whom, how late), reaches the command centre, waits or is dispatched, an officer
arrives, stays on scene and leaves with an outcome, and the outcome has consequences
(an arrest, a settled dispute, trust).

    occurs -> UNREPORTED (final)
           -> REPORTING -> QUEUED -> DISPATCHED -> ON_SCENE -> CLEARED (+ Outcome)

`Response` owns every transition. Demand processes create incidents (`IncidentLog.new`)
and hand them to `Response.occurred`; the command centre only chooses officers and holds
the queue; officers only move. The response never sees the model: it gets the settings it
reads, the parties it works with and a clock (`ResponseRules`, `Parties`, `Clock`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, field_validator

from .addons import AddonsConfig
from .crime import CrimeConfig
from .dispatch import DispatchConfig
from .incident import Incident
from .rhythms import Calendar
from .section import Distribution, Probability, Section, plausible
from .vocab import (
    CRIME_TYPES,
    IncidentState,
    IncidentType,
    Outcome,
    Reporter,
    Responder,
    check_incident_types,
)

if TYPE_CHECKING:
    from .agents import Auxiliary, Officer
    from .clock import Clock
    from .community import Community
    from .crime import CrimeProcess
    from .dispatch import CommandCentre
    from .disputes import DisputeProcess
    from .policing.base import PolicingModel


def _default_reporting() -> dict[str, float]:
    return {
        IncidentType.PROPERTY: 0.33,  # NCVS: ~1/3 of household thefts reported
        # Calibrated: 0.39 at the reference trust gives the NCVS ~42% across a clinic
        # county, whose victims' trust is spread around the reference (initial_sd).
        IncidentType.VIOLENT: 0.39,
        IncidentType.DISPUTE: 0.35,  # calibrated: dispute calls ~12% of valid 110 calls
        IncidentType.SERVICE: 0.95,  # assumption: emergencies are called in
    }


class ReportingConfig(Section):
    """Whether and when a discovered incident reaches the command centre."""

    probability: dict[str, Probability] = Field(
        default_factory=lambda: _default_reporting(),
        description="reporting probability by type at the reference trust "
        "(NCVS: violent 0.42, household theft ~1/3)",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "NCVS: ~42% of violent victimisations and ~1/3 of household thefts reported (violent 0.39 at the reference trust is calibrated so that a clinic county's violent reporting rate is 0.42: victims' trust keeps its spread, tests/validation/test_reporting_rates.py); dispute 0.35 calibrated to the 110 call mix (Jiangsu 2015, Xuzhou 2017), service 0.95 assumption",
            "plausible": {
                "property": plausible(
                    0.2,
                    0.5,
                    "NCVS: ~1/3 of household thefts reported (US); rural Chinese victims' reporting is unmeasured, so wider: 0.2-0.5",
                    dist="triangular",
                    mode=0.33,
                ),
                "violent": plausible(
                    0.3,
                    0.5,
                    "calibrated: 0.39 gives NCVS ~42% of violent crime reported; 0.3-0.5 keeps that rate within the validation's ~8-point tolerance",
                    dist="triangular",
                    mode=0.39,
                ),
                "dispute": plausible(
                    0.22,
                    0.55,
                    "calibrated: disputes 11.8-13% of valid 110 calls (Jiangsu 2015, Xuzhou 2017); 0.22-0.55 keeps them at ~8-18% of calls",
                    dist="triangular",
                    mode=0.35,
                ),
                "service": plausible(
                    0.8,
                    0.99,
                    "expert range (assumption): emergencies and requests for help are nearly always called in",
                    dist="triangular",
                    mode=0.95,
                ),
            },
        },
    )
    reference_trust: Probability = Field(
        0.5,
        description="trust at which `probability` holds",
        json_schema_extra={
            "unit": "trust 0-1",
            "source": "setting: the trust at which `probability` is stated (the default initial "
            "mean trust); its uncertainty is that of `probability` and `trust.initial_mean`",
        },
    )
    trust_logit_slope: float = Field(
        3.0,
        ge=0,
        description="change in log-odds of reporting per unit trust. Assumption",
        json_schema_extra={
            "unit": "log-odds per unit trust",
            "source": "assumption",
            "plausible": plausible(
                0.0,
                6.0,
                "expert range (assumption): reporting rises with trust in police, by an unmeasured amount; 0 = no effect, 6 = odds x2.5 per 0.15 trust",
                dist="triangular",
                mode=3.0,
            ),
        },
    )
    delay_median_min: float = Field(
        20,
        gt=0,
        description="median reporting delay after discovery, minutes "
        "(Kansas City response time study: ~20 min when discovered later)",
        json_schema_extra={
            "unit": "minutes",
            "source": "Kansas City response time study: median reporting delay ~20 min when discovered later",
            "plausible": plausible(
                10,
                40,
                "Kansas City response time study: median reporting delay ~20 min when discovered later (1977, US); rural China may differ either way",
                dist="lognormal",
                mode=20,
            ),
        },
    )
    delay_sigma: float = Field(
        1.0,
        gt=0,
        description="log-sd of the reporting delay",
        json_schema_extra={
            "unit": "log-sd",
            "source": "assumption",
            "plausible": plausible(
                0.5,
                1.5,
                "expert range (assumption): spread of reporting delays unmeasured; 0.5-1.5 puts the 90th percentile at 1.9-6.8x the median",
                dist="uniform",
            ),
        },
    )
    discovery_mean_min: float = Field(
        240,
        ge=0,
        description="mean delay until an empty-home burglary is discovered, minutes",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption",
            "plausible": plausible(
                60,
                960,
                "expert range (assumption): an empty home's burglary is found when someone returns, from an hour to a long working day later",
                dist="lognormal",
                mode=240,
            ),
        },
    )
    occupied_discovery_min: float = Field(
        5,
        ge=0,
        description="delay until a burglary of an occupied home is discovered, minutes",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: someone is at home",
            "plausible": plausible(
                0.5,
                50,
                "expert range (assumption): someone at home notices within minutes, or later if asleep or working the fields nearby",
                dist="lognormal",
                mode=5,
            ),
        },
    )
    multi_channel_odds: float = Field(
        1.5,
        ge=1,
        description="odds multiplier with multi-channel reporting. Assumption",
        json_schema_extra={
            "unit": "odds ratio",
            "source": "assumption",
            "plausible": plausible(
                1.0,
                2.5,
                "expert range (assumption): more channels (phone, app, WeChat) ease reporting by an unmeasured amount; 1 = no effect",
                dist="triangular",
                mode=1.5,
            ),
        },
    )
    multi_channel_delay_factor: Probability = Field(
        0.5,
        description="delay multiplier with multi-channel reporting. Assumption",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption",
            "plausible": plausible(
                0.25,
                1.0,
                "expert range (assumption): more channels shorten the delay by an unmeasured amount; 1 = no effect",
                dist="triangular",
                mode=0.5,
            ),
        },
    )
    urgent_delay_median_min: float = Field(
        5,
        gt=0,
        description="median reporting delay of violent, dispute and service calls, "
        "minutes. Assumption (involvement crimes are reported sooner; Kansas City study)",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: involvement crimes are reported sooner (Kansas City response time study)",
            "plausible": plausible(
                2,
                15,
                "expert range (assumption): involvement and emergency calls come within minutes (Kansas City study: ~20 min for crimes discovered later)",
                dist="lognormal",
                mode=5,
            ),
        },
    )
    auxiliary_report_probability: Probability = Field(
        0.5,
        description="chance an on-duty village auxiliary learns of an incident in its "
        "village and reports it at once. Assumption",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "assumption",
            "plausible": plausible(
                0.2,
                0.8,
                "expert range (assumption): how often an on-duty village auxiliary hears of an incident at once is unmeasured",
                dist="uniform",
            ),
        },
    )
    auxiliary_delay_min: float = Field(
        3,
        ge=0,
        description="delay when a village auxiliary reports at once, minutes",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption",
            "plausible": plausible(
                1,
                10,
                "expert range (assumption): an auxiliary who hears of an incident phones the station within minutes",
                dist="triangular",
                mode=3,
            ),
        },
    )

    @field_validator("probability")
    @classmethod
    def _known_types(cls, p: dict[str, float]) -> dict[str, float]:
        check_incident_types(p)
        return p


def default_on_scene() -> dict[str, Distribution]:
    # Assumption: on-scene times of rural Chinese stations are not published; these
    # are of the order reported for US/UK patrol units (30-90 minutes).
    return {
        IncidentType.PROPERTY: Distribution(kind="lognormal", mean=60, sd=30),
        IncidentType.VIOLENT: Distribution(kind="lognormal", mean=90, sd=45),
        IncidentType.DISPUTE: Distribution(kind="lognormal", mean=60, sd=30),
        IncidentType.SERVICE: Distribution(kind="lognormal", mean=40, sd=20),
    }


def default_casework() -> dict[str, Distribution]:
    # Assumption: officer time owed after a scene, done at base when no call needs the officer:
    # investigation, statements and the case file of a recorded crime (立案) — about an
    # officer-day for a theft, two for an assault, as a rural station officer's log shows cases
    # taking days (Zhang, 派出所功能与国家治理的法治化, K station, May 2014) — a mediation
    # record (调解笔录) for a dispute, the call record for other calls.
    return {
        IncidentType.PROPERTY: Distribution(kind="lognormal", mean=480, sd=240),
        IncidentType.VIOLENT: Distribution(kind="lognormal", mean=960, sd=480),
        IncidentType.DISPUTE: Distribution(kind="lognormal", mean=60, sd=30),
        IncidentType.SERVICE: Distribution(kind="lognormal", mean=30, sd=15),
    }


def lognormal_with_mean(rng: np.random.Generator, mean: float, cv: float) -> float:
    """A lognormal draw with the given mean and coefficient of variation."""
    sigma2 = math.log(1.0 + cv**2)
    return float(rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2)))


CLEARANCE_SLOPE_AT = 0.35
"""The clearance at which `crime.clearance_slope` (points per unit log time) is read."""


def clearance_probability(
    crime: CrimeConfig,
    addons: AddonsConfig,
    incident_type: IncidentType,
    response_min: float,
    auxiliary_village: bool,
    known_offender: bool,
) -> float:
    """Arrest probability: falls with response time, rises with information.

    logit p = logit(base_type) - gamma ln(rt / ref). Blanes i Vidal & Kirchmaier (2018) found
    +10% response time -> -4.7 points of clearance, pooled over crime types (`clearance_slope`,
    0.493 per unit log); gamma is that slope at a crime clearing at CLEARANCE_SLOPE_AT (35%,
    the all-crime share), shared by every type: burglary, clearing far less, loses fewer points
    and violence about as many (a slope in points for every type would, at burglary's low
    base, double its clearance for a 10-minute response)."""
    p0 = crime.base_clearance[incident_type]
    at = CLEARANCE_SLOPE_AT
    gamma = crime.clearance_slope / (at * (1.0 - at))
    # Faster than half the reference time brings no further gain: the published slope is
    # local, and extrapolated to a 2-minute response it would promise certain arrest.
    rt = max(response_min, crime.clearance_reference_min / 2)
    logit = math.log(p0 / (1 - p0)) - gamma * math.log(rt / crime.clearance_reference_min)
    p = 1.0 / (1.0 + math.exp(-logit))
    if addons.cctv:
        p += addons.cctv_clearance_bonus
    if auxiliary_village:
        p += crime.auxiliary_clearance_bonus
    if known_offender:
        p += crime.known_offender_clearance_bonus
    return min(p, crime.max_clearance)


@dataclass(frozen=True)
class ResponseRules:
    """The settings the response reads: `reporting.*`, `dispatch.*`, the on-scene and casework
    durations, `crime.*` (clearance) and `addons.*`."""

    reporting: ReportingConfig
    dispatch: DispatchConfig
    on_scene: dict[str, Distribution]
    casework: dict[str, Distribution]  # none in calls-for-service mode: scene time only
    clearance: CrimeConfig
    addons: AddonsConfig
    every_call_at_once: bool  # calls-for-service mode: every call reported at once


@dataclass(frozen=True)
class Parties:
    """Who the response works with: it asks `community` for trust and tells it about victims'
    experience, asks `command_centre` which officer goes, tells `crime` of arrests and
    `disputes` of mediations, sends village `auxiliaries` first, and hands an officer with
    nothing to do to `policing` (its next move)."""

    community: Community
    auxiliaries: dict[int, Auxiliary]
    crime: CrimeProcess
    disputes: DisputeProcess
    command_centre: CommandCentre
    policing: PolicingModel


class Response:
    """Moves incidents through their life (see the module docstring), by the `rules`, with the
    `parties`; schedules each next step on the `clock`. Reporting draws from its stream by
    incident type (`reporting_rngs`), the rest from the behaviour stream (`rng`)."""

    def __init__(
        self,
        rules: ResponseRules,
        parties: Parties,
        calendar: Calendar,
        clock: Clock,
        reporting_rngs: dict[IncidentType, np.random.Generator],
        rng: np.random.Generator,
    ) -> None:
        self.reporting = rules.reporting
        self.dispatching = rules.dispatch
        self.on_scene = rules.on_scene
        self.casework = rules.casework
        self.crime_config = rules.clearance
        self.addons = rules.addons
        self.every_call_at_once = rules.every_call_at_once
        self.community = parties.community
        self.auxiliaries = parties.auxiliaries
        self.crime = parties.crime
        self.disputes = parties.disputes
        self.command_centre = parties.command_centre
        self.policing = parties.policing
        self.calendar = calendar
        self.schedule = clock.at
        self.reporting_rngs = reporting_rngs
        self.rng = rng

    # --- occurrence and reporting ----------------------------------------------------
    def occurred(self, inc: Incident) -> None:
        """Reported? by whom? when? Probability by type x trust x channel."""
        inc.lifecycle = self
        cfg = self.reporting
        rng = self.reporting_rngs[inc.type]
        u = rng.random(3)
        z = rng.standard_normal()
        if self.every_call_at_once:  # calls-for-service mode
            inc.reported, inc.reporter, inc.t_report = True, Reporter.CALLER, inc.t_discover
            inc.state = IncidentState.REPORTING
            self.schedule(inc.call_arrives, inc.t_report)
            return
        trust = self.community.trust_of(inc.household, inc.village)
        p0 = min(max(cfg.probability[inc.type], 1e-9), 1 - 1e-9)
        logit = math.log(p0 / (1 - p0)) + cfg.trust_logit_slope * (trust - cfg.reference_trust)
        multi = self.addons.multi_channel_reporting
        if multi:
            logit += math.log(cfg.multi_channel_odds)
        p = 1.0 / (1.0 + math.exp(-logit))
        aux = self.auxiliaries.get(inc.village)
        if (
            aux is not None
            and aux.on_duty(self.calendar.hour(inc.t_discover))
            and u[1] < cfg.auxiliary_report_probability
        ):
            inc.reporter, delay = Reporter.AUXILIARY, cfg.auxiliary_delay_min
        elif u[0] < p:
            urgent = inc.type != IncidentType.PROPERTY
            median = cfg.urgent_delay_median_min if urgent else cfg.delay_median_min
            if multi:
                median *= cfg.multi_channel_delay_factor
            inc.reporter, delay = Reporter.VICTIM, median * math.exp(cfg.delay_sigma * z)
        else:
            self.community.victim_unheard(inc.household)
            return
        inc.reported = True
        inc.t_report = inc.t_discover + delay
        inc.state = IncidentState.REPORTING
        self.schedule(inc.call_arrives, inc.t_report)

    # --- the command centre's part --------------------------------------------------
    def received(self, inc: Incident) -> None:
        """The report reaches the command centre: first presence, then an officer or the
        queue."""
        t = inc.t_report
        if not inc.needs_officer:  # handled on the phone (most 110 calls need no officer)
            inc.state, inc.t_clear, inc.outcome = IncidentState.CLEARED, t, Outcome.ADVISED
            return
        inc.state = IncidentState.QUEUED
        self._first_presence(inc, t)
        officer = self.command_centre.assign(inc, t)
        if officer is not None:
            self.dispatch(inc, officer, t, self.command_centre.handling)
        elif self.command_centre.mutual_aid_after is not None:
            self.schedule(inc.mutual_aid_due, t + self.command_centre.mutual_aid_after)

    def mutual_aid(self, inc: Incident) -> None:
        """The incident has waited `dispatch.mutual_aid_after_min` in its own township's
        queue: the command centre may send another township's officer (支援)."""
        if inc.state != IncidentState.QUEUED:
            return  # its own station's officer has gone
        assert self.command_centre.mutual_aid_after is not None
        t = inc.t_report + self.command_centre.mutual_aid_after
        officer = self.command_centre.mutual_aid(inc, t)
        if officer is not None:
            self.dispatch(inc, officer, t, 0.0)  # handled while it waited

    def _first_presence(self, inc: Incident, t: float) -> None:
        """The village auxiliary, if on duty and free, goes to the scene while an officer
        travels (an auxiliary who reported the incident heard of it; it is not yet there)."""
        cfg = self.dispatching
        if not cfg.auxiliary_first_presence:
            return
        aux = self.auxiliaries.get(inc.village)
        if aux is None:
            return
        if aux.on_duty(self.calendar.hour(t)) and aux.busy_until <= t:
            delay = self.rng.exponential(cfg.auxiliary_response_min)
            inc.t_first_presence, inc.first_presence_by = t + delay, Responder.AUXILIARY
            aux.busy_until = t + delay + cfg.auxiliary_scene_min
            aux.scenes += 1

    def dispatch(self, inc: Incident, officer: Officer, t: float, handling: float) -> None:
        """Send an officer: the trip starts after call handling; arrival is an event."""
        speed = self.dispatching.vehicle_kmh_factor
        if self.dispatching.travel_time_cv > 0:  # lognormal trip-time factor with mean 1
            speed /= lognormal_with_mean(self.rng, 1.0, self.dispatching.travel_time_cv)
        arrival = officer.start_response(inc, inc.village, t, handling, speed)
        inc.officer = officer
        inc.t_dispatch = t + handling
        inc.responder = officer.unique_id
        inc.state = IncidentState.DISPATCHED
        self.schedule(inc.officer_arrives, arrival)

    # --- at the scene ---------------------------------------------------------------
    def arrived(self, inc: Incident) -> None:
        officer = inc.officer
        assert officer is not None and officer.trip is not None
        t = officer.trip.end
        officer.reach_scene(t)
        inc.t_arrival = t
        if not (inc.t_first_presence <= t):  # NaN-safe: no earlier presence
            inc.t_first_presence = t
            inc.first_presence_by = Responder.OFFICER
        inc.state = IncidentState.ON_SCENE
        inc.clear_due = t + self.on_scene_time(inc.type)
        self.schedule(inc.scene_cleared, inc.clear_due)

    def on_scene_time(self, incident_type: IncidentType) -> float:
        return self.duration(self.on_scene[incident_type])

    def duration(self, d: Distribution) -> float:
        """A draw of a duration distribution, minutes."""
        if d.mean <= 0:
            return 0.0
        match d.kind:
            case "fixed":
                return d.mean
            case "exponential":
                return float(self.rng.exponential(d.mean))
            case "lognormal":
                return lognormal_with_mean(self.rng, d.mean, d.sd / d.mean)
            case other:
                raise ValueError(f"unknown on-scene distribution {other!r}")

    def cleared(self, inc: Incident) -> None:
        """The officer leaves with an outcome and the case's paperwork to do (casework, done at
        base when nothing more urgent calls), then takes the next job."""
        officer = inc.officer
        assert officer is not None
        t = inc.clear_due
        inc.t_clear = t
        inc.state = IncidentState.CLEARED
        inc.outcome = self._outcome(inc, t)
        casework = self.casework.get(inc.type)
        if casework is not None:
            officer.casework_owed += self.duration(casework)
        officer.leave_scene(t)
        self.officer_free(officer, t)

    def _outcome(self, inc: Incident, t: float) -> Outcome:
        """What the officer achieved, and its consequences (arrest, settlement, trust)."""
        rt = inc.response_time
        if inc.type in CRIME_TYPES:
            known = inc.offender >= 0 and bool(self.crime.known[inc.offender])
            p = clearance_probability(
                self.crime_config, self.addons, inc.type, rt, inc.village in self.auxiliaries, known
            )
            if self.rng.random() < p:
                if inc.offender >= 0:
                    self.crime.arrest(inc.offender, t)
                outcome = Outcome.ARREST
            else:
                outcome = Outcome.NO_ARREST
        elif inc.type == IncidentType.DISPUTE:
            outcome = self.disputes.mediate_on_scene(inc.dispute, t)
        else:
            outcome = Outcome.ASSISTED
        self.community.responded(inc.household, rt, outcome, t)
        return outcome

    # --- officers coming free ---------------------------------------------------------
    def officer_free(self, officer: Officer, t: float) -> None:
        """An officer cleared a scene or came on duty: the oldest most urgent job of its
        township, else one waiting for mutual aid, else the policing model's next move; an
        officer past the shift's end goes home."""
        if not officer.on_duty:
            return
        if not officer.on_shift(t):
            officer.go_off_duty(t)  # overtime is over
            return
        if not officer.available:
            return
        inc = self.command_centre.next_job(officer, t)
        if inc is not None:
            self.dispatch(inc, officer, t, 0.0)  # handled while it waited
        else:
            self.policing.idle(officer, t)
