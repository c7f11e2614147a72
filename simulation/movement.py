"""Positions on the road graph and trips along quickest paths.

A position is `(a, b, f)`: on the road from village a to village b, a share f of the
way (f = 0 and a == b at a village). A trip remembers the villages it passes and the
minute it reaches each, so the position at any minute is exact, and a dispatch
mid-journey routes from where the officer really is.
"""

from __future__ import annotations

from bisect import bisect_right

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


class Trip:
    """A journey from `origin` (a position) through `nodes`, reached at `times` (absolute
    minutes); `kms` is the km driven from the origin on reaching each node. Plain lists:
    officers plan some 200,000 trips a county-year, most of two or three roads."""

    __slots__ = ("depart", "destination", "end", "kms", "nodes", "origin", "times")

    def __init__(
        self,
        origin: Position,
        nodes: list[int],
        times: list[float],
        depart: float,
        kms: list[float],
    ) -> None:
        self.origin = origin
        self.nodes = nodes
        self.times = times
        self.depart = depart
        self.kms = kms
        self.end = times[-1]
        self.destination = nodes[-1]

    def km_at(self, t: float) -> float:
        """Km driven by minute t (linear along each road)."""
        if t >= self.end:
            return self.kms[-1]
        if t <= self.depart:
            return 0.0
        return float(np.interp(t, [self.depart, *self.times], [0.0, *self.kms]))

    @classmethod
    def plan(
        cls, region: Region, pos: Position, target: int, now: float, speed_factor: float = 1.0
    ) -> Trip:
        """Quickest trip from a position to a village, leaving now."""
        a, b, f = pos
        if a == b or f <= 0.0:
            nodes, cum, km = region.leg_table(a, target)
            if speed_factor == 1.0:
                return cls(at_village(a), nodes, [now + c for c in cum], now, km)
            first = first_km = 0.0
            origin = at_village(a)
        else:
            edge = region.graph[a][b]["minutes"]
            via_a = f * edge + region.travel[a, target]
            via_b = (1.0 - f) * edge + region.travel[b, target]
            share = f if via_a <= via_b else 1.0 - f
            start = a if via_a <= via_b else b
            nodes, cum, km = region.leg_table(start, target)
            first = share * edge
            first_km = share * region.road_km(a, b)
            origin = pos
        times = [now + (first + c) / speed_factor for c in cum]
        return cls(origin, nodes, times, now, [first_km + k for k in km])

    def position(self, t: float) -> Position:
        """Where the traveller is at minute t."""
        times = self.times
        if t >= self.end:
            return at_village(self.destination)
        if t <= self.depart:
            return self.origin  # not left yet (call handling)
        if t < times[0]:
            # Still on the partial first leg, heading for nodes[0].
            a, b, f = self.origin
            share = (t - self.depart) / max(times[0] - self.depart, 1e-9)
            target = self.nodes[0]
            f_now = f + (1.0 - f) * share if target == b else f * (1.0 - share)
            return (a, b, float(min(max(f_now, 0.0), 1.0)))
        k = bisect_right(times, t) - 1
        span = times[k + 1] - times[k]
        return (self.nodes[k], self.nodes[k + 1], float((t - times[k]) / max(span, 1e-9)))


def xy(region: Region, pos: Position) -> tuple[float, float]:
    """Map coordinates (km) of a position."""
    a, b, f = pos
    return (
        float(region.x[a] + f * (region.x[b] - region.x[a])),
        float(region.y[a] + f * (region.y[b] - region.y[a])),
    )
