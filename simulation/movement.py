"""Positions on the road graph and trips along quickest paths.

A position is `(a, b, f)`: on the road from village a to village b, a share f of the
way (f = 0 and a == b at a village). A trip remembers the villages it passes and the
minute it reaches each, so the position at any minute is exact, and a dispatch
mid-journey routes from where the officer really is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .region import Region

Position = tuple[int, int, float]


def at_village(v: int) -> Position:
    return (v, v, 0.0)


def time_to(region: Region, pos: Position, target: int) -> float:
    """Minutes from a position to a village along the quickest road."""
    a, b, f = pos
    if a == b or f <= 0.0:
        return float(region.travel[a, target])
    edge = region.graph[a][b]["minutes"]
    return float(
        min(f * edge + region.travel[a, target], (1.0 - f) * edge + region.travel[b, target])
    )


@dataclass
class Trip:
    """A journey from `origin` (a position) through `nodes`, reached at `times`."""

    origin: Position
    nodes: list[int]
    times: np.ndarray  # absolute minute each node is reached
    depart: float
    kms: np.ndarray  # km driven from the origin on reaching each node

    def km_at(self, t: float) -> float:
        """Km driven by minute t (linear along each road)."""
        if t >= self.times[-1]:
            return float(self.kms[-1])
        if t <= self.depart:
            return 0.0
        return float(np.interp(t, np.r_[self.depart, self.times], np.r_[0.0, self.kms]))

    @classmethod
    def plan(
        cls, region: Region, pos: Position, target: int, now: float, speed_factor: float = 1.0
    ) -> Trip:
        """Quickest trip from a position to a village, leaving now."""
        a, b, f = pos
        if a == b or f <= 0.0:
            nodes, cum = region.route(a, target)
            first = first_km = 0.0
            origin = at_village(a)
            start = a
        else:
            edge = region.graph[a][b]["minutes"]
            via_a = f * edge + region.travel[a, target]
            via_b = (1.0 - f) * edge + region.travel[b, target]
            share = f if via_a <= via_b else 1.0 - f
            start = a if via_a <= via_b else b
            (nodes, cum), first = region.route(start, target), share * edge
            first_km = share * region.road_km(a, b)
            origin = pos
        times = now + (first + cum) / speed_factor
        kms = first_km + region.route_km(start, target)
        return cls(origin=origin, nodes=nodes, times=times, depart=now, kms=kms)

    @property
    def end(self) -> float:
        return float(self.times[-1])

    @property
    def destination(self) -> int:
        return self.nodes[-1]

    def position(self, t: float) -> Position:
        """Where the traveller is at minute t."""
        if t >= self.times[-1]:
            return at_village(self.nodes[-1])
        if t <= self.depart:
            return self.origin  # not left yet (call handling)
        if t < self.times[0]:
            # Still on the partial first leg, heading for nodes[0].
            a, b, f = self.origin
            share = (t - self.depart) / max(self.times[0] - self.depart, 1e-9)
            target = self.nodes[0]
            f_now = f + (1.0 - f) * share if target == b else f * (1.0 - share)
            return (a, b, float(min(max(f_now, 0.0), 1.0)))
        k = int(np.searchsorted(self.times, t, side="right")) - 1
        span = self.times[k + 1] - self.times[k]
        return (self.nodes[k], self.nodes[k + 1], float((t - self.times[k]) / max(span, 1e-9)))


def xy(region: Region, pos: Position) -> tuple[float, float]:
    """Map coordinates (km) of a position."""
    a, b, f = pos
    return (
        float(region.x[a] + f * (region.x[b] - region.x[a])),
        float(region.y[a] + f * (region.y[b] - region.y[a])),
    )
