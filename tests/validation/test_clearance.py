"""Clearance falls with response time.

Source: Blanes i Vidal & Kirchmaier (2018), "The effect of police response time on crime
clearance rates", Review of Economic Studies 85(2): in Greater Manchester, with response
times varying by the distance from the response station (discontinuities at division
boundaries), a 10% longer response time lowers the probability that the crime is
cleared by 4.7 percentage points. In slope form: -0.047 / ln(1.1) = -0.493 clearance
points per unit of log response time.

The model reads the estimate, pooled over crime types, at a crime clearing at 35% (the
all-crime share): every type shares the logit slope gamma = 0.493 / (0.35 x 0.65), with its own
base clearance (burglary far below violence). Measured from the incident log, not read from the
parameter: responded property and violent incidents with an outcome (arrest / no_arrest),
clinic preset (no auxiliary or CCTV clearance bonus, no village officers to know offenders),
default hill county. The published slope is local (responses in the study take tens of
minutes); the model applies it from half its reference time (10 min) upward and lets faster
responses saturate, since extrapolated to a 2-minute response the slope would promise
near-certain arrest. The fit therefore covers responses of at least 10 minutes, where the figure
is claimed; this also leaves out incidents whose responder was already in the village (travel 0,
response = 2 min of call handling). A logistic regression of arrest on the crime type and
ln(response / 20 min) (one intercept per type, a common slope) gives gamma; gamma x 0.35 x 0.65 is
the slope in points at 35%, with a delta-method interval from the Fisher information (each
arrest is an independent draw given its response time). The arrest rate of the zero-travel
incidents is printed for the record.

Tolerance: the 99% interval of the measured slope contains -0.493, and is narrow enough
to mean something (half-width <= 0.1, i.e. +-1 point per +10% response time).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.validation.stats import Estimate, logistic_fit

TARGET = -0.047 / math.log(1.1)  # -0.493 points per unit log response time, pooled
REFERENCE_MIN = 20.0
SLOPE_AT = 0.35  # the clearance at which the model reads the pooled estimate


def _fit(done: pd.DataFrame) -> Estimate:
    x = np.log(done["response_min"].to_numpy() / REFERENCE_MIN)
    y = (done["outcome"] == "arrest").to_numpy(dtype=float)
    beta, cov = logistic_fit(x, y, groups=done["type"].to_numpy())
    scale = SLOPE_AT * (1 - SLOPE_AT)  # logit slope -> points per unit log time at 35%
    z = stats.norm.ppf(0.995)
    value, se = beta[0] * scale, math.sqrt(cov[0, 0]) * scale
    return Estimate(value, value - z * se, value + z * se)


def _slope(runs, seeds):
    inc = pd.concat([r.incidents for r in runs.get("clinic", seeds)], ignore_index=True)
    crimes = inc["type"].isin(["property", "violent"])
    done = inc[crimes & inc["outcome"].isin(["arrest", "no_arrest"])]
    travelled = done[done["response_min"] >= REFERENCE_MIN / 2]
    est = _fit(travelled)
    at_once = done[done["travel_min"] <= 0]
    print(
        f"n={len(travelled)} responses >= {REFERENCE_MIN / 2:.0f} min, median response "
        f"{travelled['response_min'].median():.1f} min: slope at {SLOPE_AT:.0%} clearance "
        f"{est} per log-minute = {100 * est.value * math.log(1.1):+.2f} points per +10% "
        f"(BiV&K -4.7); {len(at_once)} with no travel: arrest rate "
        f"{(at_once['outcome'] == 'arrest').mean():.2f}"
    )
    return est


def _check(est) -> None:
    assert est.low <= TARGET <= est.high, f"slope {est} vs Blanes i Vidal & Kirchmaier {TARGET:.3f}"
    assert (est.high - est.low) / 2 <= 0.1, f"slope interval too wide to be informative: {est}"


def test_clearance_slope_matches_blanes_i_vidal_kirchmaier(runs):
    """24 clinic replicates (~1,960 responded crimes of at least 10 minutes). Since issue 25
    the slope is fitted with one intercept per crime type (burglary clears at 15%, violence at
    60%), which widens its interval: 18 replicates gave 0.443 [0.334, 0.551], a half-width of
    0.108; 24 give 0.442 [0.348, 0.537]."""
    _check(_slope(runs, range(24)))


@pytest.mark.slow
def test_clearance_slope_matches_blanes_i_vidal_kirchmaier_precisely(runs):
    """40 clinic replicates (~3,300 responded crimes with a journey): the same criterion,
    a narrower interval."""
    _check(_slope(runs, range(40)))
