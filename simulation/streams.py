"""Independent random streams of a run, spawned from its seed.

New streams go at the end, so that existing ones keep their seeds. Reporting draws have one
stream per demand process, so that calls and disputes stay aligned across scenarios even
when offences differ (common random numbers).
"""

from __future__ import annotations

import numpy as np

from .region import RegionConfig
from .vocab import IncidentType

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


def spawn(seed: int) -> dict[str, np.random.Generator]:
    """One generator per stream name, from the run seed."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, children, strict=True)}


def reporting_streams(
    streams: dict[str, np.random.Generator],
) -> dict[IncidentType, np.random.Generator]:
    """The reporting stream of each incident type: crimes share one, disputes and calls have
    their own."""
    return {
        IncidentType.PROPERTY: streams["reporting"],
        IncidentType.VIOLENT: streams["reporting"],
        IncidentType.DISPUTE: streams["reporting_disputes"],
        IncidentType.SERVICE: streams["reporting_calls"],
    }


def region_rng(region: RegionConfig, seed: int) -> np.random.Generator:
    """The generator that lays out the county: `region.seed` if set (one county for every
    replicate), else the run's own region stream (a new county per run seed)."""
    if region.seed is not None:
        return np.random.default_rng(region.seed)
    return spawn(seed)["region"]
