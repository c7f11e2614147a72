"""Police and auxiliary presence in the villages, hour by hour: the capable guardians of
routine activity theory, with residual deterrence that decays after they leave (Koper 1995),
and the day's presence hours that disputes, intelligence, contacts and trust read."""

from __future__ import annotations

import math

import numpy as np

from .scenario import AddonsConfig


class Presence:
    """Per-village presence. Reads `crime.residual_deterrence_hours` and the guardian
    equivalents of `addons.joint_defence` and `addons.volunteer_patrol`."""

    def __init__(self, villages: int, residual_deterrence_hours: float, addons: AddonsConfig):
        n = villages
        self.decay = math.exp(-1.0 / residual_deterrence_hours)
        self.addons = addons
        self.residual = np.zeros(n)  # residual deterrence (Koper curve)
        self.deterrence = np.zeros(n)
        self.officer_hours = np.zeros(n)  # officer presence today, knowledge-weighted
        self.auxiliary_hours = np.zeros(n)
        self.visit_hours = np.zeros(n)  # officer hours of household visits today
        self.intel_hours = np.zeros(n)  # the same, weighted by the officers' knowledge
        self.total = np.zeros(n)  # officer + auxiliary presence hours, whole run

    def hour(self, guardians: np.ndarray, hour: int) -> np.ndarray:
        """Close the hour's presence (guardians per village); the deterrence offenders meet."""
        self.total += guardians
        self.residual = self.residual * self.decay + guardians * (1.0 - self.decay)
        addons = self.addons
        if addons.joint_defence:
            guardians = guardians + addons.joint_defence_guardians
        if addons.volunteer_patrol and (hour >= 20 or hour < 6):
            guardians = guardians + addons.volunteer_guardians
        self.deterrence = guardians + self.residual
        return self.deterrence

    def new_day(self) -> None:
        self.officer_hours[:] = 0.0
        self.auxiliary_hours[:] = 0.0
        self.visit_hours[:] = 0.0
        self.intel_hours[:] = 0.0
