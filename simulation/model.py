"""RuralPolicingModel: the Mesa model that wires the components and runs the clock.

Mesa's time unit is the hour: one `model.step()` (one Solara "Step") is one hour, and
Mesa calls `step()`, the hourly heartbeat, at every whole hour. Inside the model, times are
minutes (`model.now`): reports, arrivals and clearances are events at the minute they
happen (simulation.response). The heartbeat runs shifts (roster), officers' moves (the
policing model), presence and deterrence, offences and calls (crime, calls); at midnight a
daily tick runs disputes, intelligence, visits, contacts and trust (community), rotation and
the records.

    model = RuralPolicingModel({"policing": {"preset": "hybrid"}}, seed=1)
    model.run()                      # config.days
    tables = model.results()         # incidents, daily, villages, officers, summary
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mesa import Model
from mesa.discrete_space import Network
from mesa.time.events import Priority

from .agents import ACTIVITIES
from .calls import CallProcess
from .clock import Clock
from .community import Community
from .crime import CrimeProcess, Offender, police_per_10k
from .dispatch import CommandCentre
from .disputes import DisputeProcess
from .errors import ScenarioError
from .incident import IncidentLog
from .limits import MAX_SEED
from .metrics import collect
from .policing import make_policing
from .presence import Presence
from .records import DailyRecord
from .region import build_region
from .response import Parties, Response, ResponseRules
from .rhythms import MINUTES_PER_DAY, MINUTES_PER_HOUR, Calendar
from .roster import Roster, post_auxiliaries
from .scenario import Scenario, as_scenario
from .streams import region_rng, reporting_streams, spawn
from .villagers import Villager, VillagerTable


class RuralPolicingModel(Model):
    """A rural county policed by one of the registered policing models for `days` days."""

    def __init__(self, config: Scenario | dict | None = None, *, seed: int | None = None) -> None:
        config = as_scenario(config)
        seed = config.seed if seed is None else int(seed)
        if not 0 <= seed <= MAX_SEED:
            raise ScenarioError(f"must be between 0 and 2**63 - 1, got {seed}", key="seed")
        super().__init__(rng=seed)
        self.config, self.run_seed = config, seed
        self.streams = spawn(seed)
        self.clock = Clock(self)
        region = self.region = build_region(config.region, region_rng(config.region, seed))
        layout = {
            i: (float(x), float(y)) for i, (x, y) in enumerate(zip(region.x, region.y, strict=True))
        }
        self.space = Network(region.graph, random=self.random, layout=layout)
        self.calendar = Calendar(config.season)
        trust = config.trust
        self.villagers = VillagerTable(
            region, config.region.household_size, trust.initial_mean, trust.initial_sd,
            self.streams["villagers"],
        )  # fmt: skip
        self.incidents = IncidentLog()
        self._people(config)
        self._demand(config)
        self._response(config)
        self._villager_agents: dict[int, Villager] = {}
        self.start_time = config.warmup_days * MINUTES_PER_DAY  # observation starts, minutes
        self.end_time = self.start_time + config.days * MINUTES_PER_DAY
        self.record = DailyRecord(
            self.start_time, self.community, self.command_centre, self.disputes, self.crime,
            self.calendar,
        )  # fmt: skip
        self.daily, self.hourly_busy = self.record.rows, self.record.hourly_busy
        self.finished = False
        # Mesa runs step() at hours 1, 2, ...; the first heartbeat is at hour 0.
        self.schedule_event(self.heartbeat, at=0.0, priority=Priority.HIGH)

    # --- wiring -----------------------------------------------------------------------
    def _people(self, config: Scenario) -> None:
        """Officers on their shifts, the policing model's deployment, village auxiliaries."""
        p, proactive, region = config.policing, config.proactive, self.region
        behaviour = self.streams["behaviour"]  # policing-dependent draws
        self.roster = Roster(self, self.space, p, region, proactive, behaviour)
        self.officers = self.roster.officers
        self.policing = make_policing(
            p, proactive, region, self.calendar, self.officers, self.roster.day_shift, behaviour
        )
        self.deployment = self.policing.setup()
        self.roster.fix_shifts()
        self.auxiliary_by_village = post_auxiliaries(
            self, self.space, p, region, self.policing.auxiliaries_by_default, proactive
        )
        self.auxiliaries = list(self.auxiliary_by_village.values())
        self.auxiliary_villages = np.array(sorted(self.auxiliary_by_village), dtype=np.int64)

    def _demand(self, config: Scenario) -> None:
        """Offenders, disputes, calls for service: each draws from its own stream."""
        rng, new, proactive = self.streams, self.incidents.new, config.proactive
        crime, reporting = config.crime, config.reporting
        self.crime = CrimeProcess(
            crime, crime.enabled and proactive, self.region, self.villagers, config.addons,
            reporting.discovery_mean_min, reporting.occupied_discovery_min, new, rng["crime"],
            rng["behaviour"], police_per_10k(self.region, [o.station for o in self.officers]),
        )  # fmt: skip
        self.offenders = [Offender(self, self.space, self.crime, i) for i in range(self.crime.n)]
        self.disputes = DisputeProcess(
            config.disputes, config.disputes.enabled and proactive, self.villagers, new,
            rng["disputes"], rng["behaviour"],
        )  # fmt: skip
        self.calls = CallProcess(config.calls, self.region, self.villagers, new, rng["calls"])

    def _response(self, config: Scenario) -> None:
        """The villagers' side, presence in the villages, and the response to incidents."""
        rng, proactive, region = self.streams, config.proactive, self.region
        self.community = Community(
            self.villagers, config.trust, config.policing.visit_households_per_hour, proactive,
            rng["behaviour"],
        )  # fmt: skip
        crime = config.crime
        self.presence = Presence(
            region.n, crime.residual_deterrence_hours, crime.guardian_reach_share, config.addons
        )
        self.command_centre = CommandCentre(
            config.dispatch, region, self.officers, self.deployment.own_officers,
            config.addons.smart_dispatch,
        )  # fmt: skip
        rules = ResponseRules(
            config.reporting, config.dispatch, config.on_scene,
            config.casework if proactive else {},  # a pure queue: scene time only
            config.crime, config.addons, every_call_at_once=not proactive,
        )  # fmt: skip
        parties = Parties(
            self.community, self.auxiliary_by_village, self.crime, self.disputes,
            self.command_centre, self.policing,
        )  # fmt: skip
        self.response = Response(
            rules, parties, self.calendar, self.clock, reporting_streams(rng), rng["behaviour"]
        )

    # --- the clock ------------------------------------------------------------------
    now = property(lambda self: self.clock.now, doc="Model minutes since the start.")

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
        self.roster.close_books(t)
        self.record.day(t)

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
        board, officers, idle = self.roster.board, self.officers, self.policing.idle
        # Officers with a trip ending or a decision due, in roster order (the order matters:
        # decisions draw from the behaviour stream).
        for i in board.due_by(t):
            o = officers[i]
            if not o.on_duty:
                continue
            o.settle(t)
            if o.available and o.next_decision <= t:
                idle(o, t)
        moving = self.presence.officers(board, officers, t)
        busy, on_duty = board.busy, board.on_duty
        aux = None
        if len(self.auxiliary_villages) and self.auxiliaries[0].on_duty(hour):
            aux = self.presence.auxiliaries(self.auxiliary_villages)
        near, far = self.presence.hour(moving, aux, board.posted, hour)
        multiplier = self.calendar.market_factor(t)
        for inc in self.crime.hour(t, hour, near, far, multiplier):
            self.response.occurred(inc)
        for inc in self.calls.hour(t, hour, multiplier):
            self.response.occurred(inc)
        self.record.hour(t, busy, on_duty)

    # --- daily ------------------------------------------------------------------------
    def _day(self, t: float) -> None:
        """Daily: disputes, offender intelligence, visits, contacts and trust, rotation."""
        if t > 0:
            self.record.day(t)
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
            presence.newcomer(o)
        presence.new_day()

    def _open_books(self, t: float) -> None:
        """The warm-up is over: officers' time, presence and the daily record start afresh."""
        self.roster.open_books(t)
        self.presence.total[:] = 0.0
        self.record.restart()

    # --- inspection ---------------------------------------------------------------------
    def villager(self, index: int) -> Villager:
        """The Mesa agent of villager `index` (created on first request)."""
        if not 0 <= index < self.villagers.n:
            raise IndexError(f"villager {index} out of range 0..{self.villagers.n - 1}")
        if index not in self._villager_agents:
            self._villager_agents[index] = Villager(self, self.villagers, index)
        return self._villager_agents[index]

    def results(self) -> dict[str, Any]:
        """Tidy tables of this run (see simulation.metrics)."""
        self.finish()
        return collect(self)


__all__ = ["ACTIVITIES", "RuralPolicingModel", "as_scenario"]
