"""Calls-for-service mode against queueing theory: M/M/c (Erlang C).

Source: Erlang C formula for the M/M/c queue (e.g. Larson & Odoni, *Urban Operations
Research*, 1981, ch. 4; Kleinrock, *Queueing Systems* I, 1975). Pattern P1 of docs/ODD.md
(§1.2, §7.16) asks that the model, with offenders, disputes and proactive work off and all
officers posted at the caller's village (zero travel), be an M/M/c queue.

tests/test_queueing.py checks M/M/3 at 70% load and M/D/1; these add a heavier load
with more servers (M/M/6 at 85%, fast), and in the slow suite a single server at 50%
(M/M/1, where the queue forms most often relative to load) and M/M/10 at 90%.

Measures per replicate (calls after a one-day warm-up): P(wait), mean wait, mean wait of
those who wait, and P(wait > one mean service time). Theory for M/M/c with offered load
a = lambda/mu: P(W > 0) = C(c, a) (Erlang C), E[W] = C / (c mu - lambda), the wait of
those who wait is exponential with mean 1 / (c mu - lambda), P(W > t) = C exp(-(c mu -
lambda) t).

Tolerance: each of the 4 measures must lie within a t-interval of the replicate mean
(batch means across independent replicates, which absorbs the strong autocorrelation of
waits within a run) at a family-wise 1% false-alarm level (Bonferroni over the 4
measures: two-sided alpha 0.0025 each), and additionally within 10% of theory, so that a
noisy run cannot pass by having a wide interval.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from simulation import RuralPolicingModel
from tests.helpers import erlang_c, queue_scenario

WARM_UP_MIN = 1440.0


def _replicate_measures(c: int, rho: float, mean_service: float, days: float, seeds):
    lam = rho * c / mean_service
    cfg = queue_scenario(c, lam * 1440, {"kind": "exponential", "mean": mean_service}, days)
    rows = []
    for seed in seeds:
        inc = RuralPolicingModel(cfg, seed=seed).run().results()["incidents"]
        inc = inc[(inc["t_report"] > WARM_UP_MIN) & inc["t_dispatch"].notna()]
        w = (inc["t_dispatch"] - inc["t_report"]).to_numpy()
        waited = w > 1e-9
        rows.append([waited.mean(), w.mean(), w[waited].mean(), (w > mean_service).mean()])
    mu = 1.0 / mean_service
    p_wait = erlang_c(c, lam / mu)
    theory = [
        p_wait,
        p_wait / (c * mu - lam),
        1.0 / (c * mu - lam),
        p_wait * math.exp(-(c * mu - lam) * mean_service),
    ]
    return np.array(rows), np.array(theory)


def _check(c: int, rho: float, mean_service: float, days: float, seeds) -> None:
    reps, theory = _replicate_measures(c, rho, mean_service, days, seeds)
    n = len(reps)
    mean = reps.mean(axis=0)
    se = reps.std(axis=0, ddof=1) / math.sqrt(n)
    t = stats.t.ppf(1 - 0.01 / (2 * len(theory)), n - 1)
    names = ["P(wait)", "mean wait", "mean wait | wait", "P(wait > 1 service)"]
    report = "; ".join(
        f"{k} {m:.3f} vs {th:.3f} (z {(m - th) / s:+.1f})"
        for k, m, th, s in zip(names, mean, theory, se, strict=True)
    )
    print(f"M/M/{c} at {rho:.0%}: {report}")
    for k, m, th, s in zip(names, mean, theory, se, strict=True):
        assert abs(m - th) <= t * s, f"M/M/{c} {k}: {m:.3f} vs theory {th:.3f} (se {s:.3f})"
        assert abs(m - th) <= 0.10 * th, f"M/M/{c} {k}: {m:.3f} is >10% from theory {th:.3f}"


def test_mm6_at_85_percent_load_matches_erlang_c():
    """M/M/6, 30-min exponential on-scene time, 85% load: 8 replicates x 90 days
    (~22,000 calls each)."""
    _check(c=6, rho=0.85, mean_service=30.0, days=90, seeds=range(8))


@pytest.mark.slow
def test_mm1_at_50_percent_load_matches_erlang_c():
    """M/M/1, 30-min exponential service, 50% load: 16 replicates x 120 days."""
    _check(c=1, rho=0.5, mean_service=30.0, days=120, seeds=range(16))


@pytest.mark.slow
def test_mm10_at_90_percent_load_matches_erlang_c():
    """M/M/10, 60-min exponential service, 90% load: 12 replicates x 120 days (heavy
    traffic: waits are long-memory, hence the longer runs)."""
    _check(c=10, rho=0.9, mean_service=60.0, days=120, seeds=range(12))
