"""Other calls for service (emergencies, accidents, help): Poisson by village and hour, from
their own stream (common random numbers)."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field, field_validator

from .incident import Incident, NewIncident
from .region import Region
from .rhythms import CALLS_BY_HOUR
from .section import Probability, Section, plausible
from .units import HOURS_PER_YEAR
from .villagers import VillagerTable
from .vocab import IncidentType


class CallsConfig(Section):
    """Other calls for service: emergencies, accidents, help."""

    enabled: bool = True
    rate_per_1000: float = Field(
        40,
        ge=0,
        le=2000,
        description="other calls (help 求助, traffic 交通, other) per 1,000 present residents a year",
        json_schema_extra={
            "unit": "per 1,000 present residents per year",
            "source": "calibrated: rural counties receive ~15-40 valid 110 calls per 1,000 a year "
            "(Wuqiang county 18-36, Bazhong 15), most of them help, traffic and disputes; crime "
            "under a tenth (Jiangsu 2015: 8.4%; Xuzhou 2017: ~9%)",
            "plausible": plausible(
                20,
                50,
                "calibrated: rural counties ~15-40 valid calls per 1,000 (Wuqiang, Bazhong), crime under a tenth (Jiangsu 2015); ~23-46 fits both",
                dist="triangular",
                mode=40,
            ),
        },
    )
    scene_share: Probability = Field(
        0.25,
        description="share of these calls that need an officer at the scene; the others are "
        "handled on the phone (advice, referral)",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "calibrated so that ~40% of all valid calls need an officer on scene "
            "(Hefei 110, 2018: 38.3%); crime and dispute calls always do",
            "plausible": plausible(
                0.13,
                0.36,
                "calibrated: Hefei 110 2018, 38.3% of calls need officers on scene; 0.13-0.36 keeps that share within 30-48%",
                dist="triangular",
                mode=0.25,
            ),
        },
    )
    village_rates_per_day: dict[str, float] | None = Field(
        None,
        description="explicit calls per day by village name (calls-for-service mode)",
        json_schema_extra={"unit": "calls per day", "source": "setting (calls-for-service mode)"},
    )
    daily_profile: bool = Field(
        True,
        description="vary the rate by hour of day",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    hour_profile: list[float] | None = Field(
        None,
        min_length=24,
        max_length=24,
        description="the county's own relative call rate by hour, 0-23 (any scale: it is "
        "rescaled to mean 1); null: the assumed curve (rhythms.CALLS_BY_HOUR)",
        json_schema_extra={
            "unit": "relative rate",
            "source": "setting: estimated from a county's call log by `rpsim calibrate`",
        },
    )

    @field_validator("village_rates_per_day")
    @classmethod
    def _rates_non_negative(cls, rates: dict[str, float] | None) -> dict[str, float] | None:
        for village, r in (rates or {}).items():
            if not 0 <= r <= 10_000:
                raise ValueError(
                    f"village_rates_per_day[{village}] = {r}: a rate is between 0 and 10,000 "
                    "calls a day"
                )
        return rates

    @field_validator("hour_profile")
    @classmethod
    def _profile_usable(cls, profile: list[float] | None) -> list[float] | None:
        if profile is not None and (min(profile) < 0 or sum(profile) <= 0):
            raise ValueError("an hour profile has 24 rates >= 0, not all 0")
        return profile


class CallProcess:
    """Other calls for service (emergencies, accidents, help): Poisson by village and
    hour; in calls-for-service mode, explicit per-village daily rates."""

    def __init__(
        self,
        config: CallsConfig,
        region: Region,
        villagers: VillagerTable,
        new_incident: NewIncident,
        rng: np.random.Generator,
    ) -> None:
        self.config = config
        self.villagers = villagers
        self.new_incident = new_incident
        self.rng = rng
        self.enabled = config.enabled
        self.scene_share = config.scene_share if config.village_rates_per_day is None else 1.0
        self.explicit: np.ndarray | None = None
        self.by_hour = CALLS_BY_HOUR
        if config.hour_profile is not None:
            profile = np.asarray(config.hour_profile, dtype=float)
            self.by_hour = profile / profile.mean()
        if config.village_rates_per_day is not None:
            rates = np.zeros(region.n)
            for name, r in config.village_rates_per_day.items():
                rates[region.village(name, f"calls.village_rates_per_day.{name}")] = r
            self.explicit = rates / 24.0

    def hour(self, t: float, hour: int, multiplier: float) -> list[Incident]:
        if not self.enabled:
            return []
        cfg = self.config
        lam: Any
        if self.explicit is not None:
            lam = self.explicit
        else:
            present = self.villagers.present_by_village
            lam = cfg.rate_per_1000 / 1000 / HOURS_PER_YEAR * present * multiplier
        if cfg.daily_profile:
            lam = lam * self.by_hour[hour]
        counts = self.rng.poisson(lam)
        total = int(counts.sum())
        if total == 0:
            return []
        offsets = self.rng.random(total) * 60.0
        scene = self.rng.random(total) < self.scene_share
        calls = []
        villages = np.repeat(np.arange(len(counts)), counts)
        for v, off, needs in zip(villages, offsets, scene, strict=True):
            inc = self.new_incident(IncidentType.SERVICE, int(v), t + off)
            inc.t_discover = inc.t_occur
            inc.needs_officer = bool(needs)
            calls.append(inc)
        return calls
