"""RuralPolicingModel: the Mesa model that wires the components and runs the clock.

Mesa's time unit is the hour: one `model.step()` (one Solara "Step") is one hour, and
Mesa calls `step()`, the hourly heartbeat, at every whole hour. Inside the model, times are
minutes (`model.now`): reports, arrivals and clearances are events at the minute they
happen (simulation.response). The heartbeat runs shifts (roster), officers' moves (the
policing model), presence and deterrence, offences and calls (demand); at midnight a daily
tick runs disputes, intelligence, visits, contacts and trust (community), rotation and the
records.

    model = RuralPolicingModel({"policing": {"preset": "hybrid"}}, seed=1)
    model.run()                      # config.days
    tables = model.results()         # incidents, daily, villages, officers, summary
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from mesa import Model
from mesa.discrete_space import Network
from mesa.time.events import Priority

from .agents import ACTIVITIES, Offender, Officer, Villager
from .community import Community
from .demand import CallProcess, CrimeProcess, DisputeProcess
from .dispatch import CommandCentre
from .errors import ScenarioError
from .policing import make_policing
from .presence import Presence
from .region import build_region
from .response import IncidentLog, Response
from .rhythms import MINUTES_PER_DAY, MINUTES_PER_HOUR, Calendar
from .roster import Roster, post_auxiliaries
from .scenario import MAX_SEED, Scenario
from .streams import region_rng, spawn
from .villagers import VillagerTable
from .vocab import IncidentType


def as_scenario(config: Scenario | dict | None) -> Scenario:
    """A validated Scenario from a Scenario, a plain dict, or None (defaults). A Scenario is
    validated again: a nested field assigned through the API (`s.policing.shifts[0].share =
    0.9`) skips the checks that span fields, such as shift shares summing to 1."""
    if config is None:
        return Scenario()
    from .config_files import validate_dict  # local: keeps the schema import-light

    if isinstance(config, Scenario):
        validate_dict(config.model_dump())  # the checks only: the run keeps `config` itself
        return config
    return validate_dict(config)


class RuralPolicingModel(Model):
    """A rural county policed by one of the registered policing models for `days` days."""

    def __init__(self, config: Scenario | dict | None = None, *, seed: int | None = None) -> None:
        config = as_scenario(config)
        seed = config.seed if seed is None else int(seed)
        if not 0 <= seed <= MAX_SEED:
            raise ScenarioError(f"must be between 0 and 2**63 - 1, got {seed}", key="seed")
        super().__init__(rng=seed)
        self.config = config
        self.run_seed = seed
        rng = spawn(seed)
        behaviour = rng["behaviour"]  # policing-dependent draws
        proactive = config.proactive
        region = self.region = build_region(config.region, region_rng(config.region, seed))
        layout = {
            i: (float(x), float(y)) for i, (x, y) in enumerate(zip(region.x, region.y, strict=True))
        }
        self.space = Network(region.graph, random=self.random, layout=layout)
        self.calendar = Calendar(config.season)
        self.villagers = VillagerTable(
            region,
            config.region.household_size,
            config.trust.initial_mean,
            config.trust.initial_sd,
            rng["villagers"],
        )
        self.incidents = IncidentLog()
        # People: officers on their shifts, the policing model's deployment, auxiliaries.
        self.roster = Roster(self, config.policing, region, proactive, behaviour)
        self.officers = self.roster.officers
        self.policing = make_policing(
            config.policing,
            proactive,
            region,
            self.calendar,
            self.officers,
            self.roster.day_shift,
            behaviour,
        )
        self.deployment = self.policing.setup()
        self.roster.fix_shifts()
        p = config.policing
        n_aux = (
            p.auxiliaries
            if p.auxiliaries is not None
            else (region.n if self.policing.auxiliaries_by_default else 0)
        )
        self.auxiliary_by_village = post_auxiliaries(
            self,
            n_aux if proactive else 0,
            region,
            p.auxiliary_day_start,
            p.auxiliary_day_hours,
            p.auxiliary_villages if proactive else None,
        )
        self.auxiliaries = list(self.auxiliary_by_village.values())
        self.auxiliary_villages = np.array(sorted(self.auxiliary_by_village), dtype=np.int64)
        # Demand: offenders, disputes, calls for service.
        new = self.incidents.new
        self.crime = CrimeProcess(
            config.crime,
            config.crime.enabled and proactive,
            region,
            self.villagers,
            config.addons,
            config.reporting.discovery_mean_min,
            config.reporting.occupied_discovery_min,
            new,
            rng["crime"],
            behaviour,
        )
        self.offenders = [Offender(self, self.crime, i) for i in range(self.crime.n)]
        self.disputes = DisputeProcess(
            config.disputes,
            config.disputes.enabled and proactive,
            self.villagers,
            new,
            rng["disputes"],
            behaviour,
        )
        self.calls = CallProcess(config.calls, region, self.villagers, new, rng["calls"])
        # The villagers' side, presence in the villages, and the response to incidents.
        self.community = Community(
            self.villagers, config.trust, p.visit_households_per_hour, proactive, behaviour
        )
        self.presence = Presence(region.n, config.crime.residual_deterrence_hours, config.addons)
        self.command_centre = CommandCentre(
            config.dispatch,
            region,
            self.officers,
            self.deployment.own_officers,
            config.addons.smart_dispatch,
        )
        self.response = Response(
            reporting=config.reporting,
            dispatch=config.dispatch,
            on_scene=config.on_scene,
            casework=config.casework if proactive else {},  # a pure queue: scene time only
            crime_config=config.crime,
            addons=config.addons,
            every_call_at_once=not proactive,
            calendar=self.calendar,
            community=self.community,
            auxiliaries=self.auxiliary_by_village,
            crime=self.crime,
            disputes=self.disputes,
            command_centre=self.command_centre,
            idle=self.next_move,
            reporting_rngs={
                IncidentType.PROPERTY: rng["reporting"],
                IncidentType.VIOLENT: rng["reporting"],
                IncidentType.DISPUTE: rng["reporting_disputes"],
                IncidentType.SERVICE: rng["reporting_calls"],
            },
            rng=behaviour,
            schedule=self.at_minute,
        )
        self._villager_agents: dict[int, Villager] = {}
        self.daily: list[dict[str, float]] = []
        self.hourly_busy: list[tuple[float, int, int]] = []
        self._busy_today: list[float] = []
        self.start_time = config.warmup_days * MINUTES_PER_DAY  # observation starts, minutes
        self.end_time = self.start_time + config.days * MINUTES_PER_DAY
        self.finished = False
        self._learned_by = -math.inf  # every officer knows its villages from then on
        self._learning_today = False  # presence counted officer by officer today
        # Mesa runs step() at hours 1, 2, ...; the first heartbeat is at hour 0.
        self.schedule_event(self.heartbeat, at=0.0, priority=Priority.HIGH)

    # --- the clock ------------------------------------------------------------------
    @property
    def now(self) -> float:
        """Model minutes since the start (Mesa's `time` is in hours)."""
        return self.time * MINUTES_PER_HOUR

    def at_minute(self, callback: Callable[[], None], minute: float) -> Any:
        """Schedule a callback (a bound method of a live object) at a model minute."""
        return self.schedule_event(callback, at=minute / MINUTES_PER_HOUR)

    def step(self) -> None:
        """The hourly heartbeat (Mesa calls it at every whole hour)."""
        self.heartbeat()

    def run(self, days: float | None = None) -> RuralPolicingModel:
        """Run through the warm-up and `days` observed days (config.days by default) and close
        the books."""
        if days is not None:
            self.end_time = self.start_time + days * MINUTES_PER_DAY
        self.run_until(self.end_time / MINUTES_PER_HOUR)
        self.finish()
        return self

    def finish(self) -> None:
        """Book officers' time up to now and record the last day."""
        if self.finished:
            return
        self.finished = True
        # At the end, exactly the end minute (hours * 60 could be off by a rounding step).
        t = self.end_time if self.time >= self.end_time / MINUTES_PER_HOUR else self.now
        for o in self.officers:
            o.settle(t)
            o.set_activity(o.activity, t)
            if o.incident is not None:  # a job still open at the end counts up to now
                o.committed_minutes += t - o.committed_since
                o.committed_since = t
        self._record_day(t)

    def next_move(self, officer: Officer, t: float) -> None:
        """An idle officer on duty: casework and station duties owed first (at base), else
        the policing model's routine."""
        if not officer.do_base_work(t):
            self.policing.next_move(officer, t)

    # --- hourly -----------------------------------------------------------------------
    def heartbeat(self) -> None:
        """Hourly: shifts, officers' moves, presence and deterrence, offences, calls."""
        t = self.now
        if t >= self.end_time:
            return
        hour = self.calendar.hour(t)
        if hour == 0:
            self._day(t)
            if t == self.start_time > 0:
                self._open_books(t)
        self.roster.shift_change(t, hour, self.response.officer_free)
        board, officers, next_move = self.roster.board, self.officers, self.next_move
        # Officers with a trip ending or a decision due, in roster order (the order matters:
        # decisions draw from the behaviour stream).
        for i in board.due_by(t):
            o = officers[i]
            if not o.on_duty:
                continue
            o.settle(t)
            if o.available and o.next_decision <= t:
                next_move(o, t)
        presence = self.presence
        guardians = board.guards.copy()
        if t >= self._learned_by and not self._learning_today:
            # Every officer knows its villages: presence hours are head counts.
            presence.officer_hours += board.guards
            presence.visit_hours += board.visitors
            presence.intel_hours += board.visitors
        else:
            # Newly posted officers count by how well they know the villages.
            self._learning_today = True
            for o in officers:
                v = o.guard_village
                if v >= 0:
                    knowledge = o.knowledge(t)
                    presence.officer_hours[v] += knowledge
                    if o.visiting:
                        presence.visit_hours[v] += 1.0
                        presence.intel_hours[v] += knowledge
        busy, on_duty = board.busy, board.on_duty
        if len(self.auxiliary_villages) and self.auxiliaries[0].on_duty(hour):
            guardians[self.auxiliary_villages] += 1.0
            presence.auxiliary_hours[self.auxiliary_villages] += 1.0
        deterrence = presence.hour(guardians, hour)
        multiplier = self.calendar.market_factor(t)
        for inc in self.crime.hour(t, hour, deterrence, multiplier):
            self.response.occurred(inc)
        for inc in self.calls.hour(t, hour, multiplier):
            self.response.occurred(inc)
        self.hourly_busy.append((t, busy, on_duty))
        self._busy_today.append(busy / on_duty if on_duty else 0.0)

    # --- daily ------------------------------------------------------------------------
    def _day(self, t: float) -> None:
        """Daily: disputes, offender intelligence, visits, contacts and trust, rotation."""
        if t > 0:
            self._record_day(t)
        cfg, presence = self.config, self.presence
        festival = self.calendar.is_festival(t)
        self.villagers.set_festival(festival, cfg.season.festival_return_share)
        auxiliary_days = presence.auxiliary_hours / max(cfg.policing.auxiliary_day_hours, 1)
        for inc in self.disputes.day(t, presence.officer_hours, auxiliary_days, festival):
            self.response.occurred(inc)
        self.crime.learn_offenders(presence.intel_hours)
        if cfg.proactive:
            self.community.visits(t, presence.visit_hours)
            self.community.contacts_and_trust(t, presence.officer_hours + presence.auxiliary_hours)
        for o in self.roster.rotate(t):
            if o.villages:
                self.crime.forget_offenders(o.villages)
            if o.learning_min > 0:
                self._learned_by = max(self._learned_by, o.posted_since + o.learning_min)
        presence.new_day()
        self._learning_today = False

    def _open_books(self, t: float) -> None:
        """The warm-up is over: officers' time, presence and the daily record start afresh."""
        for o in self.officers:
            o.settle(t)
            o.set_activity(o.activity, t)
            o.clear_time_use()
            o.committed_minutes = 0.0
            o.committed_since = t
        self.presence.total[:] = 0.0
        self.daily.clear()
        self.hourly_busy.clear()

    def _record_day(self, t: float) -> None:
        community = self.community
        mean_trust, satisfaction = community.trust_measures()
        self.daily.append(
            {
                "day": int(round((t - self.start_time) / MINUTES_PER_DAY)) - 1,
                "mean_trust": mean_trust,
                "satisfaction": satisfaction,
                "visibility": float(community.visibility(t)),
                "busy_share": float(np.mean(self._busy_today)) if self._busy_today else 0.0,
                "queued": len(self.command_centre.waiting),
                "open_disputes": len(self.disputes.open),
                "offenders_jailed": sum(r > t for r in self.crime.in_jail),
                "festival": bool(self.calendar.is_festival(t - 1)),
            }
        )
        self._busy_today = []

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
