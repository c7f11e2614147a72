"""Disputes (neighbour, land, debt, family) that may turn criminal (民转刑) unless someone in
the village hears of them and mediates. New disputes draw from their own stream, a fixed number
of draws per village and day (common random numbers)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pydantic import Field

from .incident import Incident, NewIncident
from .section import Probability, Section, plausible
from .units import MINUTES_PER_DAY
from .villagers import VillagerTable
from .vocab import ARRIVED_TO_FIND, DisputeState, IncidentType, Outcome, Source


class DisputeConfig(Section):
    """Neighbour, land, debt and family disputes that may turn criminal (民转刑)."""

    enabled: bool = True
    rate_per_1000: float = Field(
        15,
        ge=0,
        le=1000,
        description="disputes arising per 1,000 present residents a year",
        json_schema_extra={
            "unit": "per 1,000 present residents per year",
            "source": "calibrated: dispute calls ~12% of valid 110 calls (Jiangsu 2015: 11.8%; "
            "Xuzhou 2017: ~13%); above the ~6 per 1,000 that reach people's mediation "
            "(Ministry of Justice 2022: ~8.2 M community disputes)",
            "plausible": plausible(
                10,
                27,
                "calibrated: disputes ~12% of valid calls (Jiangsu 2015; Xuzhou 2017); 10-27 "
                "keeps 8-18%, above ~6/1,000 mediated (Ministry of Justice 2022)",
                dist="triangular",
                mode=15,
            ),
        },
    )
    escalation_days: float = Field(
        800,
        gt=0,
        description="mean time for an unattended dispute to turn violent (民转刑), days; "
        "against resolution_days it sets the escalation risk of a dispute nobody mediates",
        json_schema_extra={
            "unit": "days",
            "source": "calibrated: ~1-3% of disputes escalate (Harbin 2003: 222 of 31,576 "
            "mediated, 0.7%), yet escalated disputes are 25-50% of violent cases (Chaozhou "
            "court 2010-13: 43.6%; a city's courts: 22-31%)",
            "plausible": plausible(
                500,
                2000,
                "calibrated: escalation 0.3-3% of disputes (Harbin 2003: 0.7%) and 25-50% of "
                "violent cases (Chaozhou court: 43.6%); ~600-1,700 fits both",
                dist="triangular",
                mode=800,
            ),
        },
    )
    resolution_days: float = Field(
        25,
        gt=0,
        description="mean time for a dispute to settle by itself, days. Assumption",
        json_schema_extra={
            "unit": "days",
            "source": "assumption",
            "plausible": plausible(
                8,
                80,
                "expert range (assumption): most village disputes settle by themselves within "
                "weeks to a few months; sets escalation risk with escalation_days",
                dist="lognormal",
                mode=25,
            ),
        },
    )
    detection_per_day_officer: Probability = Field(
        0.08,
        description="daily chance a resident officer hears of a dispute. Assumption",
        json_schema_extra={
            "unit": "probability per day",
            "source": "assumption",
            "plausible": plausible(
                0.02,
                0.25,
                "expert range (assumption): a resident officer hears of a dispute within days to "
                "weeks of presence in the village",
                dist="triangular",
                mode=0.08,
            ),
        },
    )
    detection_per_day_auxiliary: Probability = Field(
        0.15,
        description="daily chance a village auxiliary hears of a dispute (a neighbour). Assumption",
        json_schema_extra={
            "unit": "probability per day",
            "source": "assumption: a neighbour hears sooner than an officer (seeds)",
            "plausible": plausible(
                0.05,
                0.3,
                "expert range (assumption): a neighbour-auxiliary hears of a dispute within ~3-20 "
                "days, usually sooner than an officer",
                dist="triangular",
                mode=0.15,
            ),
        },
    )
    officer_day_hours: float = Field(
        8,
        gt=0,
        description="hours of officer presence in a village that count as one officer-day for "
        "dispute detection",
        json_schema_extra={
            "unit": "hours",
            "source": "setting: the length of an officer-day that detection_per_day_officer "
            "counts in (a unit; its uncertainty is in that rate)",
        },
    )
    mediation_success: Probability = Field(
        0.7,
        description="probability a mediation settles the dispute. Assumption",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "assumption",
            "plausible": plausible(
                0.5,
                0.95,
                "expert range (assumption): recorded mediations mostly succeed, a first attempt "
                "on the spot less often",
                dist="triangular",
                mode=0.7,
            ),
        },
    )
    spring_festival_multiplier: float = Field(
        2.0,
        ge=0,
        description="dispute onset multiplier while migrants are home. Assumption",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption: disputes peak while migrants are home",
            "plausible": plausible(
                1.0,
                3.5,
                "expert range (assumption): land, debt and family disputes cluster while migrants "
                "are home; from no rise to ~3.5x",
                dist="triangular",
                mode=2.0,
            ),
        },
    )


@dataclass
class Dispute:
    """A brewing dispute (neighbour, land, debt, family) and its fate."""

    id: int
    village: int
    household: int
    t_start: float
    t_escalate: float  # would turn violent then (民转刑), unless settled first
    t_resolve: float  # would settle by itself then
    incident: Incident
    state: DisputeState = DisputeState.OPEN
    detected: bool = False
    t_end: float = math.nan


class DisputeProcess:
    """Disputes arise by village; detection needs someone in the village who hears of it.
    `day` returns the day's new dispute incidents and the violent incidents of disputes
    that escalate (民转刑)."""

    def __init__(
        self,
        config: DisputeConfig,
        enabled: bool,
        villagers: VillagerTable,
        new_incident: NewIncident,
        rng: np.random.Generator,
        behaviour_rng: np.random.Generator,
    ) -> None:
        self.config = config
        self.enabled = enabled
        self.villagers = villagers
        self.new_incident = new_incident
        self.rng = rng
        self.behaviour_rng = behaviour_rng  # policing-dependent draws: not the onset stream
        self.disputes: list[Dispute] = []
        self.open: list[Dispute] = []

    def day(
        self, t: float, officer_hours: np.ndarray, auxiliary_days: np.ndarray, festival: bool
    ) -> list[Incident]:
        """Daily: detection and mediation, new disputes, escalation and settlement."""
        if not self.enabled:
            return []
        cfg, vt = self.config, self.villagers
        new: list[Incident] = []
        # Detection and mediation of disputes already open.
        p_off, p_aux = cfg.detection_per_day_officer, cfg.detection_per_day_auxiliary
        officer_days = officer_hours / cfg.officer_day_hours
        p_det = 1.0 - (1.0 - p_off) ** officer_days * (1.0 - p_aux) ** auxiliary_days
        still_open = []
        behaviour = self.behaviour_rng
        for d in self.open:
            if d.state == DisputeState.OPEN and behaviour.random() < p_det[d.village]:
                d.detected = True
                if behaviour.random() < cfg.mediation_success:
                    self.close(d, DisputeState.MEDIATED, t)
            if d.state == DisputeState.OPEN:
                still_open.append(d)
        self.open = still_open
        # New disputes: a fixed number of draws per village and day (common random numbers).
        rate = cfg.rate_per_1000 / 1000 / 365 * vt.present_by_village
        if festival:
            rate = rate * cfg.spring_festival_multiplier
        counts = self.rng.poisson(rate)
        for v in np.repeat(np.arange(len(counts)), counts):
            lo, hi = vt.hh_village_start[v], vt.hh_village_end[v]
            u = self.rng.random(4)
            t0 = t + u[0] * MINUTES_PER_DAY
            household = int(lo + min(int(u[1] * (hi - lo)), hi - lo - 1)) if hi > lo else -1
            inc = self.new_incident(IncidentType.DISPUTE, int(v), t0, household=household)
            inc.t_discover = t0
            d = Dispute(
                id=len(self.disputes),
                village=int(v),
                household=household,
                t_start=t0,
                t_escalate=t0 - cfg.escalation_days * MINUTES_PER_DAY * math.log(u[2]),
                t_resolve=t0 - cfg.resolution_days * MINUTES_PER_DAY * math.log(u[3]),
                incident=inc,
            )
            inc.dispute = d.id
            self.disputes.append(d)
            self.open.append(d)
            new.append(inc)
        # Escalation and settlement within the coming day.
        end = t + MINUTES_PER_DAY
        still_open = []
        for d in self.open:
            first = min(d.t_escalate, d.t_resolve)
            if first < end and d.state == DisputeState.OPEN:
                if d.t_escalate <= d.t_resolve:
                    self.close(d, DisputeState.ESCALATED, d.t_escalate)
                    violent = self.new_incident(
                        IncidentType.VIOLENT,
                        d.village,
                        d.t_escalate,
                        household=d.household,
                        dispute=d.id,
                        source=Source.DISPUTE,
                    )
                    violent.t_discover = d.t_escalate
                    new.append(violent)
                else:
                    self.close(d, DisputeState.RESOLVED, d.t_resolve)
            if d.state == DisputeState.OPEN:
                still_open.append(d)
        self.open = still_open
        return new

    def close(self, d: Dispute, state: DisputeState, t: float) -> None:
        d.state, d.t_end = state, t

    def mediate_on_scene(self, dispute_id: int, t: float) -> Outcome:
        """An officer called to a dispute tries to settle it (小事不出村)."""
        d = self.disputes[dispute_id]
        d.detected = True
        if d.state != DisputeState.OPEN:
            return ARRIVED_TO_FIND[d.state]
        if self.behaviour_rng.random() < self.config.mediation_success:
            self.close(d, DisputeState.MEDIATED, t)
            return Outcome.MEDIATED
        return Outcome.MEDIATION_FAILED
