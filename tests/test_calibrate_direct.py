"""Direct estimates from a call log (simulation.calibrate.direct) recover known rates and
profiles from synthetic, seeded call logs within their stated (90%) error."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from simulation.calibrate import direct
from simulation.calibrate.direct import (
    SPRING_FESTIVAL,
    DirectEstimates,
    RoadSpeed,
    category_mix,
    direct_estimates,
    hour_profile,
    hour_weekday_profile,
    policing_start_effect,
    road_speed,
    seasonality,
    spring_festival_effect,
    village_rates,
)
from simulation.vocab import INCIDENT_TYPES

START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-01-01")  # 366 days (leap year)
YEARS = 366 / 365.25


def call_times(
    rng: np.random.Generator,
    per_day: np.ndarray,
    start: pd.Timestamp,
    hour_weights: np.ndarray | None = None,
) -> pd.DatetimeIndex:
    """Poisson(per_day[d]) calls on each day d from `start`, at hours drawn from hour_weights
    (uniform if None) and a uniform minute within the hour."""
    counts = rng.poisson(per_day)
    day = np.repeat(np.arange(per_day.size), counts)
    p = np.full(24, 1 / 24) if hour_weights is None else hour_weights / hour_weights.sum()
    hour = rng.choice(24, size=day.size, p=p)
    minute = rng.uniform(0, 60, size=day.size)
    offset = day * 1440.0 + hour * 60.0 + minute
    return pd.DatetimeIndex(start + pd.to_timedelta(np.sort(offset), unit="min"))


def log_of(received: pd.DatetimeIndex, village: np.ndarray, category: np.ndarray) -> pd.DataFrame:
    """A normalised call log around given times: dispatched 2 min after the call, arrived 20 min
    after dispatch, closed an hour later."""
    n = len(received)
    return pd.DataFrame(
        {
            "row": np.arange(n),
            "call_id": [f"C{i:06d}" for i in range(n)],
            "received": received,
            "dispatched": received + pd.Timedelta(minutes=2),
            "arrived": received + pd.Timedelta(minutes=22),
            "closed": received + pd.Timedelta(minutes=82),
            "village": village.astype(np.int64),
            "category": category,
            "outcome": "closed",
        }
    )


def village_only_log(counts: np.ndarray) -> pd.DataFrame:
    """The least a village count needs: a village and a receipt time in the period."""
    return pd.DataFrame({"village": np.repeat(np.arange(counts.size), counts), "received": START})


# --- 1. village rates: Poisson-gamma empirical Bayes ---------------------------------------
def test_eb_intervals_cover_true_village_rates_and_beat_raw_rates():
    shape, mean = 4.0, 0.05  # true prior: 50 calls per 1,000 a year, CV 0.5
    covered, mse_eb, mse_raw = [], [], []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        pop = rng.uniform(200, 3000, 60)
        rate = rng.gamma(shape, mean / shape, 60)
        table = village_rates(village_only_log(rng.poisson(rate * pop * YEARS)), pop, START, END)
        truth = 1000 * rate
        covered.append(((table.eb_low <= truth) & (truth <= table.eb_high)).to_numpy())
        mse_eb.append(np.mean((table.eb_per_1000 - truth) ** 2))
        mse_raw.append(np.mean((table.raw_per_1000 - truth) ** 2))
    coverage = np.mean(covered)
    # 12,000 intervals; the plug-in prior ignores its own estimation error (slightly under 0.90)
    # and intervals share a prior within a county, so allow +-0.05 (~5 Monte Carlo s.e.).
    assert 0.85 <= coverage <= 0.95, coverage
    # shrinkage towards the mean must pay off on average over 200 counties (it does by ~10%)
    assert np.mean(mse_eb) < np.mean(mse_raw)


def test_village_table_has_every_village_and_the_prior():
    rng = np.random.default_rng(3)
    pop = rng.uniform(200, 3000, 30)
    pop[4] = 0  # nobody lives there
    counts = rng.poisson(rng.gamma(2.0, 0.05 / 2.0, 30) * pop * YEARS)
    counts[7] = 0  # a village with no call
    table = village_rates(village_only_log(counts), pop, START, END)
    assert list(table.index) == list(range(30))
    assert table.loc[7, "calls"] == 0 and table.loc[7, "eb_per_1000"] > 0
    assert math.isnan(table.loc[4, "raw_per_1000"]) and table.loc[4, "shrinkage"] == 1
    assert ((table.eb_low <= table.eb_per_1000) & (table.eb_per_1000 <= table.eb_high)).all()
    assert table.shrinkage.between(0, 1).all()
    assert table.person_years.iloc[0] == pytest.approx(pop[0] * YEARS)
    prior = table.attrs["prior"]
    assert {"shape", "rate", "county_per_1000", "overdispersed"} <= set(prior)
    assert prior["overdispersed"]  # gamma shape 2: villages differ far more than chance
    # the prior mean is close to the pooled rate (the NB fit weighs villages differently)
    assert prior["county_per_1000"] == pytest.approx(prior["county_raw_per_1000"], rel=0.15)


def test_village_rates_of_one_category():
    log = village_only_log(np.array([5, 0, 3]))
    log["category"] = ["property"] * 2 + ["dispute"] * 3 + ["property"] * 3
    pop = np.array([1000.0, 1000.0, 1000.0])
    table = village_rates(log, pop, START, END, category="property")
    assert table.calls.tolist() == [2, 0, 3]
    with pytest.raises(ValueError, match="unknown category"):
        village_rates(log, pop, START, END, category="theft")


def test_no_overdispersion_shrinks_every_village_to_the_county():
    # Calls exactly proportional to population: less spread than Poisson, so the likelihood
    # rises all the way to the Poisson and the prior's shape is capped.
    pop = np.linspace(200, 3000, 60)
    exact = village_rates(
        village_only_log(np.round(0.05 * pop * YEARS).astype(int)), pop, START, END
    )
    assert exact.attrs["prior"]["shape_capped"] and not exact.attrs["prior"]["overdispersed"]
    assert (exact.shrinkage > 0.99).all()  # shape 1e6 against at most ~150 calls
    # Poisson counts from one common rate: not flagged over-dispersed, and the shrunk estimates
    # spread far less than the raw ones (which carry all the Poisson noise).
    rng = np.random.default_rng(0)
    table = village_rates(village_only_log(rng.poisson(0.05 * pop * YEARS)), pop, START, END)
    assert not table.attrs["prior"]["overdispersed"]
    assert table.shrinkage.median() > 0.9
    assert table.eb_per_1000.std() < 0.25 * table.raw_per_1000.std()


def test_village_rates_with_no_calls_and_bad_villages():
    pop = np.array([100.0, 200.0])
    table = village_rates(village_only_log(np.array([0, 0])), pop, START, END)
    assert table.eb_per_1000.isna().all() and "not estimated" in table.attrs["prior"]["note"]
    with pytest.raises(ValueError, match="outside"):
        village_rates(village_only_log(np.array([1, 1, 1])), pop, START, END)
    with pytest.raises(ValueError, match="end after"):
        village_rates(village_only_log(np.array([1, 1])), pop, END, START)


# --- 2. hour of day and weekday ------------------------------------------------------------
HOURS = np.arange(24)
TRUE_HOURS = 1 + 0.6 * np.sin(2 * np.pi * (HOURS - 9) / 24)  # mean 1: peak at 15 h, low at 3 h


def test_hour_profile_within_its_intervals():
    rng = np.random.default_rng(11)
    received = call_times(rng, np.full(366, 60.0), START, TRUE_HOURS)  # ~22,000 calls
    prof = hour_profile(log_of(received, np.zeros(len(received)), "service"), START, END)
    assert prof.relative.mean() == pytest.approx(1.0)
    assert prof.calls.sum() == len(received)
    inside = (prof.low <= TRUE_HOURS) & (prof.high >= TRUE_HOURS)
    # 90% intervals (conservative: the total is held fixed) cover ~22 of 24 hours on average;
    # 20 allows for the binomial spread of 24 hours (P(fewer) < 5% at 92% coverage).
    assert inside.sum() >= 20, prof


def test_hour_profile_converges_on_a_very_large_sample():
    rng = np.random.default_rng(12)
    received = call_times(rng, np.full(366, 2800.0), START, TRUE_HOURS)  # ~1 million calls
    prof = hour_profile(log_of(received[:0], np.zeros(0), "service"), START, END)
    assert prof.relative.isna().all()  # no calls: nothing to say
    hours = pd.DataFrame({"received": received, "village": 0})
    prof = hour_profile(hours, START, END)
    # s.e. of a relative rate r is sqrt(24 r / N) <= sqrt(24 * 1.6 / 1e6) ~ 0.0062; the max
    # over 24 hours stays within ~3.5 s.e., so 0.025 (4 s.e.) is tight but safe.
    assert np.max(np.abs(prof.relative - TRUE_HOURS)) < 0.025


def test_weekday_effect_recovered():
    rng = np.random.default_rng(13)
    weekday_truth = np.array([1.0, 0.9, 0.9, 0.9, 1.0, 1.4, 1.3])  # busy weekends
    end = pd.Timestamp("2024-12-31")  # 365 days: Mondays appear 53 times, the rest 52
    days = pd.date_range(START, end, inclusive="left")
    per_day = 100.0 * weekday_truth[days.day_of_week]
    received = call_times(rng, per_day, START, TRUE_HOURS)
    table = hour_weekday_profile(pd.DataFrame({"received": received, "village": 0}), START, end)
    assert table.shape == (24, 7) and list(table.columns[[0, 6]]) == ["Mon", "Sun"]
    assert table.to_numpy().mean() == pytest.approx(1.0)
    by_weekday = table.mean(axis=0).to_numpy()
    expected = weekday_truth / weekday_truth.mean()
    # ~5,200 calls a weekday: s.e. of a weekday's relative rate ~ 1/sqrt(5200) ~ 0.014;
    # 0.06 is over 4 s.e. (and would fail if the extra Monday were not counted: +2%).
    assert np.max(np.abs(by_weekday - expected)) < 0.06
    by_hour = table.mean(axis=1).to_numpy()
    # each hour pools ~1,500 calls: s.e. ~0.026 at the peak; 0.12 is over 4 s.e.
    assert np.max(np.abs(by_hour - TRUE_HOURS)) < 0.12


# --- 3-4. seasonality and Spring Festival --------------------------------------------------
SF_START, SF_END = pd.Timestamp("2024-07-01"), pd.Timestamp("2025-07-01")


def festival_log(seed: int, ratio: float = 1.5) -> pd.DataFrame:
    days = pd.date_range(SF_START, SF_END, inclusive="left")
    in_window = np.abs((days - pd.Timestamp("2025-01-29")).days) <= 10  # 21 days
    rng = np.random.default_rng(seed)
    received = call_times(rng, np.where(in_window, 20.0 * ratio, 20.0), SF_START)
    return pd.DataFrame({"received": received, "village": 0})


def test_spring_festival_effect_recovered():
    effect = spring_festival_effect(festival_log(21), SF_START, SF_END)
    assert effect["festival_day_of_year"] == 29
    assert effect["days_in_window"] == 21 and effect["days_outside"] == 365 - 21
    assert effect["festivals"] == ["2025-01-29"]
    # ~630 calls in the window: the 90% interval is about +-7%, so 1 is far outside it
    assert effect["low"] <= 1.5 <= effect["high"] and effect["low"] > 1
    assert effect["ratio"] == pytest.approx(1.5, rel=0.12)  # 3 s.e. of a log ratio (~0.04)
    assert "Clopper-Pearson" in effect["interval"]


def test_spring_festival_interval_coverage():
    inside = []
    for seed in range(100):
        e = spring_festival_effect(festival_log(seed), SF_START, SF_END)
        inside.append(e["low"] <= 1.5 <= e["high"])
    # exact intervals are conservative: coverage >= 0.90 in expectation; 100 seeds have a
    # Monte Carlo s.e. of 0.03, so >= 0.84 is 2 s.e. below nominal.
    assert np.mean(inside) >= 0.84


def test_no_spring_festival_in_the_period():
    start, end = pd.Timestamp("2024-03-01"), pd.Timestamp("2024-12-01")
    log = pd.DataFrame({"received": pd.date_range(start, end, periods=500), "village": 0})
    effect = spring_festival_effect(log, start, end)
    assert math.isnan(effect["ratio"]) and "no Spring Festival" in effect["note"]
    assert effect["festival_day_of_year"] == SPRING_FESTIVAL[2024].timetuple().tm_yday


def test_spring_festival_dates():
    assert (
        len(SPRING_FESTIVAL) == 21 and min(SPRING_FESTIVAL) == 2015 and max(SPRING_FESTIVAL) == 2035
    )
    assert SPRING_FESTIVAL[2025] == date(2025, 1, 29) and SPRING_FESTIVAL[2034] == date(2034, 2, 19)
    for year, day in SPRING_FESTIVAL.items():  # 正月初一 falls between 21 Jan and 20 Feb
        assert day.year == year and date(year, 1, 21) <= day <= date(year, 2, 20)


def test_seasonality_recovered():
    month_truth = 1 + 0.3 * np.cos(2 * np.pi * (np.arange(1, 13) - 7) / 12)  # July peak
    days = pd.date_range(SF_START, SF_END, inclusive="left")
    rng = np.random.default_rng(31)
    received = call_times(rng, 40.0 * month_truth[days.month - 1], SF_START)
    table = seasonality(pd.DataFrame({"received": received, "village": 0}), SF_START, SF_END)
    assert table.index.tolist() == list(range(1, 13)) and table.days.sum() == 365
    assert table.calls.sum() == len(received)
    expected_per_day = 40.0 * month_truth
    truth = expected_per_day / (np.sum(expected_per_day * table.days) / 365)
    inside = (table.low <= truth) & (truth <= table.high)
    # 90% intervals: ~10.8 of 12 months on average; 9 allows for the spread (P(<9) ~ 3%)
    assert inside.sum() >= 9, table
    # ~1,200 calls a month: s.e. of a relative rate ~0.03; 0.12 is 4 s.e.
    assert np.max(np.abs(table.relative - truth)) < 0.12


def test_seasonality_only_months_in_the_period():
    start, end = pd.Timestamp("2024-03-15"), pd.Timestamp("2024-05-10")
    log = pd.DataFrame({"received": pd.date_range(start, end, periods=100), "village": 0})
    table = seasonality(log, start, end)
    assert table.index.tolist() == [3, 4, 5] and table.days.tolist() == [17, 30, 9]


# --- 5. category mix -----------------------------------------------------------------------
def test_category_shares_within_wilson_intervals():
    truth = np.array([0.3, 0.1, 0.35, 0.25])
    pop = np.full(10, 1000.0)
    inside = []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        n = 800
        cats = rng.choice(np.array(INCIDENT_TYPES), size=n, p=truth)
        log = pd.DataFrame({"received": START, "village": 0, "category": cats})
        mix = category_mix(log, pop, START, END)
        inside.append(((mix.low <= truth) & (truth <= mix.high)).to_numpy())
    # 800 90% intervals pooled: Monte Carlo s.e. ~0.011 (less with the within-log correlation
    # of shares), so [0.86, 0.94] is ~3.5 s.e. either side.
    assert 0.86 <= np.mean(inside) <= 0.94
    assert mix.index.tolist() == list(INCIDENT_TYPES)
    assert mix.share.sum() == pytest.approx(1.0)
    assert mix.per_1000_year.sum() == pytest.approx(1000 * n / (10_000 * YEARS))


def test_category_mix_lists_absent_categories_and_notes_others():
    log = pd.DataFrame(
        {"received": START, "village": 0, "category": ["property"] * 6 + ["dispute"] * 3 + ["x"]}
    )
    mix = category_mix(log, np.array([500.0]), START, END)
    assert mix.loc["violent", "calls"] == 0 and mix.loc["violent", "low"] == 0
    assert mix.loc["violent", "high"] > 0  # Wilson's interval is not degenerate at 0
    assert mix.loc["property", "share"] == pytest.approx(6 / 9)
    assert "1 calls of other categories" in mix.attrs["note"]


# --- 6. road speed -------------------------------------------------------------------------
def travel_log(rng: np.random.Generator, n: int, minutes: np.ndarray) -> pd.DataFrame:
    village = rng.integers(0, minutes.size, n)
    travel = 4 + 1.25 * minutes[village] + rng.normal(0, 3, n)
    wild = rng.random(n) < 0.1  # 10% wild values: a late arrival time, a forgotten button
    travel[wild] += rng.uniform(30, 300, wild.sum())
    received = START + pd.to_timedelta(rng.uniform(0, 365 * 1440, n), unit="min")
    log = log_of(pd.DatetimeIndex(received), village, "service")
    log["arrived"] = log["dispatched"] + pd.to_timedelta(travel, unit="min")
    return log


def test_road_speed_recovered():
    rng = np.random.default_rng(41)
    minutes = rng.uniform(0, 60, 40)
    minutes[:3] = 0.5  # the station's own village and its neighbours: not used
    speed = road_speed(travel_log(rng, 600, minutes), minutes)
    assert isinstance(speed, RoadSpeed) and speed.note == ""
    assert speed.low <= 1.25 <= speed.high
    # a 90% interval of ~+-0.02 here; 0.04 on the multiplier (~0.8 x 0.05) is ample
    assert speed.speed_multiplier == pytest.approx(0.8, abs=0.04)
    # the intercept is the median residual: s.e. ~0.2 min with sd-3 noise, pulled up ~0.4 min
    # by the one-sided 10% of wild values; 1.5 min is ample
    assert speed.intercept_min == pytest.approx(4, abs=1.5)
    assert speed.calls_used < 600


def test_road_speed_subsamples_a_large_log(monkeypatch):
    monkeypatch.setattr(direct, "THEIL_SEN_MAX_CALLS", 200)  # every pair of 600 calls is slow
    rng = np.random.default_rng(43)
    minutes = rng.uniform(2, 60, 40)
    speed = road_speed(travel_log(rng, 600, minutes), minutes)
    assert speed.calls_used == 200 and "random 200 of" in speed.note
    assert speed.low <= 1.25 <= speed.high


def test_road_speed_without_dispatch_times_and_with_too_few_calls():
    rng = np.random.default_rng(42)
    minutes = rng.uniform(2, 60, 40)
    log = travel_log(rng, 300, minutes)
    log["dispatched"] = pd.NaT
    speed = road_speed(log, minutes)
    assert "from the call" in speed.note
    assert speed.low <= 1.25 <= speed.high  # the 2-minute queue goes into the intercept
    few = road_speed(travel_log(rng, 9, minutes), minutes)
    assert math.isnan(few.factor) and math.isnan(few.speed_multiplier)
    assert few.calls_used == 9 and "need 10" in few.note


# --- 7. start of a policing model ----------------------------------------------------------
def township_panel(seed: int, ratio: float = 0.8, level: float = 30.0, noise: bool = True):
    """8 townships x 36 months; townships 0-2 switch to village officers in month 18, which
    multiplies their property cases by `ratio`; Poisson counts (or, without `noise`, their
    means) around township x season."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2021-01-01", periods=36, freq="MS")
    base = level * rng.uniform(0.7, 1.3, 8)
    season = 1 + 0.2 * np.sin(2 * np.pi * np.arange(36) / 12)
    town, month = np.meshgrid(np.arange(8), np.arange(36), indexing="ij")
    treated = (town < 3) & (month >= 18)
    mean = base[town] * season[month] * np.where(treated, ratio, 1.0)
    return pd.DataFrame(
        {
            "month": months[month.ravel()],
            "township": town.ravel(),
            "property_cases": (rng.poisson(mean) if noise else mean).ravel(),
            "violent_cases": rng.poisson(2.0, mean.size),
            "model": np.where(treated, "village_officer", "patrol").ravel(),
        }
    )


def test_policing_start_effect_recovered():
    effect = policing_start_effect(township_panel(0))
    assert effect["treated_townships"] == 3 and effect["control_townships"] == 5
    assert effect["months"] == 36
    assert effect["low"] <= 0.8 <= effect["high"] and effect["high"] < 1
    assert effect["ratio"] == pytest.approx(math.exp(effect["effect_log"]))


def test_policing_start_interval_coverage():
    inside = [
        (e := policing_start_effect(township_panel(seed), draws=299))["low"] <= 0.8 <= e["high"]
        for seed in range(1, 31)
    ]
    # Rao-Wu rescaled: 0.89 coverage measured over 100 seeds (0.80 without the rescaling, whose
    # variance is (k-1)/k of the truth with k = 3 treated); >= 0.7 of 30 is ~3 s.e. below 0.89.
    assert np.mean(inside) >= 0.7


def test_policing_start_exact_without_noise_and_unbalanced():
    panel = township_panel(5, level=1e5, noise=False)
    panel = panel.drop(index=[3, 40, 41, 100, 250]).reset_index(drop=True)  # unbalanced
    effect = policing_start_effect(panel, draws=50)
    # counts of ~1e5: the + 0.5 moves log counts by < 1e-5, so the effect is log 0.8 exactly
    assert effect["effect_log"] == pytest.approx(math.log(0.8), abs=1e-4)
    assert effect["low_log"] == pytest.approx(math.log(0.8), abs=1e-4)  # no noise to resample


def test_policing_start_not_identified():
    panel = township_panel(0)
    panel["model"] = "patrol"
    none = policing_start_effect(panel)
    assert math.isnan(none["ratio"]) and "not identified" in none["note"]
    panel.loc[panel["month"] >= panel["month"].iloc[18], "model"] = "clinic"
    everyone = policing_start_effect(panel)
    assert math.isnan(everyone["ratio"]) and "no control" in everyone["note"]
    panel["model"] = ""
    unknown = policing_start_effect(panel)
    assert math.isnan(unknown["ratio"]) and "8 township(s) with no known model" in unknown["note"]


# --- 8. all of them -------------------------------------------------------------------------
def test_direct_estimates_markdown_and_tables(tmp_path):
    rng = np.random.default_rng(7)
    n_villages = 25
    population = rng.uniform(300, 2500, n_villages)
    township = np.arange(n_villages) % 3
    station_minutes = rng.uniform(2, 45, n_villages)
    received = call_times(rng, np.full(365, 4.0), SF_START)  # 2024-07-01 .. 2025-06-30
    village = rng.choice(n_villages, len(received), p=population / population.sum())
    category = rng.choice(np.array(INCIDENT_TYPES), len(received), p=[0.3, 0.1, 0.35, 0.25])
    log = log_of(received, village, category)
    log["arrived"] = log["dispatched"] + pd.to_timedelta(
        3 + 1.2 * station_minutes[village] + rng.normal(0, 2, len(log)), unit="min"
    )
    est = direct_estimates(
        log,
        population=population,
        township=township,
        station_minutes=station_minutes,
        start=SF_START,
        end=SF_END,
        panel=township_panel(1),
    )
    assert isinstance(est, DirectEstimates)
    assert est.village_rates["township"].tolist() == township.tolist()
    assert est.road_speed.low <= 1.2 <= est.road_speed.high
    assert est.policing_start is not None and est.policing_start["treated_townships"] == 3
    md = est.markdown()
    for heading in ("Calls per village", "hour of day", "Seasonality", "Spring Festival",
                    "categories", "Road speed", "policing model"):  # fmt: skip
        assert heading in md
    assert md.count("\n| ") >= 10 + 24 + 12 + 4  # the village, hour, month and category rows
    tables = est.tables()
    assert set(tables) == {
        "village_rates", "hour_profile", "hour_weekday", "seasonality", "category_mix",
        "spring_festival", "road_speed", "policing_start",
    }  # fmt: skip
    for name, table in tables.items():
        table.to_parquet(tmp_path / f"{name}.parquet")
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        assert back.shape == table.shape, name
    without = direct_estimates(
        log.iloc[:5],
        population=population,
        township=township,
        station_minutes=station_minutes,
        start=SF_START,
        end=SF_END,
    )
    assert without.policing_start is None and math.isnan(without.road_speed.factor)
    assert "Start of a policing model" not in without.markdown()
    with pytest.raises(ValueError, match="one value a village"):
        direct_estimates(
            log,
            population=population,
            township=township[:-1],
            station_minutes=station_minutes,
            start=SF_START,
            end=SF_END,
        )
