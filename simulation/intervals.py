"""95% intervals across replicates that keep their promise with few replicates.

Replicates are independent runs (or, for a difference, pairs of runs on the same seed: common
random numbers), so every interval here is a t interval with n - 1 degrees of freedom on
replicate values, which covers at its nominal level when replicate values are roughly normal
(a county-year's totals are sums of many events) however small n is:

- a mean (`t`): the mean of the replicate values;
- a ratio of means (`fieller`): mean(num) / mean(den) pooled over replicates, with Fieller's
  interval (Fieller 1954, J. R. Stat. Soc. B 16:175-185), the set of ratios R that a t test of
  mean(num - R den) = 0 does not reject; unbounded when the denominator's own mean is not
  clearly above zero (nothing can then bound the ratio);
- a difference of two pooled ratios over paired replicates (`delta`): the t interval of the
  linearised replicate values (the delta method for ratio estimators; Cochran 1977, Sampling
  Techniques, 6.3), paired so that the common seed's share of the noise cancels.

They replace a percentile bootstrap over replicates, which at n = 3 returns the range of three
values and covers the truth about three times in four (tests/test_intervals.py measures it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.95
"""Confidence level of every interval across replicates."""
ROUGH_BELOW = 5
"""With fewer replicates than this the tables say the intervals are rough: with t on 2 or 3
degrees of freedom they are honest but wide, and they lean on replicate values being near
normal, which too few replicates cannot check."""


@dataclass(frozen=True)
class Estimate:
    """An estimate across replicates with its interval: `interval` is 't', 'fieller' or
    'delta' (see the module's docstring); an unbounded interval is (-inf, inf)."""

    value: float
    low: float
    high: float
    estimator: str = "mean"
    interval: str = "t"


def t_quantile(n: int, level: float = LEVEL) -> float:
    """The two-sided t quantile for n replicates (n - 1 degrees of freedom)."""
    return float(stats.t.ppf(0.5 + level / 2, n - 1))


def mean_ci(
    values: np.ndarray,
    level: float = LEVEL,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> tuple[float, float, float]:
    """Mean and t-based confidence interval of replicate values (NaNs dropped), clipped to
    `bounds`, the range the values can take (metric_registry.natural_range). An infinite
    value (a median not reached) makes the mean infinite and leaves no interval."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return math.nan, math.nan, math.nan
    m = float(v.mean())
    if len(v) < 2 or not np.isfinite(v).all():
        return m, math.nan, math.nan
    half = t_quantile(len(v), level) * float(v.std(ddof=1)) / math.sqrt(len(v))
    return m, max(m - half, bounds[0]), min(m + half, bounds[1])


def _pooled(num: np.ndarray, den: np.ndarray) -> float:
    """Ratio of means; NaN where the denominator's mean is not above 0."""
    d = float(den.mean())
    return float(num.mean()) / d if d > 0 else math.nan


def _complete(*arrays: np.ndarray) -> list[np.ndarray]:
    """The arrays as floats, keeping the replicates with no NaN in any of them."""
    out = [np.asarray(a, dtype=float) for a in arrays]
    keep = ~np.any([np.isnan(a) for a in out], axis=0)
    return [a[keep] for a in out]


def ratio_ci(
    num: np.ndarray,
    den: np.ndarray,
    level: float = LEVEL,
    estimator: str = "ratio of means",
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> Estimate:
    """mean(num) / mean(den) over replicates (pooled; NaN when mean(den) <= 0) with Fieller's
    interval, clipped to `bounds`; (-inf, inf) when mean(den) is not clearly above 0."""
    num, den = _complete(num, den)
    n = len(num)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, estimator, "fieller")
    value = _pooled(num, den)
    if n < 2 or math.isnan(value):
        return Estimate(value, math.nan, math.nan, estimator, "fieller")
    mn, md = float(num.mean()), float(den.mean())
    # (Co)variances of the two means, by sums rather than np.cov, whose BLAS product would
    # round differently on another processor.
    dn, dd = num - mn, den - md
    v_nn, v_dd, v_nd = (
        float(np.sum(x * y)) / ((n - 1) * n) for x, y in ((dn, dn), (dd, dd), (dn, dd))
    )
    t2 = t_quantile(n, level) ** 2
    # R is inside when (mn - R md)^2 <= t^2 var(mean(num) - R mean(den)):
    # a R^2 - 2 b R + c <= 0.
    a = md * md - t2 * v_dd
    b = mn * md - t2 * v_nd
    c = mn * mn - t2 * v_nn
    if a <= 0:
        return Estimate(value, -math.inf, math.inf, estimator, "fieller")
    root = math.sqrt(max(b * b - a * c, 0.0))
    low, high = (b - root) / a, (b + root) / a
    return Estimate(value, max(low, bounds[0]), min(high, bounds[1]), estimator, "fieller")


def paired_ratio_difference_ci(
    num: np.ndarray,
    den: np.ndarray,
    base_num: np.ndarray,
    base_den: np.ndarray,
    level: float = LEVEL,
) -> Estimate:
    """Difference of pooled ratios, scenario minus baseline, over replicates paired by seed,
    with the t interval of the linearised paired values (delta method)."""
    num, den, base_num, base_den = _complete(num, den, base_num, base_den)
    estimator = "difference of ratios of means"
    n = len(num)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, estimator, "delta")
    r, r0 = _pooled(num, den), _pooled(base_num, base_den)
    value = r - r0
    if n < 2 or math.isnan(value):
        return Estimate(value, math.nan, math.nan, estimator, "delta")
    # Each replicate's contribution to the difference, to first order: its mean is 0 and its
    # spread across replicates is the difference's.
    z = (num - r * den) / den.mean() - (base_num - r0 * base_den) / base_den.mean()
    half = t_quantile(n, level) * float(z.std(ddof=1)) / math.sqrt(n)
    return Estimate(value, value - half, value + half, estimator, "delta")
