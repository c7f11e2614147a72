"""History matching with Gaussian-process emulators, and the posterior they give.

The simulator is slow (seconds a county-year), so the calibration learns it: after each wave
of runs, one emulator per summary statistic (a linear trend plus a Gaussian process with one
length scale per parameter and a noise term for the model's own randomness; scikit-learn)
predicts the summary, with its uncertainty, anywhere in the parameter space. Points whose
prediction is implausibly far from the records,

    I(x) = max_k |z_k - E[f_k(x)]| / sqrt(Var[f_k(x)] + noise_k + discrepancy_k),

above a cut-off (3: Pukelsheim's three-sigma rule) are ruled out; the next wave runs in what
is left (Vernon, Goldstein & Bower 2010; Andrianakis et al. 2015).

The posterior is then the emulator's: the prior times a Gaussian likelihood of the records,
with the emulator's uncertainty, the model's noise and the discrepancy in its variance
(Kennedy & O'Hagan 2001, without their bias function), sampled by importance sampling with an
adaptive multivariate-t proposal (population Monte Carlo, Cappé et al. 2004). Everything
works on the unit cube of prior probabilities (u = F(theta)), where the prior is uniform.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from scipy.stats import qmc

GP_RESTARTS = 2
CANDIDATES = 2**14


def unit_design(d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points of a scrambled Sobol design on the unit cube."""
    with warnings.catch_warnings():  # n need not be a power of 2
        warnings.simplefilter("ignore", UserWarning)
        return qmc.Sobol(d, scramble=True, rng=rng).random(n)


@dataclass
class _Fit:
    beta: np.ndarray  # linear trend on [1, u]
    gp: Any  # sklearn GaussianProcessRegressor on the residuals
    noise: float  # the model's own variance (the fitted white-noise term), emulation scale


class Emulator:
    """One emulator per summary: a linear trend in the parameters plus a Gaussian process
    (constant x anisotropic RBF + white noise) on what the trend leaves."""

    def __init__(
        self, u: np.ndarray, y: np.ndarray, seed: int, floors: np.ndarray | None = None
    ) -> None:
        """Fit to runs at points u (n x d) with summaries y (n x k, emulation scale);
        `floors`: the least noise variance each summary can have (see observe.Summary)."""
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

        self.d = u.shape[1]
        self.fits: list[_Fit] = []
        for k in range(y.shape[1]):
            ok = np.isfinite(y[:, k])
            X, t = u[ok], y[ok, k]
            A = np.column_stack([np.ones(len(X)), X])
            beta = np.linalg.lstsq(A, t, rcond=None)[0]
            resid = t - A @ beta
            scale = float(np.var(resid)) or 1.0
            floor = float(floors[k]) if floors is not None else 0.0
            least = max(scale * 1e-6, floor)
            kernel = ConstantKernel(scale, (scale * 1e-4, scale * 1e2)) * RBF(
                np.full(self.d, 0.5), (0.02, 50.0)
            ) + WhiteKernel(max(scale * 0.1, least), (least, max(scale * 10, least * 10)))
            gp = GaussianProcessRegressor(
                kernel, normalize_y=False, n_restarts_optimizer=GP_RESTARTS, random_state=seed
            )
            with warnings.catch_warnings():  # bounds reached: the fit is still usable
                warnings.simplefilter("ignore")
                gp.fit(X, resid)
            noise = float(gp.kernel_.k2.noise_level)
            self.fits.append(_Fit(beta, gp, noise))

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, code variance (what the emulator does not know) and the model's noise
        variance of every summary at the points u (n x d): three n x k arrays."""
        u = np.atleast_2d(u)
        A = np.column_stack([np.ones(len(u)), u])
        means, codes, noises = [], [], []
        for f in self.fits:
            m, sd = f.gp.predict(u, return_std=True)
            means.append(A @ f.beta + m)
            # sklearn's predictive sd includes the white noise: take it out of the code part.
            codes.append(np.maximum(sd**2 - f.noise, 1e-12))
            noises.append(np.full(len(u), f.noise))
        return np.column_stack(means), np.column_stack(codes), np.column_stack(noises)

    def implausibility(self, u: np.ndarray, z: np.ndarray, disc: np.ndarray) -> np.ndarray:
        """Each summary's implausibility at the points u (n x k)."""
        m, code, noise = self.predict(u)
        return np.abs(z - m) / np.sqrt(code + noise + disc)

    def loglik(self, u: np.ndarray, z: np.ndarray, disc: np.ndarray) -> np.ndarray:
        """The records' Gaussian log-likelihood at the points u."""
        m, code, noise = self.predict(u)
        var = code + noise + disc
        return -0.5 * np.sum((z - m) ** 2 / var + np.log(var), axis=1)

    def held_out(self, u: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Standardised errors of the emulator at runs it was not fitted to (n x k): a
        trustworthy emulator has most within +-3 (Bastos & O'Hagan 2009)."""
        m, code, noise = self.predict(u)
        return (y - m) / np.sqrt(code + noise)


def nroy(
    emulator: Emulator, z: np.ndarray, disc: np.ndarray, cutoff: float, u: np.ndarray
) -> np.ndarray:
    """Which points are not ruled out yet."""
    return emulator.implausibility(u, z, disc).max(axis=1) <= cutoff


def next_wave(
    emulator: Emulator,
    z: np.ndarray,
    disc: np.ndarray,
    cutoff: float,
    n: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, float]:
    """n points of the space not yet ruled out, and its share of the prior (a Sobol
    estimate). When it is too small for uniform candidates to find n points, the rest come
    from the emulator's posterior, which lives inside it."""
    cand = unit_design(emulator.d, CANDIDATES, rng)
    keep = nroy(emulator, z, disc, cutoff, cand)
    share = float(keep.mean())
    pool = cand[keep]
    if len(pool) < n:
        extra = posterior_sample(emulator, z, disc, 4 * n, rng).draws
        pool = np.vstack([pool, extra[nroy(emulator, z, disc, cutoff, extra)]])
    if len(pool) == 0:
        return pool, share
    pick = rng.choice(len(pool), size=min(n, len(pool)), replace=False)
    return pool[np.sort(pick)], share


@dataclass
class Posterior:
    """Draws on the unit cube (equally weighted) and how well they were found."""

    draws: np.ndarray
    ess: float  # effective sample size of the final importance weights
    rounds: int  # proposal adaptations used


def _t_logpdf(x: np.ndarray, mean: np.ndarray, cov: np.ndarray, df: float) -> np.ndarray:
    return np.asarray(stats.multivariate_t(loc=mean, shape=cov, df=df).logpdf(x))


def posterior_sample(
    emulator: Emulator,
    z: np.ndarray,
    disc: np.ndarray,
    n: int,
    rng: np.random.Generator,
    candidates: int = CANDIDATES,
    max_rounds: int = 6,
) -> Posterior:
    """n equally weighted draws from prior x emulated likelihood. Round 0 weighs a Sobol
    design of the prior; each further round proposes from a defensive mixture (0.8 of a
    multivariate t, df 4, fitted to the weighted draws with twice their spread; 0.2 of the
    prior) until the effective sample size reaches 4n or the rounds run out."""
    d = emulator.d
    u = unit_design(d, candidates, rng)
    logw = emulator.loglik(u, z, disc)
    rounds = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007 (reported)
        w = _normalised(logw)
        ess = 1.0 / float(np.sum(w**2))
        if ess >= 4 * n:
            break
        mean = w @ u
        cov = np.cov(u.T, aweights=w, ddof=0).reshape(d, d) * 2.0 + np.eye(d) * 1e-6
        t = stats.multivariate_t(loc=mean, shape=cov, df=4)
        proposed: list[np.ndarray] = []
        tried = 0
        need = int(0.8 * candidates)
        while sum(len(p) for p in proposed) < need and tried < 50 * candidates:
            x = np.atleast_2d(t.rvs(size=candidates, random_state=rng))
            tried += len(x)
            proposed.append(x[np.all((x >= 0) & (x <= 1), axis=1)])
        inside = np.vstack(proposed)[:need]
        mass = max(sum(len(p) for p in proposed) / tried, 1e-12)  # t's mass on the cube
        u = np.vstack([inside, rng.random((candidates - len(inside), d))])
        q = 0.8 * np.exp(_t_logpdf(u, mean, cov, 4)) / mass + 0.2
        logw = emulator.loglik(u, z, disc) - np.log(q)
    w = _normalised(logw)
    ess = 1.0 / float(np.sum(w**2))
    return Posterior(u[_systematic(w, n, rng)], ess, rounds)


def _normalised(logw: np.ndarray) -> np.ndarray:
    logw = np.where(np.isfinite(logw), logw, -np.inf)
    w = np.exp(logw - logw.max())
    return w / w.sum()


def _systematic(w: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Systematic resampling: n indices drawn in proportion to w, shuffled."""
    positions = (rng.random() + np.arange(n)) / n
    idx = np.searchsorted(np.cumsum(w), positions, side="right")
    idx = np.minimum(idx, len(w) - 1)
    return rng.permutation(idx)


def discrepancy_var(
    z_raw: np.ndarray, z: np.ndarray, share: float, log_scale: np.ndarray
) -> np.ndarray:
    """The discrepancy's variance on the emulation scale: a standard deviation of `share` of
    each observed summary, carried through the square root (delta method: sd/(2 sqrt y)) or
    the log (sd/y = share)."""
    if share == 0:
        return np.zeros_like(z)
    sd_sqrt = share * np.sqrt(np.maximum(z_raw, 1.0)) / 2.0
    sd = np.where(log_scale, share, sd_sqrt)
    return sd**2


def rank_uniformity(ranks: np.ndarray, draws: int, bins: int) -> float:
    """The chi-square p-value of SBC ranks (0..draws) in `bins` equal bins (Talts et al.
    2018): small when the ranks are not uniform."""
    counts = np.histogram(ranks, bins=bins, range=(-0.5, draws + 0.5))[0]
    return float(stats.chisquare(counts).pvalue)


def central_interval(draws: np.ndarray, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Per column, the central `level` interval of the draws."""
    a = (1 - level) / 2
    return np.quantile(draws, a, axis=0), np.quantile(draws, 1 - a, axis=0)


def shrinkage(prior_sd: np.ndarray, post_sd: np.ndarray) -> np.ndarray:
    """1 - posterior variance / prior variance: 0 learnt nothing, 1 pinned down (Betancourt)."""
    return 1.0 - (post_sd / np.where(prior_sd > 0, prior_sd, math.nan)) ** 2
