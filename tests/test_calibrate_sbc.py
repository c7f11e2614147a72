"""Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018) of the
emulator posterior `rpsim calibrate` draws.

Repeatedly: draw true parameters from the prior, simulate records with them, compute the
posterior from those records. If the posterior is right, each true value is a draw from it:
its rank among the posterior draws is uniform, and each 90% interval holds it 90% of the time.
A small county, one wave of emulator runs shared by every data set (the posterior depends on
the data only through the likelihood; the runs are the same whatever the records say).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from simulation.calibrate.emulate import (
    Emulator,
    central_interval,
    posterior_sample,
    rank_uniformity,
    unit_design,
)
from simulation.calibrate.observe import SUMMARIES as DECLARED
from simulation.calibrate.observe import transform
from simulation.calibrate.run import simulate
from simulation.executor import run_jobs
from simulation.ranges import uncertain_parameters
from simulation.scenario import validate_dict
from simulation.uncertainty.worlds import set_values

BASE = {
    "days": 60,
    "warmup_days": 0,
    "region": {"type": "plain", "villages": 8, "population": 8000, "townships": 2},
    "policing": {"preset": "clinic", "officers": 4},
}
PARAMETERS = [
    "calls.rate_per_1000",
    "calls.scene_share",
    "disputes.rate_per_1000",
    "crime.offenders_per_1000",
]
SUMMARIES = ["service_calls", "service_attended", "dispute_calls", "property_calls"]
START = datetime(2025, 3, 1).isoformat()
DRAWS = 99  # posterior draws per data set: ranks 0..99


def _simulate(points: np.ndarray, seeds: list[int], priors: dict) -> np.ndarray:
    jobs = []
    for u, seed in zip(points, seeds, strict=True):
        values = {k: float(p.ppf(u[j])) for j, (k, p) in enumerate(priors.items())}
        jobs.append((set_values(dict(BASE), values), seed, START))
    out = np.full((len(points), len(SUMMARIES)), np.nan)
    for done in run_jobs(simulate, iter(jobs), workers=1):
        assert done.error is None, done.error
        s = done.result["summaries"]
        out[done.index] = [transform(k, s[k]) for k in SUMMARIES]
    return out


def sbc(training: int, datasets: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Ranks (datasets x parameters) and whether each 90% interval held the truth."""
    priors = {k: uncertain_parameters(validate_dict(BASE))[k] for k in PARAMETERS}
    rng = np.random.default_rng(seed)
    d = len(PARAMETERS)
    u_train = unit_design(d, training, rng)
    y_train = _simulate(u_train, [1000 + i for i in range(training)], priors)
    floors = np.array([DECLARED[s].noise_floor for s in SUMMARIES])
    emulator = Emulator(u_train, y_train, seed=seed, floors=floors)
    u_true = rng.random((datasets, d))
    y_true = _simulate(u_true, [5000 + i for i in range(datasets)], priors)
    ranks = np.zeros((datasets, d), dtype=int)
    inside = np.zeros((datasets, d), dtype=bool)
    for i in range(datasets):
        post = posterior_sample(
            emulator, y_true[i], np.zeros(len(SUMMARIES)), DRAWS, rng, candidates=4096
        )
        ranks[i] = (post.draws < u_true[i]).sum(axis=0)
        lo, hi = central_interval(post.draws)
        inside[i] = (u_true[i] >= lo) & (u_true[i] <= hi)
    return ranks, inside


def test_posterior_intervals_cover_the_truth_at_the_nominal_rate():
    """40 synthetic data sets from known parameters (the prior), 48 emulator runs.

    Tolerances: with 40 data sets a parameter's coverage has a binomial standard deviation
    of sqrt(0.9 * 0.1 / 40) = 0.047, so a correct posterior lies above 0.75 (3.2 sd) in all
    but ~1 in 1,000 parameters; the pooled 160 intervals (sd ~0.024, more with the
    dependence within a data set) within [0.80, 0.98]. Ranks in 4 bins (10 expected per bin):
    a chi-square p-value under 0.001 means the posterior is biased or too narrow or wide."""
    ranks, inside = sbc(training=48, datasets=40, seed=3)
    coverage = inside.mean(axis=0)
    table = pd.DataFrame({"parameter": PARAMETERS, "coverage_90": coverage})
    print(table.to_string(index=False))
    assert (coverage >= 0.75).all(), table
    assert 0.80 <= inside.mean() <= 0.98, inside.mean()
    for j, key in enumerate(PARAMETERS):
        p = rank_uniformity(ranks[:, j], DRAWS, bins=4)
        assert p > 0.001, (key, np.bincount(ranks[:, j] * 4 // (DRAWS + 1), minlength=4))


@pytest.mark.slow
def test_sbc_with_more_data_sets():
    """The same check with 200 data sets and 128 emulator runs (make validate)."""
    ranks, inside = sbc(training=128, datasets=200, seed=4)
    coverage = inside.mean(axis=0)
    uniform = [rank_uniformity(ranks[:, j], DRAWS, bins=10) for j in range(len(PARAMETERS))]
    table = pd.DataFrame({"parameter": PARAMETERS, "coverage_90": coverage, "rank_chi2_p": uniform})
    print(table.to_string(index=False))
    for j, key in enumerate(PARAMETERS):
        print(key, "ranks in 10 bins:", np.bincount(ranks[:, j] * 10 // (DRAWS + 1), minlength=10))
    # sd sqrt(0.09/200) = 0.021 per parameter: 0.83-0.97 is +-3.3 sd.
    assert ((coverage >= 0.83) & (coverage <= 0.97)).all()
    for j in range(len(PARAMETERS)):
        assert rank_uniformity(ranks[:, j], DRAWS, bins=10) > 0.001
