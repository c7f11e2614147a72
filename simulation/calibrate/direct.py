"""Direct estimates from a county's own 110 call log: what the log identifies without running
the model, each with its stated error.

- calls per village, shrunk by empirical Bayes (Poisson-gamma; Clayton & Kaldor 1987);
- the hour-of-day and hour-by-weekday profiles of calls, seasonality by month of year and the
  Spring Festival (春节) effect (exact Poisson intervals; Garwood 1936);
- the mix of call categories (Wilson 1927 intervals);
- how fast officers drive compared with the model's roads (Theil 1950 / Sen 1968 slope);
- a first, descriptive look at the effect of a change of policing model on monthly counts
  (two-way fixed effects with a township bootstrap; see Goodman-Bacon 2021 for its limits).

Every function takes the normalised call log (columns `row`, `call_id`, `received`,
`dispatched`, `arrived`, `closed`, `village`, `category`, `outcome`) and plain arrays for the
county, and counts only calls received in the records period [start, end); calls with no
`received` time cannot be placed in it and are left out. Intervals are 90%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from simulation.vocab import INCIDENT_TYPES

LEVEL = 0.90
"""Level of every interval in this module."""
_LO, _HI = (1 - LEVEL) / 2, (1 + LEVEL) / 2
DAYS_PER_YEAR = 365.25
SHAPE_CAP = 1e6
"""Largest gamma shape for the village prior (coefficient of variation 0.1%): with no
over-dispersion in the data the likelihood rises towards an infinite shape, and the fit stops
here, which shrinks every village (all but) fully to the county rate."""
LR_CRITICAL = float(stats.chi2.ppf(1 - 2 * 0.05, 1))
"""5% critical value of the likelihood-ratio test of Poisson (no over-dispersion) against the
Poisson-gamma: the null is on the boundary, so the statistic is a 50:50 mixture of chi2(0) and
chi2(1) (Self & Liang 1987) and the critical value is chi2(1)'s 90% quantile, 2.71."""
THEIL_SEN_MAX_CALLS = 3000
"""Theil-Sen looks at every pair of calls (memory grows with the square); above this many
usable calls a seeded random subsample is fitted."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

SPRING_FESTIVAL: dict[int, date] = {
    2015: date(2015, 2, 19),
    2016: date(2016, 2, 8),
    2017: date(2017, 1, 28),
    2018: date(2018, 2, 16),
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}
"""Spring Festival (春节, 正月初一) by Gregorian year."""

TimeLike = datetime | date | pd.Timestamp | str


# --- shared helpers ------------------------------------------------------------------------
def _period(start: TimeLike, end: TimeLike) -> tuple[pd.Timestamp, pd.Timestamp]:
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if not e > s:
        raise ValueError(f"the records period must end after it starts: {s} .. {e}")
    return s, e


def _days(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Calendar days of the period [start, end), days with no call included."""
    return pd.date_range(start.normalize(), end, freq="D", inclusive="left")


def _years(start: pd.Timestamp, end: pd.Timestamp) -> float:
    return (end - start) / pd.Timedelta(days=1) / DAYS_PER_YEAR


def _in_period(log: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Calls received in [start, end)."""
    received = pd.to_datetime(log["received"])
    return log.loc[(received >= start) & (received < end)]


def _poisson_interval(count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood 1936) 90% interval for a Poisson mean from an observed count."""
    c = np.asarray(count, dtype=float)
    low = np.where(c > 0, stats.gamma.ppf(_LO, np.maximum(c, 1e-300)), 0.0)
    high = stats.gamma.ppf(_HI, c + 1)
    return low, high


def _wilson(k: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) score interval for a binomial share k / n at 90%."""
    k = np.asarray(k, dtype=float)
    if n == 0:
        return np.full(k.shape, np.nan), np.full(k.shape, np.nan)
    z = float(stats.norm.ppf(_HI))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _village_counts(log: pd.DataFrame, n: int) -> np.ndarray:
    village = log["village"].to_numpy(dtype=np.int64)
    if village.size and (village.min() < 0 or village.max() >= n):
        raise ValueError(f"call log names villages outside 0..{n - 1}")
    return np.bincount(village, minlength=n)


# --- 1. calls per village: Poisson-gamma empirical Bayes ----------------------------------
def _nb_loglik(a: float, b: float, y: np.ndarray, e: np.ndarray) -> float:
    return float(
        np.sum(
            special.gammaln(a + y)
            - special.gammaln(a)
            - special.gammaln(y + 1)
            - a * np.log1p(e / b)
            + y * (np.log(e) - np.log(b + e))
        )
    )


def _fit_prior(y: np.ndarray, e: np.ndarray) -> dict[str, Any]:
    """Maximum marginal (negative binomial) likelihood fit of the gamma prior of village rates,
    over (log shape, log mean); log rate = log shape - log mean is the same fit, better
    conditioned. Starts from the method of moments (Marshall 1991)."""
    use = e > 0
    y, e = y[use].astype(float), e[use].astype(float)
    m0 = y.sum() / e.sum()
    s2 = float(np.sum(e * (y / e - m0) ** 2) / e.sum() - m0 / e.mean())
    a0 = float(np.clip(m0 * m0 / s2, 1e-2, 1e3)) if s2 > 0 else 1e3
    ll_poisson = float(np.sum(y * np.log(m0 * e) - m0 * e - special.gammaln(y + 1)))

    def negll(theta: np.ndarray) -> tuple[float, np.ndarray]:
        a = math.exp(theta[0])
        b = math.exp(theta[0] - theta[1])
        dl_da = np.sum(special.digamma(a + y) - special.digamma(a) - np.log1p(e / b))
        dl_db = np.sum(a / b - (a + y) / (b + e))
        grad = np.array([a * dl_da + b * dl_db, -b * dl_db])
        return -_nb_loglik(a, b, y, e), -grad

    res = optimize.minimize(
        negll,
        x0=np.array([math.log(a0), math.log(m0)]),
        jac=True,
        method="TNC",
        bounds=[(math.log(1e-3), math.log(SHAPE_CAP)), (None, None)],
    )
    a, m = math.exp(res.x[0]), math.exp(res.x[1])
    ll = -float(res.fun)
    lr = max(0.0, 2 * (ll - ll_poisson))
    capped = ll <= ll_poisson + 1e-9 or a >= 0.99 * SHAPE_CAP
    if capped:  # the likelihood rises all the way to a Poisson: no over-dispersion
        a, m = SHAPE_CAP, m0
    return {
        "shape": a,
        "rate": a / m,
        "lr_statistic": lr,
        "overdispersed": bool(lr > LR_CRITICAL),
        "shape_capped": bool(capped),
    }


def village_rates(
    log: pd.DataFrame,
    population: np.ndarray,
    start: TimeLike,
    end: TimeLike,
    category: str | None = None,
) -> pd.DataFrame:
    """Calls per 1,000 residents a year in each village, raw and shrunk by empirical Bayes.

    calls_i ~ Poisson(rate_i x person-years_i), rate_i ~ Gamma(shape a, rate b) (Clayton &
    Kaldor 1987, Biometrics 43:671-681): a, b maximise the negative-binomial marginal
    likelihood; each village's posterior is Gamma(a + calls, b + person-years), whose mean is
    `eb_per_1000` and whose 5% and 95% quantiles are `eb_low`, `eb_high`; `shrinkage` is the
    weight b / (b + person-years) on the county mean. The intervals treat the fitted prior as
    known. With no over-dispersion the shape is capped at SHAPE_CAP and every village shrinks
    (all but) fully to the county rate.

    One row per village (index 0..n-1, villages with no call included); `category` None counts
    every call, otherwise one category. `.attrs["prior"]` holds the fitted prior: `shape`,
    `rate` (per person-year), `county_per_1000` (its mean), `county_raw_per_1000`,
    `overdispersed` (likelihood-ratio test against Poisson at 5%), `shape_capped`,
    `lr_statistic` and a `note`.
    """
    s, e = _period(start, end)
    pop = np.asarray(population, dtype=float)
    if pop.ndim != 1 or np.any(pop < 0) or not np.all(np.isfinite(pop)):
        raise ValueError("population must be a 1-d array of non-negative numbers")
    calls_log = _in_period(log, s, e)
    if category is not None:
        if category not in INCIDENT_TYPES:
            raise ValueError(f"unknown category {category!r}; use {INCIDENT_TYPES}")
        calls_log = calls_log.loc[calls_log["category"] == category]
    n = pop.size
    y = _village_counts(calls_log, n)
    exposure = pop * _years(s, e)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(exposure > 0, y / exposure, np.nan)
    out = pd.DataFrame(
        {"calls": y, "person_years": exposure, "raw_per_1000": 1000 * raw},
        index=pd.RangeIndex(n, name="village"),
    )
    total_exposure = float(exposure.sum())
    county_raw = 1000 * y.sum() / total_exposure if total_exposure > 0 else math.nan
    if y[exposure > 0].sum() == 0 or np.count_nonzero(exposure > 0) < 2:
        for col in ("eb_per_1000", "eb_low", "eb_high", "shrinkage"):
            out[col] = np.nan
        out.attrs["prior"] = {
            "shape": math.nan,
            "rate": math.nan,
            "county_per_1000": math.nan,
            "county_raw_per_1000": float(county_raw),
            "overdispersed": False,
            "shape_capped": False,
            "lr_statistic": math.nan,
            "note": "not estimated: no calls, or fewer than two villages with residents",
        }
        return out
    prior = _fit_prior(y, exposure)
    a, b = prior["shape"], prior["rate"]
    post_shape, post_rate = a + y, b + exposure
    out["eb_per_1000"] = 1000 * post_shape / post_rate
    out["eb_low"] = 1000 * stats.gamma.ppf(_LO, post_shape) / post_rate
    out["eb_high"] = 1000 * stats.gamma.ppf(_HI, post_shape) / post_rate
    out["shrinkage"] = b / post_rate
    if prior["shape_capped"]:
        note = (
            "no over-dispersion: the prior's shape is capped, every village shrinks to the county"
        )
    elif not prior["overdispersed"]:
        note = "over-dispersion not significant at 5%: villages shrink strongly to the county"
    else:
        note = "villages differ by more than chance: shrinkage is partial"
    out.attrs["prior"] = {
        "shape": float(a),
        "rate": float(b),
        "county_per_1000": float(1000 * a / b),
        "county_raw_per_1000": float(county_raw),
        "overdispersed": prior["overdispersed"],
        "shape_capped": prior["shape_capped"],
        "lr_statistic": float(prior["lr_statistic"]),
        "note": note,
    }
    return out


# --- 2. time of day and day of week --------------------------------------------------------
def hour_weekday_profile(log: pd.DataFrame, start: TimeLike, end: TimeLike) -> pd.DataFrame:
    """Relative call rate by hour (rows 0-23) and weekday (columns Mon..Sun, weekday 0-6): calls
    in the cell per day of that weekday in the period (days with no call counted), scaled to
    mean 1 over the 168 cells; proportional to calls / expected under uniformity. A weekday the
    period does not contain is NaN."""
    s, e = _period(start, end)
    calls = _in_period(log, s, e)
    received = pd.to_datetime(calls["received"])
    counts = np.zeros((24, 7))
    np.add.at(counts, (received.dt.hour.to_numpy(), received.dt.day_of_week.to_numpy()), 1)
    n_days = np.bincount(_days(s, e).day_of_week, minlength=7).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n_days > 0, counts / n_days, np.nan)
        rel = rate / np.nanmean(rate) if np.nansum(rate) > 0 else np.full_like(rate, np.nan)
    return pd.DataFrame(rel, index=pd.RangeIndex(24, name="hour"), columns=list(WEEKDAYS))


def hour_profile(log: pd.DataFrame, start: TimeLike, end: TimeLike) -> pd.DataFrame:
    """Relative call rate by hour of day (mean 1 over the 24 hours): what `calls.hour_profile`
    takes. `low`, `high` are the exact Poisson 90% interval of the hour's count (Garwood 1936)
    scaled the same way, which holds the total fixed and so errs on the wide side."""
    s, e = _period(start, end)
    calls = _in_period(log, s, e)
    hours = pd.to_datetime(calls["received"]).dt.hour.to_numpy()
    counts = np.bincount(hours, minlength=24)
    total = counts.sum()
    scale = 24 / total if total > 0 else math.nan
    low, high = _poisson_interval(counts)
    return pd.DataFrame(
        {"relative": counts * scale, "low": low * scale, "high": high * scale, "calls": counts},
        index=pd.RangeIndex(24, name="hour"),
    )


# --- 3. seasonality and Spring Festival ---------------------------------------------------
def seasonality(log: pd.DataFrame, start: TimeLike, end: TimeLike) -> pd.DataFrame:
    """Calls per day by month of year (1-12, pooled over the period's years; only months the
    period covers): `days` covered, `calls`, `per_day`, `relative` to the period's mean calls a
    day, and its exact Poisson 90% interval (`low`, `high`; Garwood 1936) holding the period's
    mean fixed."""
    s, e = _period(start, end)
    calls = _in_period(log, s, e)
    days = _days(s, e)
    n_days = np.bincount(days.month, minlength=13)[1:]
    counts = np.bincount(pd.to_datetime(calls["received"]).dt.month, minlength=13)[1:]
    mean_per_day = counts.sum() / len(days)
    present = n_days > 0
    d, c = n_days[present].astype(float), counts[present]
    low, high = _poisson_interval(c)
    scale = 1 / (d * mean_per_day) if mean_per_day > 0 else np.full(d.shape, np.nan)
    return pd.DataFrame(
        {
            "days": n_days[present],
            "calls": c,
            "per_day": c / d,
            "relative": c * scale,
            "low": low * scale,
            "high": high * scale,
        },
        index=pd.Index(np.arange(1, 13)[present], name="month"),
    )


def spring_festival_effect(
    log: pd.DataFrame, start: TimeLike, end: TimeLike, window_days: int = 21
) -> dict[str, Any]:
    """Calls per day within window_days / 2 of each Spring Festival (春节) in the period over
    calls per day on the other days (the model's window: `window_days` = 21 is the festival day
    and 10 days either side).

    The 90% interval is exact conditional on the total (Clopper-Pearson on the binomial share of
    calls falling in the window, mapped to the ratio of two Poisson rates), so it assumes calls
    are Poisson with one rate inside and one outside; other seasonality or day-to-day
    over-dispersion makes it too narrow. `festival_day_of_year` is the day of year of the first
    festival in the period (of the start year's festival if none falls in it): the model's
    `season.spring_festival_day`.
    """
    s, e = _period(start, end)
    calls = _in_period(log, s, e)
    days = _days(s, e)
    half = window_days / 2
    festivals = [f for f in SPRING_FESTIVAL.values() if s.normalize() <= pd.Timestamp(f) < e]
    in_window = np.zeros(len(days), dtype=bool)
    for f in SPRING_FESTIVAL.values():
        in_window |= np.abs((days - pd.Timestamp(f)).days.to_numpy()) <= half
    received_day = pd.to_datetime(calls["received"]).dt.normalize()
    call_in = received_day.isin(days[in_window]).to_numpy()
    d1, d0 = int(in_window.sum()), int((~in_window).sum())
    x1, x0 = int(call_in.sum()), int((~call_in).sum())
    if festivals:
        festival_doy: int | None = festivals[0].timetuple().tm_yday
    elif s.year in SPRING_FESTIVAL:
        festival_doy = SPRING_FESTIVAL[s.year].timetuple().tm_yday
    else:
        festival_doy = None
    result: dict[str, Any] = {
        "ratio": math.nan,
        "low": math.nan,
        "high": math.nan,
        "interval": "exact conditional binomial (Clopper-Pearson)",
        "festival_day_of_year": festival_doy,
        "festivals": [f.isoformat() for f in festivals],
        "window_days": window_days,
        "days_in_window": d1,
        "calls_in_window": x1,
        "days_outside": d0,
        "calls_outside": x0,
        "note": "",
    }
    if d1 == 0:
        result["note"] = "no Spring Festival window falls in the period: effect not estimable"
        return result
    if d0 == 0:
        result["note"] = "every day of the period is in a festival window: nothing to compare"
        return result
    n = x1 + x0
    if n == 0:
        result["note"] = "no calls in the period"
        return result
    odds = d0 / d1  # ratio = p / (1 - p) * d0 / d1 for p the share of calls in the window
    p_low = float(stats.beta.ppf(_LO, x1, n - x1 + 1)) if x1 > 0 else 0.0
    p_high = float(stats.beta.ppf(_HI, x1 + 1, n - x1)) if x1 < n else 1.0
    result["ratio"] = (x1 / d1) / (x0 / d0) if x0 > 0 else math.inf
    result["low"] = p_low / (1 - p_low) * odds
    result["high"] = p_high / (1 - p_high) * odds if p_high < 1 else math.inf
    if len(festivals) == 0:
        result["note"] = (
            "only part of a festival window (the festival itself is outside) is in the period"
        )
    return result


# --- 5. category mix ------------------------------------------------------------------------
def category_mix(
    log: pd.DataFrame, population: np.ndarray, start: TimeLike, end: TimeLike
) -> pd.DataFrame:
    """Calls by category (all four, even absent): `calls`, `share` of the categorised calls with
    its Wilson (1927) 90% interval (`low`, `high`), and calls per 1,000 residents a year
    (`per_1000_year`). Calls of other categories are left out and counted in `.attrs["note"]`."""
    s, e = _period(start, end)
    calls = _in_period(log, s, e)
    counts = calls["category"].value_counts()
    k = np.array([int(counts.get(c, 0)) for c in INCIDENT_TYPES])
    n = int(k.sum())
    other = len(calls) - n
    low, high = _wilson(k, n)
    person_years = float(np.sum(population)) * _years(s, e)
    out = pd.DataFrame(
        {
            "calls": k,
            "share": k / n if n else np.full(k.shape, np.nan),
            "low": low,
            "high": high,
            "per_1000_year": 1000 * k / person_years if person_years > 0 else np.nan,
        },
        index=pd.Index(list(INCIDENT_TYPES), name="category"),
    )
    out.attrs["note"] = f"{other} calls of other categories left out" if other else ""
    return out


# --- 6. road speed --------------------------------------------------------------------------
@dataclass(frozen=True)
class RoadSpeed:
    """Observed travel minutes ~ intercept_min + factor x model minutes (Theil-Sen), with the
    90% interval of the factor (`low`, `high`); the intercept is the median of observed minus
    factor x model minutes."""

    factor: float
    low: float
    high: float
    intercept_min: float
    calls_used: int
    note: str = ""

    @property
    def speed_multiplier(self) -> float:
        """What to multiply the model's road speeds by: 1 / factor."""
        return 1 / self.factor if self.factor > 0 else math.nan


def road_speed(log: pd.DataFrame, station_minutes: np.ndarray, *, seed: int = 0) -> RoadSpeed:
    """How fast officers drive compared with the model's roads.

    Observed travel = arrived - dispatched (minutes; calls with both and travel > 0), or
    arrived - received if fewer than 10 such calls have a dispatch time (which then includes
    the wait in the queue, and the note says so). It is fitted on the model's minutes from the
    village's township station, station_minutes[village], over calls to villages more than a
    minute away, by Theil-Sen (Theil 1950; Sen 1968, JASA 63:1379-1389; 90% interval from
    Kendall's tau), which ignores up to ~29% wild values. Officers do not always start at the
    station, so this estimates the station-to-village relation, and the intercept absorbs
    turn-out time and the usual distance from wherever officers are (it is the median of
    observed minus factor x model minutes, Theil's "joint" intercept). Above
    THEIL_SEN_MAX_CALLS usable calls a random subsample (`seed`) is fitted. Fewer than 10
    usable calls give a NaN factor with a note.
    """
    minutes = np.asarray(station_minutes, dtype=float)
    notes: list[str] = []

    def usable(begin: str) -> tuple[np.ndarray, np.ndarray]:
        if begin not in log.columns:
            return np.empty(0), np.empty(0)
        travel = (
            (pd.to_datetime(log["arrived"]) - pd.to_datetime(log[begin])) / pd.Timedelta(minutes=1)
        ).to_numpy(dtype=float)
        village = log["village"].to_numpy(dtype=np.int64)
        if village.size and (village.min() < 0 or village.max() >= minutes.size):
            raise ValueError(f"call log names villages outside 0..{minutes.size - 1}")
        model = minutes[village]
        ok = np.isfinite(travel) & (travel > 0) & np.isfinite(model) & (model > 1)
        return travel[ok], model[ok]

    y, x = usable("dispatched")
    if y.size < 10:
        y, x = usable("received")
        notes.append("too few dispatch times: travel measured from the call (includes queueing)")
    if y.size < 10:
        notes.append(f"only {y.size} usable calls (need 10): road speed not estimated")
        return RoadSpeed(math.nan, math.nan, math.nan, math.nan, int(y.size), "; ".join(notes))
    if y.size > THEIL_SEN_MAX_CALLS:
        pick = np.random.default_rng(seed).choice(y.size, THEIL_SEN_MAX_CALLS, replace=False)
        notes.append(f"fitted on a random {THEIL_SEN_MAX_CALLS} of {y.size} usable calls")
        y, x = y[pick], x[pick]
    if np.unique(x).size < 2:
        notes.append("all usable calls go to villages the same distance away: slope not defined")
        return RoadSpeed(math.nan, math.nan, math.nan, math.nan, int(y.size), "; ".join(notes))
    fit = stats.theilslopes(y, x, alpha=LEVEL, method="joint")
    return RoadSpeed(
        factor=float(fit.slope),
        low=float(fit.low_slope),
        high=float(fit.high_slope),
        intercept_min=float(fit.intercept),
        calls_used=int(y.size),
        note="; ".join(notes),
    )


# --- 7. start of a policing model: difference in differences -------------------------------
def _township_blocks(
    y: np.ndarray, d: np.ndarray, month: np.ndarray, n_months: int
) -> tuple[np.ndarray, np.ndarray]:
    """One township's share of the normal equations of log counts on (treated, month dummies
    but the first), its own fixed effect absorbed by demeaning within it (Frisch-Waugh-Lovell).
    Summing the blocks of a set of townships (with repeats) gives that set's equations."""
    z = np.zeros((y.size, n_months))
    z[:, 0] = d
    later = month > 0
    z[np.flatnonzero(later), month[later]] = 1
    z -= z.mean(axis=0)
    return z.T @ z, z.T @ (y - y.mean())


def _twfe(a: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Coefficients of the treated indicator from stacked normal equations (draws x k x k and
    draws x k). Months absent from a draw get a unit diagonal (their coefficient is then 0); if
    a draw's equations are still singular, least squares takes the minimum-norm solution."""
    a = a.copy()
    k = np.arange(a.shape[-1])
    diag = a[:, k, k]
    a[:, k, k] = np.where(diag > 1e-12, diag, 1.0)
    try:
        return np.linalg.solve(a, c[..., None])[:, 0, 0]
    except np.linalg.LinAlgError:
        return np.array(
            [np.linalg.lstsq(ai, ci, rcond=None)[0][0] for ai, ci in zip(a, c, strict=True)]
        )


def policing_start_effect(
    panel: pd.DataFrame,
    outcome: str = "property_cases",
    *,
    draws: int = 999,
    seed: int = 0,
) -> dict[str, Any]:
    """Difference in differences of log(count + 0.5) when a township changes policing model.

    `panel` is township x month (`month`, `township`, `model`: the policing model in force, ""
    unknown, and count columns such as `outcome`). A township whose known model changes is
    treated from the first month of its new model on (and stays treated); townships whose known
    model never changes are controls; townships with no known model are left out. The effect is
    the coefficient of the treated indicator in a two-way fixed-effects (township and month)
    least-squares regression; `ratio` = exp(effect). The 90% interval (`low`, `high`, on the
    ratio scale; `low_log`, `high_log`) is a percentile cluster bootstrap over townships,
    resampled within treated and within controls with Rao & Wu's (1988, JASA 83:231-241)
    rescaling (n - 1 draws weighted n / (n - 1), so that the bootstrap variance is not
    (n - 1) / n of the truth, which matters with 2-5 treated townships); `draws` resamples
    seeded by `seed`. With few townships the interval is still rough (a variance from 3
    townships has 2 degrees of freedom).

    This is a descriptive first look: with staggered adoption, two-way fixed effects weigh
    early-adopters as controls for later ones and are biased when effects change over time
    (Goodman-Bacon 2021, J. Econometrics 225:254-277). Not identified (NaNs and a note) with no
    change of model or no control township.
    """
    missing = {"month", "township", "model", outcome} - set(panel.columns)
    if missing:
        raise ValueError(f"panel lacks column(s) {sorted(missing)}")
    data = panel.loc[np.isfinite(pd.to_numeric(panel[outcome], errors="coerce"))].copy()
    data["month"] = pd.to_datetime(data["month"])
    data["model"] = data["model"].fillna("").astype(str)
    result: dict[str, Any] = {
        "outcome": outcome,
        "effect_log": math.nan,
        "ratio": math.nan,
        "low": math.nan,
        "high": math.nan,
        "low_log": math.nan,
        "high_log": math.nan,
        "treated_townships": 0,
        "control_townships": 0,
        "months": int(data["month"].nunique()),
        "interval": f"township cluster bootstrap (stratified, Rao-Wu rescaled), {draws} draws",
        "note": "",
    }
    known = data.loc[data["model"] != ""].sort_values("month")
    first_new: dict[int, pd.Timestamp | None] = {}
    for township, g in known.groupby("township"):
        changed = g.loc[g["model"] != g["model"].iloc[0], "month"]
        first_new[int(township)] = changed.min() if len(changed) else None
    unknown = sorted(set(data["township"].astype(int)) - set(first_new))
    data = data.loc[data["township"].isin(list(first_new))]
    treated = sorted(t for t, m in first_new.items() if m is not None)
    controls = sorted(t for t, m in first_new.items() if m is None)
    result["treated_townships"], result["control_townships"] = len(treated), len(controls)
    notes = [f"{len(unknown)} township(s) with no known model left out"] if unknown else []
    if not treated or not controls:
        why = "no township changes model" if not treated else "no control township"
        result["note"] = "; ".join([*notes, f"not identified: {why}"])
        return result
    month_index = {m: i for i, m in enumerate(sorted(data["month"].unique()))}
    units = treated + controls
    blocks = []
    for t in units:
        g = data.loc[data["township"] == t]
        start_new = first_new[t]
        on = g["month"] >= start_new if start_new is not None else np.zeros(len(g), bool)
        blocks.append(
            _township_blocks(
                np.log(g[outcome].to_numpy(float) + 0.5),
                np.asarray(on, dtype=float),
                g["month"].map(month_index).to_numpy(np.int64),
                len(month_index),
            )
        )
    a_blocks = np.stack([b[0] for b in blocks])
    c_blocks = np.stack([b[1] for b in blocks])
    # every township once, then `draws` rescaled resamples within treated and within controls
    rng = np.random.default_rng(seed)
    k, m = len(treated), len(controls)
    weights = np.ones((draws + 1, k + m))
    for cols, size in ((slice(0, k), k), (slice(k, k + m), m)):
        if size > 1:  # Rao & Wu (1988): n - 1 draws, weighted n / (n - 1)
            picks = rng.multinomial(size - 1, np.full(size, 1 / size), size=draws)
            weights[1:, cols] = picks * size / (size - 1)
    if min(k, m) == 1:
        notes.append("one township on one side: the interval leaves out its own variability")
    estimates = _twfe(
        np.einsum("bi,ijk->bjk", weights, a_blocks), np.einsum("bi,ij->bj", weights, c_blocks)
    )
    effect, boot = float(estimates[0]), estimates[1:]
    low_log, high_log = np.quantile(boot, [_LO, _HI])
    result.update(
        effect_log=effect,
        ratio=math.exp(effect),
        low=math.exp(low_log),
        high=math.exp(high_log),
        low_log=float(low_log),
        high_log=float(high_log),
    )
    notes.append(
        "a descriptive first look: two-way fixed effects are biased under staggered adoption "
        "when effects change over time (Goodman-Bacon 2021)"
    )
    result["note"] = "; ".join(notes)
    return result


# --- 8. all of them -------------------------------------------------------------------------
def _fmt(v: Any, digits: int = 2) -> str:
    if isinstance(v, bool | np.bool_):
        return str(v)
    if isinstance(v, int | np.integer):
        return f"{v:,}"
    if isinstance(v, float | np.floating):
        return "n/a" if math.isnan(v) else f"{v:,.{digits}f}"
    return str(v)


def _md_table(df: pd.DataFrame, digits: int = 2) -> str:
    """A pipe table (index first) without the optional `tabulate`."""
    head = [str(df.index.name or ""), *map(str, df.columns)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for idx, *values in df.itertuples(name=None):
        lines.append("| " + " | ".join([str(idx), *(_fmt(v, digits) for v in values)]) + " |")
    return "\n".join(lines)


@dataclass
class DirectEstimates:
    """Everything the call log identifies directly (see the module's docstring)."""

    village_rates: pd.DataFrame
    hour_profile: pd.DataFrame
    hour_weekday: pd.DataFrame
    seasonality: pd.DataFrame
    spring_festival: dict[str, Any]
    category_mix: pd.DataFrame
    road_speed: RoadSpeed
    policing_start: dict[str, Any] | None = None

    def markdown(self) -> str:
        """A readable section per estimate, with small tables."""
        out = ["## Direct estimates from the call log", ""]
        prior = self.village_rates.attrs.get("prior", {})
        out += [
            "### Calls per village (empirical Bayes, Clayton & Kaldor 1987)",
            "",
            f"County mean {_fmt(prior.get('county_per_1000', math.nan))} calls per 1,000 "
            f"residents a year (raw {_fmt(prior.get('county_raw_per_1000', math.nan))}); gamma "
            f"prior shape {_fmt(prior.get('shape', math.nan), 3)}; {prior.get('note', '')}. "
            "The 10 villages shrunk most (90% intervals):",
            "",
            _md_table(
                self.village_rates.sort_values("shrinkage", ascending=False).head(10)[
                    ["calls", "raw_per_1000", "eb_per_1000", "eb_low", "eb_high", "shrinkage"]
                ]
            ),
            "",
            "### Calls by hour of day (relative, mean 1; 90% intervals)",
            "",
            _md_table(self.hour_profile),
            "",
            "Relative rate by weekday (mean over hours): "
            + ", ".join(f"{d} {_fmt(float(v))}" for d, v in self.hour_weekday.mean(axis=0).items()),
            "",
            "### Seasonality by month (relative to the period's mean a day; 90% intervals)",
            "",
            _md_table(self.seasonality),
            "",
        ]
        sf = self.spring_festival
        out += [
            "### Spring Festival",
            "",
            f"Calls a day within the {sf['window_days']}-day window over other days: "
            f"{_fmt(sf['ratio'])} (90% {_fmt(sf['low'])}-{_fmt(sf['high'])}, {sf['interval']}); "
            f"{sf['calls_in_window']} calls in {sf['days_in_window']} window days; festival day "
            f"of year {sf['festival_day_of_year']}. {sf['note']}".rstrip(),
            "",
            "### Call categories (Wilson 90% intervals)",
            "",
            _md_table(self.category_mix, 3),
            "",
        ]
        rs = self.road_speed
        lo_m = 1 / rs.high if rs.high > 0 else math.nan
        hi_m = 1 / rs.low if rs.low > 0 else math.inf
        out += [
            "### Road speed (Theil-Sen)",
            "",
            f"Observed travel = {_fmt(rs.intercept_min, 1)} min + {_fmt(rs.factor)} x model "
            f"minutes (90% {_fmt(rs.low)}-{_fmt(rs.high)}; {rs.calls_used} calls): multiply the "
            f"model's road speeds by {_fmt(rs.speed_multiplier)} (90% {_fmt(lo_m)}-"
            f"{_fmt(hi_m)}). The intercept absorbs turn-out time. {rs.note}".rstrip(),
            "",
        ]
        if self.policing_start is not None:
            ps = self.policing_start
            out += [
                "### Start of a policing model (difference in differences)",
                "",
                f"Ratio of {ps['outcome']} after the change: {_fmt(ps['ratio'])} (90% "
                f"{_fmt(ps['low'])}-{_fmt(ps['high'])}); {ps['treated_townships']} treated and "
                f"{ps['control_townships']} control townships over {ps['months']} months. "
                f"{ps['note'][:1].upper()}{ps['note'][1:]}.",
                "",
            ]
        return "\n".join(out).rstrip() + "\n"

    def tables(self) -> dict[str, pd.DataFrame]:
        """The estimates as flat tables (string column names, index as a column) for parquet."""
        tabs = {
            "village_rates": self.village_rates.reset_index(),
            "hour_profile": self.hour_profile.reset_index(),
            "hour_weekday": self.hour_weekday.reset_index(),
            "seasonality": self.seasonality.reset_index(),
            "category_mix": self.category_mix.reset_index(),
            "spring_festival": pd.DataFrame(
                [{**self.spring_festival, "festivals": ",".join(self.spring_festival["festivals"])}]
            ),
            "road_speed": pd.DataFrame(
                [
                    {
                        "factor": self.road_speed.factor,
                        "low": self.road_speed.low,
                        "high": self.road_speed.high,
                        "intercept_min": self.road_speed.intercept_min,
                        "speed_multiplier": self.road_speed.speed_multiplier,
                        "calls_used": self.road_speed.calls_used,
                        "note": self.road_speed.note,
                    }
                ]
            ),
        }
        if self.policing_start is not None:
            tabs["policing_start"] = pd.DataFrame([self.policing_start])
        for t in tabs.values():
            t.attrs = {}
        return tabs


def direct_estimates(
    log: pd.DataFrame,
    *,
    population: np.ndarray,
    township: np.ndarray,
    station_minutes: np.ndarray,
    start: TimeLike,
    end: TimeLike,
    panel: pd.DataFrame | None = None,
) -> DirectEstimates:
    """All the direct estimates for one county. `population`, `township` and
    `station_minutes` are per village (the model's minutes from the village's own township
    station); `panel` (township x month, see policing_start_effect) is optional."""
    pop = np.asarray(population, dtype=float)
    town = np.asarray(township)
    if not pop.shape == town.shape == np.shape(station_minutes):
        raise ValueError("population, township and station_minutes must be one value a village")
    rates = village_rates(log, pop, start, end)
    rates.insert(0, "township", town.astype(np.int64))
    return DirectEstimates(
        village_rates=rates,
        hour_profile=hour_profile(log, start, end),
        hour_weekday=hour_weekday_profile(log, start, end),
        seasonality=seasonality(log, start, end),
        spring_festival=spring_festival_effect(log, start, end),
        category_mix=category_mix(log, pop, start, end),
        road_speed=road_speed(_in_period(log, *_period(start, end)), station_minutes),
        policing_start=None if panel is None else policing_start_effect(panel),
    )
