"""The incident lifecycle, in one place: an incident occurs, is discovered, is reported or
not (by whom, how late), reaches the command centre, waits or is dispatched, an officer
arrives, stays on scene and leaves with an outcome, and the outcome has consequences
(an arrest, a settled dispute, trust).

    occurs -> UNREPORTED (final)
           -> REPORTING -> QUEUED -> DISPATCHED -> ON_SCENE -> CLEARED (+ Outcome)

`Response` owns every transition. Demand processes create incidents (`IncidentLog.new`)
and hand them to `Response.occurred`; the command centre only chooses officers and holds
the queue; officers only move. Nothing here calls back into the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .rhythms import Calendar
from .scenario import AddonsConfig, CrimeConfig, DispatchConfig, Distribution, ReportingConfig
from .vocab import CRIME_TYPES, IncidentState, IncidentType, Outcome, Reporter, Responder, Source

if TYPE_CHECKING:
    from .agents import Auxiliary, Officer
    from .community import Community
    from .demand import CrimeProcess, DisputeProcess
    from .dispatch import CommandCentre

NAN = math.nan
Schedule = Callable[[Callable[[], None], float], Any]  # schedule(callback, at_minute)


class Incident:
    """One true incident. Times are model minutes; NaN means "did not happen (yet)"."""

    __slots__ = (
        "id",
        "type",
        "village",
        "household",
        "offender",
        "dispute",
        "source",
        "t_occur",
        "t_discover",
        "reported",
        "reporter",
        "t_report",
        "t_dispatch",
        "responder",
        "t_first_presence",
        "first_presence_by",
        "t_arrival",
        "t_clear",
        "state",
        "outcome",
        "officer",  # the responding Officer (not a column: `responder` is its id)
        "needs_officer",  # False: a call handled on the phone, nobody goes
        "clear_due",  # when the officer on scene will leave (not a column)
        "lifecycle",  # the Response that moves this incident along (not a column)
        "__weakref__",  # Mesa holds scheduled callbacks by weak reference
    )

    def __init__(
        self,
        id: int,
        type: IncidentType,
        village: int,
        t_occur: float,
        household: int = -1,
        offender: int = -1,
        dispute: int = -1,
        source: Source = Source.NONE,
    ) -> None:
        self.id = id
        self.type = type
        self.village = village
        self.household = household
        self.offender = offender
        self.dispute = dispute
        self.source = source
        self.t_occur = t_occur
        self.t_discover = NAN
        self.reported = False
        self.reporter = Reporter.NONE
        self.t_report = NAN
        self.t_dispatch = NAN
        self.responder = -1
        self.t_first_presence = NAN
        self.first_presence_by = Responder.NONE
        self.t_arrival = NAN
        self.t_clear = NAN
        self.state = IncidentState.UNREPORTED
        self.outcome = Outcome.NONE
        self.officer: Officer | None = None
        self.needs_officer = True
        self.clear_due = NAN
        self.lifecycle: Response | None = None

    @property
    def response_time(self) -> float:
        """Report to first officer on scene, minutes."""
        return self.t_arrival - self.t_report

    # Scheduled callbacks (Mesa events hold bound methods of live objects).
    def call_arrives(self) -> None:
        assert self.lifecycle is not None
        self.lifecycle.received(self)

    def mutual_aid_due(self) -> None:
        assert self.lifecycle is not None
        self.lifecycle.mutual_aid(self)

    def officer_arrives(self) -> None:
        assert self.lifecycle is not None
        self.lifecycle.arrived(self)

    def scene_cleared(self) -> None:
        assert self.lifecycle is not None
        self.lifecycle.cleared(self)

    def row(self) -> tuple:
        return tuple(getattr(self, k) for k in COLUMNS)


# The incident log's columns: every slot but the object references.
COLUMNS = tuple(
    k for k in Incident.__slots__ if k not in ("officer", "clear_due", "lifecycle", "__weakref__")
)


class IncidentLog(list[Incident]):
    """Every true incident of a run, in the order they were created."""

    def new(self, type: IncidentType, village: int, t_occur: float, **kw: Any) -> Incident:
        inc = Incident(len(self), type, village, t_occur, **kw)
        self.append(inc)
        return inc


def lognormal_with_mean(rng: np.random.Generator, mean: float, cv: float) -> float:
    """A lognormal draw with the given mean and coefficient of variation."""
    sigma2 = math.log(1.0 + cv**2)
    return float(rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2)))


def clearance_probability(
    crime: CrimeConfig,
    addons: AddonsConfig,
    response_min: float,
    auxiliary_village: bool,
    known_offender: bool,
) -> float:
    """Arrest probability: falls with response time, rises with information.

    logit p = logit(base) - gamma ln(rt / ref), gamma chosen so that at the reference the slope
    is `clearance_slope` points per unit log time (Blanes i Vidal & Kirchmaier 2018: +10%
    response time -> -4.7 points, i.e. 0.493 per unit log)."""
    p0 = crime.base_clearance
    gamma = crime.clearance_slope / max(p0 * (1.0 - p0), 1e-9)
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


class Response:
    """Moves incidents through their life (see the module docstring).

    Reads `reporting.*`, `dispatch.*`, `on_scene.*`, `crime.*` (clearance), `addons.*`; asks
    `community` for trust and tells it about victims' experience; asks `command_centre` which
    officer goes; tells `crime` of arrests and `disputes` of mediations; `idle(officer, t)` is
    the policing model's next move for an officer with nothing to do.
    """

    def __init__(
        self,
        *,
        reporting: ReportingConfig,
        dispatch: DispatchConfig,
        on_scene: dict[str, Distribution],
        casework: dict[str, Distribution],
        crime_config: CrimeConfig,
        addons: AddonsConfig,
        every_call_at_once: bool,
        calendar: Calendar,
        community: Community,
        auxiliaries: dict[int, Auxiliary],
        crime: CrimeProcess,
        disputes: DisputeProcess,
        command_centre: CommandCentre,
        idle: Callable[[Officer, float], None],
        reporting_rngs: dict[IncidentType, np.random.Generator],
        rng: np.random.Generator,
        schedule: Schedule,
    ) -> None:
        self.reporting = reporting
        self.dispatching = dispatch
        self.on_scene = on_scene
        self.casework = casework
        self.crime_config = crime_config
        self.addons = addons
        self.every_call_at_once = every_call_at_once
        self.calendar = calendar
        self.community = community
        self.auxiliaries = auxiliaries
        self.crime = crime
        self.disputes = disputes
        self.command_centre = command_centre
        self.idle = idle
        self.reporting_rngs = reporting_rngs
        self.rng = rng
        self.schedule = schedule

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
                self.crime_config, self.addons, rt, inc.village in self.auxiliaries, known
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
        self.community.responded(inc.household, rt, t)
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
            self.idle(officer, t)
