"""What a policy team reads from a comparison run across parameter worlds.

A world is one draw of the model's uncertain parameters from their plausible ranges; in each
world every option is simulated on common random numbers and its replicates are pooled into
one row. From those tables (`world_means`: world, option, one column per metric; `params`:
the parameter values of each world, indexed by world) this module gives, as in health
economics' probabilistic sensitivity analysis and RAND's robust decision making:

- the probability that each option is best on each metric (`probability_best`);
- net monetary benefit against the baseline (`net_benefit`), the decision it implies with its
  expected loss and the expected value of perfect information (`decide`), and the
  cost-effectiveness acceptability curve (`acceptability`; van Hout et al. 1994, Health
  Economics 3:309-319);
- the expected value of partial perfect information per parameter (`evppi`), by the
  regression method of Strong, Oakley & Brennan (2014, Medical Decision Making 34:311-326);
- first-order Sobol indices and Borgonovo's delta of any output from the given sample
  (`sobol_first_order`; Plischke, Borgonovo & Smith 2013, EJOR 226:536-550);
- the worlds where the answer flips (`flips`) and the box of parameter values that holds them
  (`prim_box`: PRIM, Friedman & Fisher 1999, Statistics and Computing 9:123-143; Bryant &
  Lempert 2010, Technological Forecasting & Social Change 77:34-49).

Every function is pure and deterministic given its inputs; the one that resamples takes a
`seed`. Ties between options share the world equally wherever "the best option" is counted.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Better = Literal["lower", "higher"]

WORLD = "world"
OPTION = "option"
RESTRICTED = 0.05
"""A PRIM box limit counts as a restriction when it moved by more than this share of the
parameter's plausible range from the range's end."""
_MIN_SPLINE_VALUES = 6
"""Fewer distinct parameter values than this: EVPPI regresses on a straight line."""
_SPLINE_POINTS = 256
"""More distinct parameter values than this: EVPPI's spline goes through the means of this
many groups of consecutive values (the fit barely changes; the cost stays bounded)."""


# ---------------------------------------------------------------------------------------------
# input checks and reshaping


def _options(table: pd.DataFrame) -> list[str]:
    """The options in order of first appearance."""
    return [str(o) for o in pd.unique(table[OPTION])]


def _check_long(table: pd.DataFrame, name: str, value_columns: Sequence[str]) -> None:
    """One clear line if `table` is not one row per (world, option) with every option in
    every world and the given value columns."""
    missing = [c for c in (WORLD, OPTION, *value_columns) if c not in table.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}")
    if table.empty:
        raise ValueError(f"{name} has no rows")
    if table.duplicated([WORLD, OPTION]).any():
        raise ValueError(f"{name} has more than one row for some (world, option)")
    per_world = table.groupby(WORLD)[OPTION].nunique()
    n_options = table[OPTION].nunique()
    if (per_world != n_options).any():
        short = per_world.index[per_world != n_options].tolist()[:5]
        raise ValueError(f"{name}: world(s) {short} lack some of the {n_options} options")


def _wide(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """world x option matrix of one column, options in order of first appearance."""
    wide = table.pivot(index=WORLD, columns=OPTION, values=column)
    return wide[_options(table)].astype(float)


def _best_shares(values: np.ndarray) -> np.ndarray:
    """Per row, 1/k for each of the k columns holding the row's maximum, else 0."""
    best = values == values.max(axis=1, keepdims=True)
    return best / best.sum(axis=1, keepdims=True)


def _check_wtp(name: str, value: float) -> None:
    """One line unless `value` is a finite number >= 0."""
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


# ---------------------------------------------------------------------------------------------
# probability best


def probability_best(world_means: pd.DataFrame, better: dict[str, Better]) -> pd.DataFrame:
    """Per metric of `better` and option: the share of worlds in which the option is best on
    the metric (ties share the world equally), with its Monte Carlo standard error
    sqrt(p(1-p)/N). Columns: metric, option, p_best, mc_se, worlds. A world with a NaN value
    of the metric for any option is left out for that metric (`worlds` counts those used)."""
    _check_long(world_means, "world_means", list(better))
    options = _options(world_means)
    rows = []
    for metric, direction in better.items():
        if direction not in ("lower", "higher"):
            raise ValueError(f"better[{metric!r}] must be 'lower' or 'higher', got {direction!r}")
        wide = _wide(world_means, metric).dropna()
        values = wide.to_numpy()
        n = len(values)
        if n:
            shares = _best_shares(-values if direction == "lower" else values).mean(axis=0)
        else:
            shares = np.full(len(options), math.nan)
        for option, p in zip(options, shares, strict=True):
            se = math.sqrt(p * (1 - p) / n) if n else math.nan
            rows.append(
                {"metric": metric, "option": option, "p_best": float(p), "mc_se": se, "worlds": n}
            )
    return pd.DataFrame(rows, columns=["metric", "option", "p_best", "mc_se", "worlds"])


# ---------------------------------------------------------------------------------------------
# net benefit and the decision


def net_benefit(
    world_means: pd.DataFrame,
    baseline: str,
    wtp_crime: float,
    wtp_escalation: float,
    crimes: str = "true_crimes_per_year",
    escalations: str = "escalations_per_year",
    cost: str = "cost_total_cny",
) -> pd.DataFrame:
    """Per world and option, the net monetary benefit against the baseline in that world:
    wtp_crime * (crimes prevented) + wtp_escalation * (escalations prevented) - (extra cost).
    The baseline's is 0. A term whose willingness to pay is 0 is left out (its column may then
    be absent). Columns: world, option, net_benefit. ValueError (one line) for a negative or
    non-finite willingness to pay or a baseline that is not an option."""
    _check_wtp("wtp_crime", wtp_crime)
    _check_wtp("wtp_escalation", wtp_escalation)
    terms = [(crimes, wtp_crime), (escalations, wtp_escalation)]
    terms = [(column, wtp) for column, wtp in terms if wtp > 0]
    _check_long(world_means, "world_means", [cost, *(c for c, _ in terms)])
    options = _options(world_means)
    if baseline not in options:
        raise ValueError(f"baseline {baseline!r} is not one of the options {options}")
    extra_cost = _wide(world_means, cost)
    nb = -(extra_cost.sub(extra_cost[baseline], axis=0))
    for column, wtp in terms:
        wide = _wide(world_means, column)
        nb = nb + wtp * (-wide).add(wide[baseline], axis=0)
    nb[baseline] = 0.0
    out = nb.reset_index().melt(id_vars=WORLD, var_name=OPTION, value_name="net_benefit")
    out = out.sort_values(WORLD, kind="stable").reset_index(drop=True)  # options in table order
    return out[[WORLD, OPTION, "net_benefit"]]


@dataclass(frozen=True)
class Decision:
    """What net benefit across worlds implies: the option to choose (highest expected net
    benefit), each option's expected net benefit, probability of being cost-effective (highest
    net benefit in a world; ties share the world) and expected loss (the mean shortfall from
    the best option of each world), and the expected value of perfect information."""

    preferred: str
    expected: dict[str, float]
    p_cost_effective: dict[str, float]
    expected_loss: dict[str, float]
    evpi: float


def _nb_wide(nb: pd.DataFrame) -> pd.DataFrame:
    """net_benefit's table as world x option, worlds with a NaN net benefit left out."""
    _check_long(nb, "nb", ["net_benefit"])
    wide = _wide(nb, "net_benefit").dropna()
    if wide.empty:
        raise ValueError("nb has no world where every option's net benefit is known")
    return wide


def decide(nb: pd.DataFrame) -> Decision:
    """The decision from net_benefit's table (worlds with a NaN net benefit are left out;
    among options of equal expected net benefit the first listed is preferred)."""
    wide = _nb_wide(nb)
    values = wide.to_numpy()
    options = [str(o) for o in wide.columns]
    means = values.mean(axis=0)
    best = values.max(axis=1)
    loss = (best[:, None] - values).mean(axis=0)
    shares = _best_shares(values).mean(axis=0)
    return Decision(
        preferred=options[int(np.argmax(means))],
        expected={o: float(v) for o, v in zip(options, means, strict=True)},
        p_cost_effective={o: float(v) for o, v in zip(options, shares, strict=True)},
        expected_loss={o: float(v) for o, v in zip(options, loss, strict=True)},
        evpi=float(max(best.mean() - means.max(), 0.0)),
    )


def evpi_total(nb: pd.DataFrame) -> float:
    """Expected value of perfect information: E[max_o NB_o] - max_o E[NB_o]."""
    return decide(nb).evpi


def flips(nb: pd.DataFrame, preferred: str) -> pd.Series:
    """Per world, True where the option with the highest net benefit is not `preferred` (a
    tie with `preferred` at the top is no flip, nor is a world with an unknown net benefit):
    the cases of interest for `prim_box`."""
    _check_long(nb, "nb", ["net_benefit"])
    wide = _wide(nb, "net_benefit")
    if preferred not in wide.columns:
        raise ValueError(f"preferred {preferred!r} is not one of the options {list(wide.columns)}")
    known = wide.notna().all(axis=1)
    flipped = known & (wide[preferred] < wide.max(axis=1))
    return flipped.rename("flip").astype(bool)


def acceptability(
    world_means: pd.DataFrame,
    baseline: str,
    wtp_crime: Sequence[float],
    escalation_per_crime: float,
    **columns: str,
) -> pd.DataFrame:
    """The cost-effectiveness acceptability curve (van Hout et al. 1994): for each willingness
    to pay per crime prevented in `wtp_crime` (an escalation prevented valued at
    escalation_per_crime times it), each option's probability of having the highest net
    benefit, its expected net benefit and its expected loss. `columns` (crimes, escalations,
    cost) go to `net_benefit`. Columns: wtp_crime, wtp_escalation, option, p_cost_effective,
    expected_net_benefit, expected_loss."""
    _check_wtp("escalation_per_crime", escalation_per_crime)
    rows = []
    for wtp in wtp_crime:
        wtp_escalation = escalation_per_crime * float(wtp)
        decision = decide(net_benefit(world_means, baseline, wtp, wtp_escalation, **columns))
        for option, p in decision.p_cost_effective.items():
            rows.append(
                {
                    "wtp_crime": float(wtp),
                    "wtp_escalation": wtp_escalation,
                    "option": option,
                    "p_cost_effective": p,
                    "expected_net_benefit": decision.expected[option],
                    "expected_loss": decision.expected_loss[option],
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "wtp_crime",
            "wtp_escalation",
            "option",
            "p_cost_effective",
            "expected_net_benefit",
            "expected_loss",
        ],
    )


# ---------------------------------------------------------------------------------------------
# value of information


MAX_DF = 10.0
MAX_DF_SHARE = 0.125
"""EVPPI regressions use at most this many degrees of freedom (and share of the worlds)."""


def _aligned_params(params: pd.DataFrame, worlds: pd.Index) -> pd.DataFrame:
    """The parameter values of `worlds`, as floats; one line if some are missing or NaN."""
    missing = worlds.difference(params.index)
    if len(missing):
        raise ValueError(f"params lacks world(s) {missing.tolist()[:5]}")
    x = params.loc[worlds].astype(float)
    if x.isna().any().any():
        raise ValueError(f"params has NaN values for {x.columns[x.isna().any()].tolist()}")
    return x


def _groups(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """The worlds pooled by tied x (at most _SPLINE_POINTS groups of consecutive values, so
    that the cost stays bounded): each group's x (mean), count and mean y, and per column of y
    the sum of squares within groups."""
    xs, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    if len(xs) > _SPLINE_POINTS:
        start = np.cumsum(counts) - counts
        merged = start * _SPLINE_POINTS // len(x)
        _, merged = np.unique(merged, return_inverse=True)
        inverse = merged[inverse]
        counts = np.bincount(inverse)
        xs = np.bincount(inverse, weights=x) / counts
    sums = np.zeros((len(xs), y.shape[1]))
    np.add.at(sums, inverse, y)
    means = sums / counts[:, None]
    within = ((y - means[inverse]) ** 2).sum(axis=0)
    return xs, counts.astype(float), means, within


def _gcv_lambdas(u: np.ndarray, w: np.ndarray, means: np.ndarray, within: np.ndarray) -> np.ndarray:
    """Per column of `means`, the smoothing parameter of make_smoothing_spline(u, column, w)
    that minimises generalised cross-validation on the worlds (Craven & Wahba 1979): the
    weighted residual sum of squares (plus the spread within groups) / N over (1 - df/N)^2,
    on a fine log grid, from the Demmler-Reinsch basis (Green & Silverman 1994, 2.1 and 3.3),
    where one eigendecomposition serves every smoothing parameter and column."""
    from scipy.linalg import solveh_banded

    m, n = len(u), w.sum()
    h = np.diff(u)
    q = np.zeros((m, m - 2))
    i = np.arange(m - 2)
    q[i, i], q[i + 1, i], q[i + 2, i] = 1 / h[:-1], -1 / h[:-1] - 1 / h[1:], 1 / h[1:]
    r = np.vstack([np.r_[0.0, h[1:-1] / 6], (h[:-1] + h[1:]) / 3])  # tridiagonal, banded
    penalty = q @ solveh_banded(r, q.T)  # K = Q R^-1 Q': f' K f = integral of f''^2
    scaled = penalty / np.sqrt(np.outer(w, w))
    d, v = np.linalg.eigh((scaled + scaled.T) / 2)
    d = np.clip(d, 0, None)
    z2 = (v.T @ (np.sqrt(w)[:, None] * means)) ** 2
    positive = d[d > d.max() * 1e-12]
    lam = np.logspace(np.log10(1e-3 / d.max()), np.log10(1e3 / positive.min()), 241)
    keep = 1 / (1 + np.outer(lam, d))  # share of each basis component the fit keeps
    rss = (1 - keep) ** 2 @ z2 + within
    df = keep.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        gcv = rss / n / ((1 - df / n) ** 2)[:, None]
    gcv[~np.isfinite(gcv)] = np.inf
    # At most MAX_DF_SHARE of the worlds as degrees of freedom (and at most MAX_DF): near
    # interpolation, (1 - df/N)^2 -> 0 makes GCV numerically unstable, and a fit through noisy
    # net benefits would credit every parameter with the whole EVPI.
    gcv[df > max(2.0, min(MAX_DF, MAX_DF_SHARE * n))] = np.inf
    return lam[np.argmin(gcv, axis=0)]


def _smooth_fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fitted values at x of each column of y regressed on x: a cubic smoothing spline
    (scipy's make_smoothing_spline, its smoothing chosen by GCV; see `_gcv_lambdas`) through
    the means over tied x weighted by their counts (over groups of consecutive values when
    there are more than _SPLINE_POINTS distinct values); a straight line with fewer than 6
    distinct values, or when the spline fails; the mean with one. Constant columns are their
    own fit."""
    from scipy.interpolate import make_smoothing_spline

    fitted = np.broadcast_to(y.mean(axis=0), y.shape).copy()
    varying = np.ptp(y, axis=0) > 0
    if np.ptp(x) == 0 or not varying.any():
        return fitted
    xs, counts, means, within = _groups(x, y[:, varying])
    # x scaled to [0, 1]: the same fit, with better numerics
    lo, span = x.min(), np.ptp(x)
    u, uw = (xs - lo) / span, (x - lo) / span
    if len(xs) >= _MIN_SPLINE_VALUES:
        try:
            with np.errstate(all="ignore"):
                lams = _gcv_lambdas(u, counts, means, within)
                curves = np.column_stack(
                    [
                        make_smoothing_spline(u, means[:, c], w=counts, lam=lam)(uw)
                        for c, lam in enumerate(lams)
                    ]
                )
            if np.isfinite(curves).all():
                fitted[:, varying] = curves
                return fitted
        except (ValueError, np.linalg.LinAlgError):
            pass  # ill-posed (values too close together): fall back to the straight line
    design = np.column_stack([np.ones_like(uw), uw])
    coef, *_ = np.linalg.lstsq(design, y[:, varying], rcond=None)
    fitted[:, varying] = design @ coef
    return fitted


def evppi(nb: pd.DataFrame, params: pd.DataFrame) -> pd.DataFrame:
    """Expected value of partial perfect information per parameter by the regression method of
    Strong, Oakley & Brennan (2014): each option's net benefit (relative to the baseline) is
    regressed on the parameter (see `_smooth_fit`), and EVPPI = mean over worlds of the best
    fitted value - the best mean fitted value (tiny negatives clipped to 0). Columns:
    parameter, evppi, sorted by evppi descending; `.attrs["evpi"]` holds the total EVPI."""
    wide = _nb_wide(nb)
    x = _aligned_params(params, wide.index)
    y = wide.to_numpy()
    rows = []
    for name in x.columns:
        fitted = _smooth_fit(x[name].to_numpy(), y)
        value = fitted.max(axis=1).mean() - fitted.mean(axis=0).max()
        rows.append({"parameter": str(name), "evppi": float(max(value, 0.0))})
    out = pd.DataFrame(rows, columns=["parameter", "evppi"])
    out = out.sort_values("evppi", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs["evpi"] = evpi_total(nb)
    return out


# ---------------------------------------------------------------------------------------------
# sensitivity indices


def _salib_delta(
    problem: dict, x: np.ndarray, y: np.ndarray, num_resamples: int, seed: int, method: str
) -> dict:
    """SALib.analyze.delta seeded with `seed`, quietly, leaving numpy's global random state and
    the warnings module as they were (SALib draws from, and changes, both)."""
    from SALib.analyze import delta

    state = np.random.get_state()
    format_warning = warnings.formatwarning
    try:
        np.random.seed(seed)
        with warnings.catch_warnings(record=True):
            return delta.analyze(
                problem,
                x,
                y,
                num_resamples=num_resamples,
                seed=None,  # seeded above: SALib skips seeding when seed == 0
                method=method,
            )
    finally:
        np.random.set_state(state)
        warnings.formatwarning = format_warning


def sobol_first_order(
    y: pd.Series,
    params: pd.DataFrame,
    bounds: dict[str, tuple[float, float]],
    seed: int = 0,
    num_resamples: int = 50,
) -> pd.DataFrame:
    """First-order Sobol indices (S1) and Borgonovo's delta of an output `y` (indexed by world,
    e.g. the difference between two options) from the given sample, by SALib.analyze.delta
    (which estimates both from any sample); `delta` is SALib's bias-reduced delta on the sample
    as drawn ('raw'), and the _conf columns are the half-widths of 95% bootstrap intervals.
    Worlds where y is NaN are left out. Constant y, or a parameter constant across worlds,
    gives zeros. Columns: parameter, S1, S1_conf, delta, delta_conf; sorted by S1 descending.
    SALib's global numpy random state and warning settings are restored afterwards."""
    columns = ["parameter", "S1", "S1_conf", "delta", "delta_conf"]
    values = pd.Series(y, dtype=float).dropna()
    x = _aligned_params(params, pd.Index(values.index))
    names = [str(c) for c in x.columns]
    out = pd.DataFrame(0.0, index=range(len(names)), columns=columns)
    out["parameter"] = names
    varying = [i for i, c in enumerate(x.columns) if np.ptp(x[c].to_numpy()) > 0]
    yv = values.to_numpy()
    if len(yv) and np.ptp(yv) > 0 and varying:
        problem = {
            "num_vars": len(varying),
            # neutral names: SALib refuses names ending in _raw, _conf, ...
            "names": [f"x{i}" for i in varying],
            "bounds": [
                list(bounds.get(names[i], (x.iloc[:, i].min(), x.iloc[:, i].max())))
                for i in varying
            ],
        }
        sample = x.iloc[:, varying].to_numpy()
        # two calls, so that S1 stands where the delta estimator cannot bin too few worlds
        s1 = _salib_delta(problem, sample, yv, num_resamples, seed, "sobol")
        dl = _salib_delta(problem, sample, yv, num_resamples, seed, "delta")
        for k, i in enumerate(varying):
            out.loc[i, ["S1", "S1_conf", "delta", "delta_conf"]] = [
                float(s1["S1"][k]),
                float(s1["S1_conf"][k]),
                float(dl["delta_raw"][k]),
                float(dl["delta_raw_conf"][k]),
            ]
    return out.sort_values("S1", ascending=False, kind="stable", na_position="last").reset_index(
        drop=True
    )


# ---------------------------------------------------------------------------------------------
# scenario discovery


def _fmt(value: float) -> str:
    """A box limit for reading: two decimals, or three significant digits when very large or
    very small."""
    if value == 0 or 0.01 <= abs(value) < 100:
        return f"{value:.2f}"
    return f"{value:.3g}"


@dataclass(frozen=True)
class Box:
    """A box of parameter values (closed intervals on the restricted parameters only; the
    others range freely) and how well it holds the cases of interest."""

    limits: dict[str, tuple[float, float]]
    coverage: float
    density: float
    mass: float

    def describe(self) -> str:
        """One line, e.g. "crime.guardian_effect in [0.20, 0.41] (coverage 92%, density 95%)"."""
        where = (
            " and ".join(f"{k} in [{_fmt(lo)}, {_fmt(hi)}]" for k, (lo, hi) in self.limits.items())
            or "any world"
        )
        return f"{where} (coverage {self.coverage:.0%}, density {self.density:.0%})"


def _peels(
    x: np.ndarray, inside: np.ndarray, alpha: float
) -> list[tuple[int, str, float, np.ndarray]]:
    """Every candidate peel of the box: (parameter, 'low' or 'high', new limit, new inside)
    removing the alpha-quantile slice at one end of one parameter (at least one distinct
    value's worlds when the quantile removes none)."""
    out = []
    for j in range(x.shape[1]):
        v = x[inside, j]
        distinct = np.unique(v)
        if len(distinct) < 2:
            continue
        low = float(np.quantile(v, alpha))
        if not (v < low).any():
            low = float(distinct[1])
        out.append((j, "low", low, inside & (x[:, j] >= low)))
        high = float(np.quantile(v, 1 - alpha))
        if not (v > high).any():
            high = float(distinct[-2])
        out.append((j, "high", high, inside & (x[:, j] <= high)))
    return out


def prim_box(
    params: pd.DataFrame,
    cases: pd.Series | np.ndarray,
    bounds: dict[str, tuple[float, float]],
    alpha: float = 0.05,
    min_mass: float = 0.05,
) -> Box | None:
    """Scenario discovery by PRIM (Friedman & Fisher 1999; Bryant & Lempert 2010): from the box
    of all worlds, each step removes the alpha-quantile slice (low or high end of one
    parameter) whose removal leaves the highest density of cases, while the box keeps at
    least min_mass of the worlds; on that trajectory the box with the highest F-score
    2cd/(c+d) (coverage c, density d) is chosen. A parameter counts as restricted when a limit
    moved by more than 5% of its plausible range (`bounds`; the worlds' range where absent)
    from the range's end; an unrestricted side reports the range's end. Coverage, density and
    mass are those of the box as reported (restricted limits only). No pasting. None when
    there are no cases or every world is a case. `cases` is a Series indexed by world (as
    `flips` returns) or an array in the order of params' rows; NaN counts as no case."""
    if not (0 < alpha < 0.5 and 0 <= min_mass < 1):
        raise ValueError(f"need 0 < alpha < 0.5 and 0 <= min_mass < 1, got {alpha}, {min_mass}")
    if isinstance(cases, pd.Series):
        missing = params.index.difference(cases.index)
        if len(missing):
            raise ValueError(f"cases lacks world(s) {missing.tolist()[:5]}")
        values = cases.loc[params.index]
    else:
        if np.shape(cases) != (len(params),):
            raise ValueError(f"cases has shape {np.shape(cases)}, params has {len(params)} rows")
        values = pd.Series(cases)
    flags = (values.notna() & values.astype(bool)).to_numpy(dtype=bool)  # NaN: no case
    n, n_cases = len(flags), int(flags.sum())
    if n_cases == 0 or n_cases == n:
        return None
    names = [str(c) for c in params.columns]
    x = params.to_numpy(dtype=float)

    def stats(inside: np.ndarray) -> tuple[float, float, float]:
        k, hits = int(inside.sum()), int((inside & flags).sum())
        return hits / n_cases, (hits / k if k else 0.0), k / n

    def f_score(inside: np.ndarray) -> float:
        c, d, _ = stats(inside)
        return 2 * c * d / (c + d) if c + d > 0 else 0.0

    inside = np.ones(n, dtype=bool)
    limits = np.column_stack([np.full(x.shape[1], -np.inf), np.full(x.shape[1], np.inf)])
    best_score, best_limits = f_score(inside), limits.copy()
    while stats(inside)[1] < 1:
        candidates = [p for p in _peels(x, inside, alpha) if p[3].sum() >= min_mass * n]
        if not candidates:
            break
        # highest density; on a tie the peel that removes least
        j, side, limit, inside = max(candidates, key=lambda p: (stats(p[3])[1], int(p[3].sum())))
        limits[j, 0 if side == "low" else 1] = limit
        score = f_score(inside)
        if score > best_score:
            best_score, best_limits = score, limits.copy()

    reported: dict[str, tuple[float, float]] = {}
    box = np.ones(n, dtype=bool)
    for j, name in enumerate(names):
        lo, hi = bounds.get(name, (float(x[:, j].min()), float(x[:, j].max())))
        margin = RESTRICTED * (hi - lo)
        low_moved = best_limits[j, 0] > lo + margin
        high_moved = best_limits[j, 1] < hi - margin
        if low_moved or high_moved:
            span = (
                float(best_limits[j, 0]) if low_moved else float(lo),
                float(best_limits[j, 1]) if high_moved else float(hi),
            )
            reported[name] = span
            if low_moved:
                box &= x[:, j] >= span[0]
            if high_moved:
                box &= x[:, j] <= span[1]
    coverage, density, mass = stats(box)
    return Box(limits=reported, coverage=coverage, density=density, mass=mass)
