"""Police and auxiliary presence in the villages, hour by hour: the capable guardians of
routine activity theory, with residual deterrence that decays after they leave (Koper 1995),
and the day's presence hours that disputes, intelligence, contacts and trust read.

A guardian guards the households within its reach. One standing at a village's post (an
auxiliary on duty, officers at a station or police room) guards the households near that post
(`crime.guardian_reach_share` of them); one moving through the village (officers on patrol, on
visits, at a scene; volunteer patrols) guards each household that share of the time."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .addons import AddonsConfig

if TYPE_CHECKING:
    from .agents import Officer
    from .duty import DutyBoard


class Presence:
    """Per-village presence. Reads `crime.residual_deterrence_hours` and the guardian
    equivalents of `addons.joint_defence` and `addons.volunteer_patrol`."""

    def __init__(
        self,
        villages: int,
        residual_deterrence_hours: float,
        reach_share: float,
        addons: AddonsConfig,
    ):
        n = villages
        self.decay = math.exp(-1.0 / residual_deterrence_hours)
        self.reach_share = reach_share
        self.addons = addons
        self.residual = np.zeros(n)  # residual deterrence of moving guardians (Koper curve)
        self.residual_post = np.zeros(n)  # ... of auxiliaries at their post
        self.deterrence = np.zeros(n)  # guardians a household meets on average, per village
        self.officer_hours = np.zeros(n)  # officer presence today, knowledge-weighted
        self.auxiliary_hours = np.zeros(n)
        self.visit_hours = np.zeros(n)  # officer hours of household visits today
        self.intel_hours = np.zeros(n)  # the same, weighted by the officers' knowledge
        self.total = np.zeros(n)  # officer + auxiliary presence hours, whole run
        self.learned_by = -math.inf  # every officer knows its villages from then on
        self._learning_today = False  # presence counted officer by officer today

    def officers(self, board: DutyBoard, officers: list[Officer], t: float) -> np.ndarray:
        """The hour's officers standing guard, per village (the guardians so far), and their
        presence, visit and intelligence hours: head counts once every officer knows its
        villages, else each newly posted officer's hours weighted by its knowledge."""
        guardians = board.guards.copy()
        if t >= self.learned_by and not self._learning_today:
            self.officer_hours += board.guards
            self.visit_hours += board.visitors
            self.intel_hours += board.visitors
        else:
            self._learning_today = True
            for o in officers:
                v = o.guard_village
                if v >= 0:
                    knowledge = o.knowledge(t)
                    self.officer_hours[v] += knowledge
                    if o.visiting:
                        self.visit_hours[v] += 1.0
                        self.intel_hours[v] += knowledge
        return guardians

    def auxiliaries(self, villages: np.ndarray) -> np.ndarray:
        """Auxiliaries on duty in `villages` this hour, per village."""
        on = np.zeros(len(self.total))
        on[villages] = 1.0
        self.auxiliary_hours[villages] += 1.0
        return on

    def newcomer(self, officer: Officer) -> None:
        """An officer newly posted (rotated): presence counts by knowledge until it learns."""
        if officer.learning_min > 0:
            self.learned_by = max(self.learned_by, officer.posted_since + officer.learning_min)

    def hour(
        self, moving: np.ndarray, auxiliaries: np.ndarray | None, posted: np.ndarray, hour: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Close the hour's presence: officers moving through each village (patrol, visits,
        scenes), auxiliaries on duty at their post, officers at a station or police room. The
        guardians, with residual deterrence, that a household near the village's post meets
        and that one elsewhere meets."""
        decay, share, addons = self.decay, self.reach_share, self.addons
        aux = auxiliaries if auxiliaries is not None else 0.0
        self.total += moving + aux
        self.residual = self.residual * decay + moving * (1.0 - decay)
        self.residual_post = self.residual_post * decay + aux * (1.0 - decay)
        far = share * (moving + self.residual)
        if addons.volunteer_patrol and (hour >= 20 or hour < 6):
            far = far + share * addons.volunteer_guardians
        if addons.joint_defence:  # households watch each other's homes: every household
            far = far + addons.joint_defence_guardians
        near = far + aux + self.residual_post + posted
        self.deterrence = share * near + (1.0 - share) * far
        return near, far

    def new_day(self) -> None:
        self.officer_hours[:] = 0.0
        self.auxiliary_hours[:] = 0.0
        self.visit_hours[:] = 0.0
        self.intel_hours[:] = 0.0
        self._learning_today = False
