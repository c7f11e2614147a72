"""Daily, weekly and seasonal rhythms. Model time is in minutes from the start."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .section import Probability, Section, plausible
from .units import MINUTES_PER_DAY, MINUTES_PER_HOUR

__all__ = ["MINUTES_PER_DAY", "MINUTES_PER_HOUR"]  # imported from here by many modules

# Relative offence rate by hour of day (mean 1). Assumption: rural burglary peaks while
# households work in the fields (9-17 h) and again late at night.
CRIME_BY_HOUR = np.array(
    [
        1.2,
        1.1,
        1.0,
        0.8,
        0.5,
        0.4,
        0.5,
        0.7,
        0.9,
        1.2,
        1.3,
        1.3,
        1.2,
        1.3,
        1.4,
        1.4,
        1.3,
        1.1,
        1.0,
        1.0,
        1.0,
        1.0,
        1.1,
        1.2,
    ]
)
# Relative rate of calls for service by hour (mean 1). Assumption: few at night, an
# evening peak, as in most published call-volume curves.
CALLS_BY_HOUR = np.array(
    [
        0.5,
        0.4,
        0.3,
        0.3,
        0.3,
        0.4,
        0.6,
        0.9,
        1.1,
        1.2,
        1.2,
        1.2,
        1.2,
        1.2,
        1.2,
        1.2,
        1.3,
        1.4,
        1.5,
        1.5,
        1.4,
        1.2,
        0.9,
        0.7,
    ]
)
# Probability a present resident is at home, by age group (child, adult, elderly) and hour.
# Assumption: adults are in the fields 9-17 h; children at school 8-16 h.
HOME_BY_HOUR = np.array(
    [
        [0.98] * 7 + [0.6, 0.2] + [0.15] * 7 + [0.5, 0.9] + [0.97] * 6,
        [0.97] * 6 + [0.8, 0.6, 0.4] + [0.25] * 8 + [0.6, 0.85] + [0.95] * 5,
        [0.99] * 7 + [0.8] + [0.6] * 9 + [0.8, 0.9] + [0.98] * 5,
    ]
)
for _row in (CRIME_BY_HOUR, CALLS_BY_HOUR):
    _row /= _row.mean()


class SeasonConfig(Section):
    """Calendar rhythms."""

    start_day_of_year: int = Field(
        1,
        ge=1,
        le=366,
        description="calendar day of day 0",
        json_schema_extra={"unit": "day of year", "source": "setting"},
    )
    spring_festival_day: int = Field(
        40,
        ge=1,
        le=366,
        description="day of year of Spring Festival (varies; ~late Jan-Feb)",
        json_schema_extra={
            "unit": "day of year",
            "source": "setting (lunar calendar; late January to mid February)",
        },
    )
    festival_window_days: int = Field(
        21,
        ge=0,
        le=366,
        description="days around Spring Festival that migrants are home",
        json_schema_extra={
            "unit": "days",
            "source": "assumption",
            "plausible": plausible(
                10,
                40,
                "expert range (assumption): from ~10 days to the 40-day Spring Festival travel "
                "season (春运); most stay 2-4 weeks",
                dist="triangular",
                mode=21,
            ),
        },
    )
    festival_return_share: Probability = Field(
        0.8,
        description="share of migrant workers home over Spring Festival. Assumption",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "assumption: most migrants come home for Spring Festival",
            "plausible": plausible(
                0.5,
                0.95,
                "expert range (assumption): most migrants go home for Spring Festival; fewer "
                "when far away, kept at work or asked to stay put (2021 就地过年)",
                dist="triangular",
                mode=0.8,
            ),
        },
    )
    market_every_days: int = Field(
        5,
        ge=0,
        le=366,
        description="rural market (赶集) cycle, days; 0 = none",
        json_schema_extra={
            "unit": "days",
            "source": "setting: many rural markets (赶集) run on a 5-day cycle",
        },
    )
    market_multiplier: float = Field(
        1.3,
        ge=0,
        description="crime and calls on market days",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption",
            "plausible": plausible(
                1.0,
                2.0,
                "expert range (assumption): market days (赶集) bring crowds, pickpockets and "
                "quarrels to the township; from no change to double",
                dist="triangular",
                mode=1.3,
            ),
        },
    )


class Calendar:
    """Maps model minutes to hour of day, day of year, market days and Spring Festival."""

    def __init__(self, season: SeasonConfig) -> None:
        self.season = season

    def day(self, t: float) -> int:
        return int(t // MINUTES_PER_DAY)

    def hour(self, t: float) -> int:
        return int((t % MINUTES_PER_DAY) // 60)

    def day_of_year(self, t: float) -> int:
        return (self.season.start_day_of_year - 1 + self.day(t)) % 365 + 1

    def is_festival(self, t: float) -> bool:
        """True while migrant workers are home for Spring Festival (春节)."""
        half = self.season.festival_window_days / 2
        d = abs(self.day_of_year(t) - self.season.spring_festival_day)
        return min(d, 365 - d) <= half and self.season.festival_window_days > 0

    def is_market_day(self, t: float) -> bool:
        """Rural periodic market (赶集) days."""
        every = self.season.market_every_days
        return every > 0 and self.day(t) % every == 0

    def market_factor(self, t: float) -> float:
        return self.season.market_multiplier if self.is_market_day(t) else 1.0
