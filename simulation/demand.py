"""Demand: offender-driven crime, disputes that may turn criminal, calls for service.

Each process draws from its own random stream with a fixed number of draws per hour
(or per day), whatever the policing, so that presets compared on one seed see the same
calls, the same dispute onsets and the same offence attempts (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .region import Region, straight_km
from .response import Incident
from .rhythms import CALLS_BY_HOUR, CRIME_BY_HOUR, MINUTES_PER_DAY
from .scenario import AddonsConfig, CallsConfig, CrimeConfig, DisputeConfig
from .units import HOURS_PER_YEAR
from .villagers import VillagerTable
from .vocab import ARRIVED_TO_FIND, DisputeState, IncidentType, Outcome, Source

NewIncident = Callable[..., Incident]  # IncidentLog.new


def mean_journey(
    distance: np.ndarray, attract: np.ndarray, origins: np.ndarray, decay_km: float
) -> float:
    """Expected journey to crime (km) from the given homes under weights
    attract_v * exp(-d / decay_km)."""
    d = distance[origins]
    w = attract[None, :] * np.exp(-(d - d.min(axis=1, keepdims=True)) / decay_km)
    return float(np.mean((w * d).sum(axis=1) / np.maximum(w.sum(axis=1), 1e-300)))


def calibrate_decay(
    distance: np.ndarray, attract: np.ndarray, origins: np.ndarray, target_km: float
) -> float:
    """The decay length whose expected journey equals `target_km` in this county (bisection
    on a log scale); clamped when the county cannot produce such journeys."""
    lo, hi = 1e-3, 1e4
    if mean_journey(distance, attract, origins, lo) >= target_km:
        return lo
    if mean_journey(distance, attract, origins, hi) <= target_km:
        return hi
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        if mean_journey(distance, attract, origins, mid) < target_km:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


class CrimeProcess:
    """Routine activity theory: a motivated offender, a suitable target (an empty home),
    no capable guardian. `hour` returns the offences of the hour; the police learn of
    resident offenders (`learn_offenders`) and jail them (`arrest`)."""

    def __init__(
        self,
        config: CrimeConfig,
        enabled: bool,
        region: Region,
        villagers: VillagerTable,
        addons: AddonsConfig,
        discovery_mean_min: float,
        occupied_discovery_min: float,
        new_incident: NewIncident,
        rng: np.random.Generator,
        behaviour_rng: np.random.Generator,
    ) -> None:
        self.config = config
        self.villagers = villagers
        self.cctv_deterrence = addons.cctv_deterrence if addons.cctv else 0.0
        self.discovery_mean_min = discovery_mean_min
        self.occupied_discovery_min = occupied_discovery_min
        self.new_incident = new_incident
        self.rng = rng
        self.behaviour_rng = behaviour_rng
        cfg = config
        n = 0
        if enabled:
            n = int(round(cfg.offenders_per_1000 * region.population.sum() / 1000))
        self.n = n
        self.resident = rng.random(n) < cfg.resident_offender_share
        pop_w = region.population / max(region.population.sum(), 1)
        self.home = np.where(
            self.resident, rng.choice(region.n, size=n, p=pop_w), rng.integers(0, region.n, size=n)
        )
        self.jailed_until = np.zeros(n)
        self.known = np.zeros(n, dtype=bool)
        self.arrests = np.zeros(n, dtype=np.int32)
        self.in_jail: list[float] = []  # release minute of every offender jailed
        self.rate_per_hour = cfg.attempts_per_offender_per_year / HOURS_PER_YEAR
        # Distance decay over straight-line distance (as Wiles & Costello measured it);
        # a journey within the home village counts as crime.intra_village_km.
        xy = np.column_stack([region.x, region.y])
        self.distance_km = straight_km(xy[:, None], xy[None, :])
        np.fill_diagonal(self.distance_km, cfg.intra_village_km)
        households = villagers.hh_village_end - villagers.hh_village_start
        attract = region.crime_weight * households
        origins = self.home if n else np.arange(region.n)
        self.decay_km = calibrate_decay(self.distance_km, attract, origins, cfg.journey_km)
        self.target_weight = np.exp(-self.distance_km / self.decay_km) * attract[None, :]
        self.hh_last_victim = np.full(villagers.n_households, -np.inf)
        self.village_last_burglary = np.full(region.n, -np.inf)
        self.attempts = 0
        self.journeys: list[float] = []

    def hour(
        self, t: float, hour: int, deterrence: np.ndarray, multiplier: float
    ) -> list[Incident]:
        """Offences in the hour starting at minute t (attempts that failed leave none)."""
        if self.n == 0:
            return []
        cfg = self.config
        counts = self.rng.poisson(
            self.rate_per_hour * CRIME_BY_HOUR[hour] * multiplier, size=self.n
        )
        total = int(counts.sum())
        if total == 0:
            return []
        offences = []
        who = np.repeat(np.arange(self.n), counts)
        # minute, village, household, type, occupancy, success, discovery delay
        u = self.rng.random((total, 7))
        cctv = self.cctv_deterrence
        decay_repeat = cfg.repeat_decay_days * MINUTES_PER_DAY
        for k in range(total):
            o = who[k]
            if self.jailed_until[o] > t:
                continue
            self.attempts += 1
            w = self.target_weight[self.home[o]]
            if cfg.near_repeat_boost > 0:
                w = w * (
                    1.0
                    + cfg.near_repeat_boost
                    * np.exp(-(t - self.village_last_burglary) / decay_repeat)
                )
            cw = np.cumsum(w)
            v = int(min(np.searchsorted(cw, u[k, 1] * cw[-1], side="right"), len(cw) - 1))
            violent = u[k, 3] < cfg.violent_share
            p_success = cfg.success_probability * math.exp(
                -cfg.guardian_effect * deterrence[v] - cctv
            )
            t_occ = t + u[k, 0] * 60.0
            if violent:
                if u[k, 5] < p_success:
                    offences.append(self._offence(IncidentType.VIOLENT, v, -1, o, t_occ, t_occ))
                continue
            household, empty = self._pick_household(v, hour, u[k, 2], u[k, 4], t)
            if household < 0 or u[k, 5] >= p_success:
                continue
            self.hh_last_victim[household] = t_occ
            self.village_last_burglary[v] = t_occ
            if empty:
                delay = -self.discovery_mean_min * math.log(1.0 - u[k, 6])
            else:
                delay = self.occupied_discovery_min
            inc = self._offence(IncidentType.PROPERTY, v, household, o, t_occ, t_occ + delay)
            inc.source = Source.EMPTY_HOME if empty else Source.OCCUPIED_HOME
            offences.append(inc)
        return offences

    def _pick_household(
        self, v: int, hour: int, u_pick: float, u_occ: float, t: float
    ) -> tuple[int, bool]:
        """A household of village v: empty homes and recent victims are preferred."""
        vt = self.villagers
        lo, hi = vt.hh_village_start[v], vt.hh_village_end[v]
        if hi <= lo:
            return -1, False
        p_empty = vt.empty_probability(slice(lo, hi), hour)
        cfg = self.config
        attract = p_empty + (1.0 - p_empty) * cfg.occupied_attractiveness
        boost = 1.0 + cfg.repeat_boost * np.exp(
            -(t - self.hh_last_victim[lo:hi]) / (cfg.repeat_decay_days * MINUTES_PER_DAY)
        )
        cw = np.cumsum(attract * boost)
        j = int(min(np.searchsorted(cw, u_pick * cw[-1], side="right"), len(cw) - 1))
        # Given the pick, the home is empty with the posterior probability below.
        post_empty = p_empty[j] / attract[j]
        return int(lo + j), bool(u_occ < post_empty)

    def _offence(
        self, type_: IncidentType, v: int, household: int, o: int, t_occ: float, discovered: float
    ) -> Incident:
        inc = self.new_incident(type_, v, t_occ, household=household, offender=int(o))
        inc.t_discover = discovered
        self.journeys.append(float(self.distance_km[self.home[o], v]))
        return inc

    def learn_offenders(self, visit_hours: np.ndarray) -> None:
        """Daily: a village officer's visits (knowledge-weighted hours) reveal the village's
        resident offenders to the police."""
        if self.n == 0:
            return
        p = 1.0 - (1.0 - self.config.intel_per_presence_hour) ** visit_hours[self.home]
        learn = self.resident & (self.behaviour_rng.random(self.n) < p)
        self.known |= learn

    def forget_offenders(self, villages: list[int]) -> None:
        """A new officer in these villages does not know their offenders."""
        self.known[np.isin(self.home, villages)] = False

    def arrest(self, offender: int, t: float) -> None:
        """The offender goes to jail for crime.jail_days. The slot is filled again by a new
        offender from the same village after an exponential delay (mean
        crime.replacement_days) if that comes first: arrests incapacitate one offender, not the
        supply of motivated offenders."""
        cfg = self.config
        self.arrests[offender] += 1
        release = t + cfg.jail_days * MINUTES_PER_DAY
        self.in_jail.append(release)
        back = release
        if cfg.replacement_days is not None:
            delay = self.behaviour_rng.exponential(cfg.replacement_days * MINUTES_PER_DAY)
            back = min(release, t + delay)
        self.jailed_until[offender] = back
        self.known[offender] = False  # whoever comes back to the slot is not yet known


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


class CallProcess:
    """Other calls for service (emergencies, accidents, help): Poisson by village and
    hour; in calls-for-service mode, explicit per-village daily rates."""

    def __init__(
        self,
        config: CallsConfig,
        region: Region,
        villagers: VillagerTable,
        new_incident: NewIncident,
        rng: np.random.Generator,
    ) -> None:
        self.config = config
        self.villagers = villagers
        self.new_incident = new_incident
        self.rng = rng
        self.enabled = config.enabled
        self.scene_share = config.scene_share if config.village_rates_per_day is None else 1.0
        self.explicit: np.ndarray | None = None
        if config.village_rates_per_day is not None:
            rates = np.zeros(region.n)
            for name, r in config.village_rates_per_day.items():
                rates[region.village(name, f"calls.village_rates_per_day.{name}")] = r
            self.explicit = rates / 24.0

    def hour(self, t: float, hour: int, multiplier: float) -> list[Incident]:
        if not self.enabled:
            return []
        cfg = self.config
        lam: Any
        if self.explicit is not None:
            lam = self.explicit
        else:
            present = self.villagers.present_by_village
            lam = cfg.rate_per_1000 / 1000 / HOURS_PER_YEAR * present * multiplier
        if cfg.daily_profile:
            lam = lam * CALLS_BY_HOUR[hour]
        counts = self.rng.poisson(lam)
        total = int(counts.sum())
        if total == 0:
            return []
        offsets = self.rng.random(total) * 60.0
        scene = self.rng.random(total) < self.scene_share
        calls = []
        villages = np.repeat(np.arange(len(counts)), counts)
        for v, off, needs in zip(villages, offsets, scene, strict=True):
            inc = self.new_incident(IncidentType.SERVICE, int(v), t + off)
            inc.t_discover = inc.t_occur
            inc.needs_officer = bool(needs)
            calls.append(inc)
        return calls
