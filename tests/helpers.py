"""Shared helpers for tests: small scenarios and queueing formulas."""

from __future__ import annotations

import math

import numpy as np

from simulation import RuralPolicingModel

SMALL_COUNTY = {
    "region": {"type": "mountain", "villages": 30, "population": 30_000, "townships": 2},
    "days": 180,
    # Mechanism tests observe from day 0: no warm-up (test_observation.py tests the warm-up).
    "warmup_days": 0,
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
        "warmup_days": 0,  # a queue from empty: the formulas' transient is negligible
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


def line_county_config(tmp_path, stations: str = "1000", officers: int = 1, **sections) -> dict:
    """Four villages on a line, 10 minutes apart: A - B - C - D (a CSV county); `stations`
    flags which of A-D hold a station. Calls-for-service mode with no demand of its own, no
    call handling, deterministic trips, officers on duty round the clock."""
    rows = "".join(
        f"{name},{5 * i},0,100,{flag}\n"
        for i, (name, flag) in enumerate(zip("ABCD", stations, strict=True))
    )
    (tmp_path / "v.csv").write_text("name,x_km,y_km,population,station\n" + rows)
    (tmp_path / "r.csv").write_text("from,to,minutes\nA,B,10\nB,C,10\nC,D,10\n")
    cfg: dict = {
        "region": {
            "type": "csv",
            "villages_csv": str(tmp_path / "v.csv"),
            "roads_csv": str(tmp_path / "r.csv"),
        },
        "mode": "calls_for_service",
        "calls": {"enabled": False},
        "dispatch": {"call_handling_min": 0, "travel_time_cv": 0},
        "policing": {
            "officers": officers,
            "shifts": [{"start_hour": 0, "hours": 24, "share": 1}],
        },
        "days": 1,
    }
    for key, value in sections.items():
        cfg.setdefault(key, {}).update(value)
    return cfg


def run_minutes(model: RuralPolicingModel, minutes: float) -> None:
    """Advance the model by minutes (Mesa's time unit is the hour)."""
    model.run_for(minutes / 60)
