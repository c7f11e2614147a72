"""Shared helpers for tests: small scenarios and queueing formulas."""

from __future__ import annotations

import math

import numpy as np

from simulation import RuralPolicingModel

SMALL_COUNTY = {
    "region": {"type": "mountain", "villages": 30, "population": 30_000, "townships": 2},
    "days": 180,
    "policing": {"officers": 10},
}


def small(preset: str = "clinic", **sections) -> dict:
    """The small test county with a preset and extra sections merged in."""
    cfg = {k: dict(v) if isinstance(v, dict) else v for k, v in SMALL_COUNTY.items()}
    cfg["policing"]["preset"] = preset
    for key, value in sections.items():
        if isinstance(value, dict):
            cfg.setdefault(key, {}).update(value)
        else:
            cfg[key] = value
    return cfg


def summaries(config: dict, seeds) -> list[dict]:
    return [RuralPolicingModel(config, seed=s).run().results()["summary"] for s in seeds]


def mean_of(rows: list[dict], key: str) -> float:
    return float(np.mean([r[key] for r in rows]))


def queue_scenario(servers: int, calls_per_day: float, service: dict, days: float) -> dict:
    """Calls-for-service mode: every officer posted at V000, every call at V000, so
    travel is zero and the county is an M/G/c queue."""
    return {
        "mode": "calls_for_service",
        "days": days,
        "region": {"type": "plain", "villages": 4, "population": 4000, "townships": 1},
        "policing": {
            "preset": "clinic",
            "officers": servers,
            "posts": {"V000": servers},
            "shifts": [{"start_hour": 0, "hours": 24, "share": 1.0}],
        },
        "calls": {"village_rates_per_day": {"V000": calls_per_day}, "daily_profile": False},
        "dispatch": {"call_handling_min": 0},
        "on_scene": {"service": service},
    }


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in M/M/c with offered load a = lambda/mu (Erlang C)."""
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
