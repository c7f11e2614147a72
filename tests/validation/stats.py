"""Small statistical tools for the validation tests (numpy/scipy only)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass
class Estimate:
    """A point estimate with a two-sided confidence interval."""

    value: float
    low: float
    high: float
    p_value: float = math.nan

    def __str__(self) -> str:
        p = "" if math.isnan(self.p_value) else f", p = {self.p_value:.2g}"
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]{p}"


def mean_ci(values, level: float = 0.95) -> Estimate:
    """Mean across independent replicates with a t interval (batch means)."""
    v = np.asarray(values, dtype=float)
    se = v.std(ddof=1) / math.sqrt(len(v))
    half = stats.t.ppf(0.5 + level / 2, len(v) - 1) * se
    return Estimate(float(v.mean()), float(v.mean() - half), float(v.mean() + half))


def paired_ratio(treatment, control, level: float = 0.95) -> Estimate:
    """Geometric-mean ratio treatment/control over paired replicates (common random
    numbers: the same seed in both arms), with a t interval on the paired log ratios
    and the paired t-test p-value for 'no effect'."""
    d = np.log(np.asarray(treatment, dtype=float) / np.asarray(control, dtype=float))
    se = d.std(ddof=1) / math.sqrt(len(d))
    half = stats.t.ppf(0.5 + level / 2, len(d) - 1) * se
    p = float(stats.ttest_1samp(d, 0.0).pvalue)
    return Estimate(
        float(np.exp(d.mean())), float(np.exp(d.mean() - half)), float(np.exp(d.mean() + half)), p
    )


def poisson_ratio(observed: int, expected: float, level: float = 0.95) -> Estimate:
    """Observed/expected count ratio with the exact (Garwood) Poisson interval."""
    a = 1.0 - level
    lo = stats.chi2.ppf(a / 2, 2 * observed) / 2 if observed > 0 else 0.0
    hi = stats.chi2.ppf(1 - a / 2, 2 * observed + 2) / 2
    return Estimate(observed / expected, lo / expected, hi / expected)


def logistic_fit(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood logistic regression y ~ 1 + x (Newton-Raphson), or, with `groups`
    (a label per row), y ~ group + x: one intercept per group and a common slope, which comes
    first. Returns the coefficients and their covariance (inverse Fisher information)."""
    if groups is None:
        X = np.column_stack([np.ones_like(x), x])
    else:
        labels = np.unique(groups)
        X = np.column_stack([x] + [(groups == g).astype(float) for g in labels])
    beta = np.zeros(X.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-X @ beta))
        info = X.T @ (X * (p * (1 - p))[:, None])
        step = np.linalg.solve(info, X.T @ (y - p))
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    p = 1.0 / (1.0 + np.exp(-X @ beta))
    info = X.T @ (X * (p * (1 - p))[:, None])
    return beta, np.linalg.inv(info)


def mantel_haenszel_rate_ratio(a, e1, b, e0, level: float = 0.95) -> Estimate:
    """Mantel-Haenszel rate ratio over strata: counts a (exposed) and b (unexposed) with
    person-time e1 and e0 per stratum; Greenland-Robins (1985) variance of its log."""
    a, e1, b, e0 = (np.asarray(v, dtype=float).ravel() for v in (a, e1, b, e0))
    t = e1 + e0
    keep = t > 0
    a, e1, b, e0, t = a[keep], e1[keep], b[keep], e0[keep], t[keep]
    r = (a * e0 / t).sum()
    s = (b * e1 / t).sum()
    rr = r / s
    var_log = (e1 * e0 * (a + b) / t**2).sum() / (r * s)
    z = stats.norm.ppf(0.5 + level / 2) * math.sqrt(var_log)
    return Estimate(rr, rr * math.exp(-z), rr * math.exp(z))
