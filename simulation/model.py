"""RuralPolicingModel: the Mesa model that ties region, agents, demand and dispatch.

Time is in minutes. Incidents, reports, dispatches, arrivals and clearances are
scheduled events at the minute they happen; an hourly heartbeat advances the
vectorised processes (presence and deterrence, offence attempts, calls, visits,
shifts), and a daily one disputes, trust, visibility and rotation.

    model = RuralPolicingModel({"policing": {"preset": "hybrid"}}, seed=1)
    model.run()                      # config.days
    tables = model.results()         # incidents, daily, villages, officers, summary
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from mesa import Model
from mesa.discrete_space import Network
from mesa.time.events import Priority, Schedule

from .agents import ACTIVITIES, Auxiliary, Offender, Officer, Villager
from .demand import CallProcess, CrimeProcess, DisputeProcess
from .dispatch import CommandCentre
from .errors import ScenarioError
from .incidents import Incident
from .policing import make_policing
from .region import _split_population, build_region
from .rhythms import MINUTES_PER_DAY, Calendar
from .scenario import Scenario
from .villagers import VillagerTable

# Independent random streams, spawned from the run seed. New streams go at the end, so that
# existing ones keep their seeds. Reporting draws have one stream per demand process, so that
# calls and disputes stay aligned across scenarios even when offences differ.
STREAMS = (
    "region",
    "villagers",
    "crime",
    "disputes",
    "calls",
    "reporting",
    "behaviour",
    "reporting_disputes",
    "reporting_calls",
)


def as_scenario(config: Scenario | dict | None) -> Scenario:
    """A validated Scenario from a Scenario, a plain dict, or None (defaults)."""
    if config is None:
        return Scenario()
    if isinstance(config, Scenario):
        return config
    from .config_files import validate_dict  # local: keeps the schema import-light

    return validate_dict(config)


class RuralPolicingModel(Model):
    """A rural county policed by one of the six policing models for `days` days."""

    def __init__(self, config: Scenario | dict | None = None, *, seed: int | None = None) -> None:
        config = as_scenario(config)
        seed = config.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self._default_schedule.stop()  # time is driven by events and our heartbeat
        self.step = self.advance_hour  # one Mesa step (and one Solara "Step") = one hour
        self.config = config
        self.run_seed = seed
        streams = dict(zip(STREAMS, np.random.SeedSequence(seed).spawn(len(STREAMS)), strict=True))
        rng = {name: np.random.default_rng(s) for name, s in streams.items()}
        region_rng = (
            np.random.default_rng(config.region.seed)
            if config.region.seed is not None
            else rng["region"]
        )
        self.region = build_region(config.region, region_rng)
        layout = {
            i: (float(x), float(y))
            for i, (x, y) in enumerate(zip(self.region.x, self.region.y, strict=True))
        }
        self.space = Network(self.region.graph, random=self.random, layout=layout)
        self.calendar = Calendar(config.season)
        self.villagers = VillagerTable(
            self.region,
            config.region.household_size,
            config.trust.initial_mean,
            config.trust.initial_sd,
            rng["villagers"],
        )
        self.reporting_rngs = {
            "property": rng["reporting"],
            "violent": rng["reporting"],
            "dispute": rng["reporting_disputes"],
            "service": rng["reporting_calls"],
        }
        self.behaviour_rng = rng["behaviour"]
        self.incidents: list[Incident] = []
        self.command_centre = CommandCentre(self)
        self.officers: list[Officer] = []
        self._make_officers()
        self.policing = make_policing(self)
        self.policing.setup()
        self.auxiliaries: list[Auxiliary] = []
        self.auxiliary_by_village: dict[int, Auxiliary] = {}
        self._make_auxiliaries()
        self.crime = CrimeProcess(self, rng["crime"])
        self.offenders = [Offender(self, i, int(h)) for i, h in enumerate(self.crime.home)]
        self.disputes = DisputeProcess(self, rng["disputes"])
        self.calls = CallProcess(self, rng["calls"])
        self._villager_agents: dict[int, Villager] = {}
        n = self.region.n
        self.residual = np.zeros(n)  # residual deterrence (Koper curve)
        self.deterrence = np.zeros(n)
        self.officer_hours = np.zeros(n)  # officer presence today, knowledge-weighted
        self.auxiliary_hours = np.zeros(n)
        self.visit_hours = np.zeros(n)  # officer hours of household visits today
        self.intel_hours = np.zeros(n)  # the same, weighted by the officers' knowledge
        self.presence_total = np.zeros(n)  # officer + auxiliary presence hours, whole run
        self.daily: list[dict[str, float]] = []
        self.hourly_busy: list[tuple[float, int, int]] = []
        self._busy_today: list[float] = []
        self._village_trust = self.villagers.village_trust()
        self._shift_starts, self._shift_ends = self._roster()
        self.end_time = config.days * MINUTES_PER_DAY
        self.finished = False
        self.schedule_recurring(
            self.heartbeat, Schedule(interval=60.0, start=0.0), priority=Priority.HIGH
        )

    # --- set-up -----------------------------------------------------------------------
    def _make_officers(self) -> None:
        cfg = self.config.policing
        region = self.region
        if cfg.posts:
            total = sum(cfg.posts.values())
            if total != cfg.officers:
                raise ScenarioError(
                    f"posts place {total} officers but policing.officers is {cfg.officers}",
                    key="policing.posts",
                )
            places = []
            for name, k in cfg.posts.items():
                places += [region.village(name, f"policing.posts.{name}")] * k
        else:
            weight = (
                np.array(
                    [
                        region.population[region.township == region.township[s]].sum()
                        for s in region.stations
                    ],
                    dtype=float,
                )
                + 1.0
            )
            per_station = _split_population(cfg.officers, weight)
            if cfg.officers >= len(region.stations):  # every station keeps at least one
                while (per_station == 0).any():
                    per_station[per_station.argmax()] -= 1
                    per_station[per_station.argmin()] += 1
            places = [
                int(s) for s, k in zip(region.stations, per_station, strict=True) for _ in range(k)
            ]
        shares = np.array([s.share for s in cfg.shifts])
        by_station: dict[int, list[int]] = {}
        for place in places:
            by_station.setdefault(place, []).append(place)
        for place, members in by_station.items():
            counts = _split_population(len(members), shares)
            for shift, k in zip(cfg.shifts, counts, strict=True):
                for _ in range(k):
                    self.officers.append(Officer(self, place, shift))
        self.day_shift = max(
            cfg.shifts, key=lambda s: sum((h - s.start_hour) % 24 < s.hours for h in range(8, 18))
        )

    def _make_auxiliaries(self) -> None:
        cfg = self.config.policing
        n = cfg.auxiliaries
        if n is None:
            n = self.region.n if self.policing.auxiliaries_by_default else 0
        if not self.config.proactive:
            n = 0
        # One per village, most populous first; more than villages is an error.
        if n > self.region.n:
            raise ScenarioError(
                f"{n} auxiliaries for {self.region.n} villages: at most one per village",
                key="policing.auxiliaries",
            )
        order = np.argsort(-self.region.population, kind="stable")[:n]
        for v in sorted(int(v) for v in order):
            aux = Auxiliary(self, v)
            self.auxiliaries.append(aux)
            self.auxiliary_by_village[v] = aux
        self.auxiliary_villages = np.array(sorted(self.auxiliary_by_village), dtype=np.int64)

    def _roster(self) -> tuple[list[list[Officer]], list[list[Officer]]]:
        starts: list[list[Officer]] = [[] for _ in range(24)]
        ends: list[list[Officer]] = [[] for _ in range(24)]
        for o in self.officers:
            starts[o.shift.start_hour].append(o)
            ends[(o.shift.start_hour + o.shift.hours) % 24].append(o)
        return starts, ends

    # --- running ------------------------------------------------------------------------
    def advance_hour(self) -> None:
        """One Mesa step: advance the clock by an hour, processing events on the way."""
        self.run_for(60.0)

    def run(self, days: float | None = None) -> RuralPolicingModel:
        """Run to the end (config.days, or `days`) and close the books."""
        if days is not None:
            self.end_time = days * MINUTES_PER_DAY
        self.run_until(self.end_time)
        self.finish()
        return self

    def finish(self) -> None:
        """Book officers' time up to now and record the last day."""
        if self.finished:
            return
        self.finished = True
        t = self.time
        for o in self.officers:
            o.settle(t)
            o.set_activity(o.activity, t)
            if o.incident is not None:  # a job still open at the end counts up to now
                o.committed_minutes += t - o.committed_since
                o.committed_since = t
        self._record_day(t)

    def heartbeat(self) -> None:
        """Hourly: shifts, proactive moves, presence and deterrence, offences, calls."""
        t = self.time
        if t >= self.end_time:
            return
        hour = self.calendar.hour(t)
        if hour == 0:
            self._day(t)
        self._shift_change(t, hour)
        n = self.region.n
        guardians = np.zeros(n)
        busy = on_duty = 0
        for o in self.officers:
            if not o.on_duty:
                continue
            on_duty += 1
            if o.incident is not None:
                busy += 1
            o.settle(t)
            if o.available and o.next_decision <= t:
                self.policing.next_move(o, t)
            v = o.village_here
            if v is not None and o.activity in ("patrol", "visit", "on_scene"):
                guardians[v] += 1.0
                self.officer_hours[v] += o.knowledge(t)
                if o.activity == "visit":
                    self.visit_hours[v] += 1.0
                    self.intel_hours[v] += o.knowledge(t)
        if len(self.auxiliary_villages) and self.auxiliaries[0].on_duty(hour):
            guardians[self.auxiliary_villages] += 1.0
            self.auxiliary_hours[self.auxiliary_villages] += 1.0
        self.presence_total += guardians
        decay = math.exp(-1.0 / self.config.crime.residual_deterrence_hours)
        self.residual = self.residual * decay + guardians * (1.0 - decay)
        addons = self.config.addons
        if addons.joint_defence:
            guardians = guardians + addons.joint_defence_guardians
        if addons.volunteer_patrol and (hour >= 20 or hour < 6):
            guardians = guardians + addons.volunteer_guardians
        self.deterrence = guardians + self.residual
        multiplier = self.calendar.market_factor(t)
        self.crime.hour(t, hour, self.deterrence, multiplier)
        self.calls.hour(t, hour, multiplier)
        self.hourly_busy.append((t, busy, on_duty))
        self._busy_today.append(busy / on_duty if on_duty else 0.0)

    def _visits(self, t: float) -> None:
        """Household visits (大走访) of the day just ended: trust and contact."""
        per_hour = self.config.policing.visit_households_per_hour
        counts = self.behaviour_rng.poisson(per_hour * self.visit_hours)
        if counts.sum() == 0:
            return
        vt = self.villagers
        village = np.repeat(np.arange(self.region.n), counts)
        lo, hi = vt.hh_village_start[village], vt.hh_village_end[village]
        households = lo + (self.behaviour_rng.random(len(village)) * (hi - lo)).astype(np.int64)
        households = households[hi > lo]
        visited = np.bincount(households, minlength=vt.n_households)[vt.household]
        hit = visited > 0
        keep = (1.0 - self.config.trust.visit_gain) ** visited[hit]
        vt.trust[hit] = 1.0 - (1.0 - vt.trust[hit]) * keep
        vt.last_contact[hit] = t

    def _shift_change(self, t: float, hour: int) -> None:
        """Officers whose shift ends go off duty (busy ones finish their job first); those
        whose shift starts come on duty, or are diverted to non-police work (seeds)."""
        for o in self._shift_ends[hour]:
            if o.on_duty and o.incident is None and not self.on_shift(o, t):
                self.end_duty(o, t)
        diversion = self.config.policing.diversion_share if self.config.proactive else 0.0
        for o in self._shift_starts[hour]:
            if o.incident is not None:
                continue  # still busy: overtime, or a 24-hour shift rolling over
            was_diverted = o.on_duty and o.activity == "diverted"
            starting = not o.on_duty
            o.on_duty = True
            if diversion > 0 and self.behaviour_rng.random() < diversion:
                o.settle(t)
                o.set_activity("diverted", t)
                o._arrive_at(o.base)
                o.next_decision = math.inf
            elif starting or was_diverted:
                o.set_activity("post", t)
                o.next_decision = t
                self.command_centre.officer_free(o)

    def on_shift(self, o: Officer, t: float) -> bool:
        """True while minute t lies within the officer's rostered shift."""
        hour = (t % MINUTES_PER_DAY) / 60.0
        return (hour - o.shift.start_hour) % 24 < o.shift.hours

    def end_duty(self, o: Officer, t: float) -> None:
        o.settle(t)
        o.set_activity("off_duty", t)
        o.on_duty = False
        o._arrive_at(o.base)  # the journey home is off duty
        o.next_decision = math.inf

    def _day(self, t: float) -> None:
        """Daily: disputes, offender intelligence, visibility, trust, rotation, records."""
        if t > 0:
            self._record_day(t)
        vt = self.villagers
        festival = self.calendar.is_festival(t)
        vt.set_festival(festival, self.config.season.festival_return_share)
        aux_hours = max(self.config.policing.auxiliary_day_hours, 1)
        self.disputes.day(t, self.officer_hours / 8.0, self.auxiliary_hours / aux_hours, festival)
        self.crime.learn_offenders(self.intel_hours)
        if self.config.proactive:
            self._visits(t)
            self._contacts_and_trust(t)
        rotation = self.config.policing.rotation_days
        if rotation:
            for o in self.officers:
                if self.behaviour_rng.random() < 1.0 / rotation:
                    o.posted_since = t  # a new officer, who does not yet know the villages
                    if o.villages:
                        self.crime.known[np.isin(self.crime.home, o.villages)] = False
        self.officer_hours[:] = 0.0
        self.auxiliary_hours[:] = 0.0
        self.visit_hours[:] = 0.0
        self.intel_hours[:] = 0.0

    def _contacts_and_trust(self, t: float) -> None:
        """Daily: who met police or an auxiliary (visibility, 见警率), and trust moving with
        contacts, word of mouth in the village, and back toward each person's disposition."""
        vt, trust = self.villagers, self.config.trust
        hours = self.officer_hours + self.auxiliary_hours
        contacts = trust.contacts_per_presence_hour * hours
        p_village = 1.0 - np.exp(-contacts / np.maximum(vt.present_by_village, 1))
        draw = self.behaviour_rng.random(vt.n, dtype=np.float32)
        seen = vt.present & (draw < p_village.astype(np.float32)[vt.village])
        vt.last_contact[seen] = t
        village_mean = self._village_trust  # yesterday's means: word of mouth lags a day
        vt.trust += (
            trust.contact_gain * (1.0 - vt.trust) * seen
            + trust.diffusion_per_day * (village_mean[vt.village] - vt.trust)
            + trust.decay_per_day * (vt.trust_disposition - vt.trust)
        )
        np.clip(vt.trust, 0.0, 1.0, out=vt.trust)
        self._village_trust = vt.village_trust()

    def _record_day(self, t: float) -> None:
        vt = self.villagers
        present = vt.present
        recent = vt.last_contact >= t - 30 * MINUTES_PER_DAY
        n_present = int(np.count_nonzero(present))
        seen_share = np.count_nonzero(recent & present) / n_present if n_present else 0.0
        self.daily.append(
            {
                "day": int(round(t / MINUTES_PER_DAY)) - 1,
                "mean_trust": float(vt.trust[present].mean()),
                "satisfaction": float(
                    (vt.trust[present] > self.config.trust.satisfied_threshold).mean()
                ),
                "visibility": float(seen_share),
                "busy_share": float(np.mean(self._busy_today)) if self._busy_today else 0.0,
                "queued": len(self.command_centre.queue),
                "open_disputes": len(self.disputes.open),
                "offenders_jailed": sum(r > t for r in self.crime.in_jail),
                "festival": bool(self.calendar.is_festival(t - 1)),
            }
        )
        self._busy_today = []

    # --- incidents ----------------------------------------------------------------------
    def decide_reporting(self, inc: Incident) -> None:
        """Reported? by whom? when? Probability by type x trust x channel (DESIGN.md §3)."""
        cfg = self.config.reporting
        rng = self.reporting_rngs[inc.type]
        u = rng.random(3)
        z = rng.standard_normal()
        if not self.config.proactive:  # calls-for-service mode: every call, at once
            inc.reported, inc.reporter, inc.t_report = True, "caller", inc.t_discover
            self.schedule_event(inc.report, at=inc.t_report)
            return
        trust = (
            self.villagers.household_trust(inc.household)
            if inc.household >= 0
            else float(self._village_trust[inc.village])
        )
        p0 = min(max(cfg.probability[inc.type], 1e-9), 1 - 1e-9)
        logit = math.log(p0 / (1 - p0)) + cfg.trust_logit_slope * (trust - cfg.reference_trust)
        multi = self.config.addons.multi_channel_reporting
        if multi:
            logit += math.log(cfg.multi_channel_odds)
        p = 1.0 / (1.0 + math.exp(-logit))
        aux = self.auxiliary_by_village.get(inc.village)
        if (
            aux is not None
            and aux.on_duty(self.calendar.hour(inc.t_discover))
            and u[1] < cfg.auxiliary_report_probability
        ):
            inc.reporter, delay = "auxiliary", cfg.auxiliary_delay_min
        elif u[0] < p:
            median = cfg.delay_median_min if inc.type == "property" else cfg.urgent_delay_median_min
            if multi:
                median *= cfg.multi_channel_delay_factor
            inc.reporter, delay = "victim", median * math.exp(cfg.delay_sigma * z)
        else:
            if inc.household >= 0:  # a victim nobody came to: trust erodes
                self.villagers.nudge_trust(
                    self.villagers.members(inc.household), -self.config.trust.unresolved_loss
                )
            return
        inc.reported = True
        inc.t_report = inc.t_discover + delay
        inc.outcome = "pending"
        self.schedule_event(inc.report, at=inc.t_report)

    def on_scene_time(self, incident_type: str) -> float:
        d = self.config.on_scene[incident_type]
        rng = self.behaviour_rng
        match d.kind:
            case "fixed":
                return d.mean
            case "exponential":
                return float(rng.exponential(d.mean))
            case "lognormal":
                sigma2 = math.log(1.0 + (d.sd / d.mean) ** 2)
                return float(rng.lognormal(math.log(d.mean) - sigma2 / 2, math.sqrt(sigma2)))
            case other:
                raise ValueError(f"unknown on-scene distribution {other!r}")

    def resolve(self, inc: Incident, officer: Officer) -> str:
        """Outcome when the officer clears the scene; trust follows the response."""
        t = self.time
        rt = inc.response_time
        match inc.type:
            case "property" | "violent":
                p = self.crime.clearance_probability(inc, rt)
                if self.behaviour_rng.random() < p:
                    if inc.offender >= 0:
                        self.crime.arrest(inc.offender, t)
                    outcome = "arrest"
                else:
                    outcome = "no_arrest"
            case "dispute":
                outcome = self.disputes.mediate_on_scene(inc.dispute, t)
            case _:
                outcome = "assisted"
        if inc.household >= 0 and self.config.proactive:
            tc = self.config.trust
            gain = tc.response_gain if rt <= tc.fast_response_min else -tc.response_gain
            members = self.villagers.members(inc.household)
            self.villagers.nudge_trust(members, gain)
            self.villagers.last_contact[members] = t
        return outcome

    # --- inspection ---------------------------------------------------------------------
    def villager(self, index: int) -> Villager:
        """The Mesa agent of villager `index` (created on first request)."""
        if not 0 <= index < self.villagers.n:
            raise IndexError(f"villager {index} out of range 0..{self.villagers.n - 1}")
        if index not in self._villager_agents:
            self._villager_agents[index] = Villager(self, index)
        return self._villager_agents[index]

    def results(self) -> dict[str, Any]:
        """Tidy tables of this run (see simulation.metrics)."""
        from .metrics import collect

        self.finish()
        return collect(self)


__all__ = ["ACTIVITIES", "RuralPolicingModel", "as_scenario"]
