"""The `policing:` section: who polices (officers, auxiliaries, shifts, posts) and which
preset runs. Each preset's own section (`policing.patrol`, `policing.district`, ...) is declared
beside its preset and learned here from the registry."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails

from ..duty import Shift
from ..limits import MAX_OFFICERS, MAX_VILLAGES
from ..section import Probability, Section, plausible
from .registry import PRESETS, SECTIONS


def _default_shifts() -> list[Shift]:
    # Assumption: rural stations keep a day shift for community work and a thinner
    # evening and night duty team (the seeds describe 24-hour duty at the 派出所).
    return [
        Shift(start_hour=8, hours=9, share=0.5, station_duty_hours=2.0),
        Shift(start_hour=17, hours=7, share=0.25),
        Shift(start_hour=0, hours=8, share=0.25),
    ]


class PolicingConfig(Section):
    """Who polices, how they are deployed, and which preset (policing model) runs."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)  # preset sections

    preset: str = Field(
        "clinic",
        description="policing model, one of the registered presets (simulation/policing/)",
        json_schema_extra={
            "unit": "",
            "source": "setting: the policing models of the seeds (坐诊式警务, 一村一警, 一区一警, "
            "一村一辅警, ...)",
        },
    )
    officers: int = Field(
        16,
        ge=1,
        le=MAX_OFFICERS,
        description="sworn officers at the county's stations (default: ~4 per 10,000 of the "
        "default county's 40,000 residents)",
        json_schema_extra={
            "unit": "officers",
            "source": "setting; stations hold ~4 officers per 10,000 residents nationally "
            "(Ministry of Public Security, 2023: 570,000 officers in 40,000+ police stations); "
            "Mouding: 166 in the whole county (C5)",
        },
    )
    auxiliaries: int | None = Field(
        None,
        ge=0,
        le=MAX_VILLAGES,
        description="village auxiliaries (辅警/协勤); null = one per village for "
        "auxiliary_network and hybrid, none otherwise",
        json_schema_extra={
            "unit": "auxiliaries",
            "source": "setting; Hubei rule: one auxiliary per administrative village (seeds)",
        },
    )
    visit_households_per_hour: float = Field(
        1.5,
        ge=0,
        le=100,
        description="household visits (大走访) per hour of village presence",
        json_schema_extra={
            "unit": "households per hour",
            "source": "assumption: a 20-40 minute household visit (大走访)",
            "plausible": plausible(
                0.75,
                3.0,
                "expert range (assumption): a 20-40 minute visit (大走访) plus the walk between homes and people out in the fields: 0.75-3 an hour",
                dist="triangular",
                mode=1.5,
            ),
        },
    )
    diversion_share: Probability = Field(
        0.1,
        description="probability an officer is diverted to non-police duties for a shift "
        "(non-police work 非警务). Assumption",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "assumption: the Chinese sources report officers pulled to non-police work (tax collection, family planning) without a rate; a rural station officer's log has non-police tasks (五水共治, checking polluting firms) on 1-2 of 22 working days (Zhang, 派出所功能与国家治理的法治化, K station, May 2014)",
            "plausible": plausible(
                0.03,
                0.25,
                "Zhang 2014 (K station log): non-police tasks on 1-2 of 22 days (5-9%); one month of one station, and rural reports of guard and meeting duty widen it",
                dist="triangular",
                mode=0.1,
            ),
        },
    )
    rotation_days: float | None = Field(
        None,
        gt=0,
        le=36_500,
        description="mean days between officer transfers; null = no rotation",
        json_schema_extra={
            "unit": "days",
            "source": "setting: seeds report frequent transfers, without a rate",
        },
    )
    learning_days: float = Field(
        90,
        ge=0,
        le=36_500,
        description="days a newly rotated officer needs to know a village. Assumption",
        json_schema_extra={
            "unit": "days",
            "source": "assumption: a season to know a village's households",
            "plausible": plausible(
                30,
                365,
                "expert range (assumption): from a month (a small village, a local officer) to a year (a stranger to the county) to know the households",
                dist="lognormal",
                mode=90,
            ),
        },
    )
    auxiliary_day_start: int = Field(
        8,
        ge=0,
        lt=24,
        description="auxiliary duty start, hour",
        json_schema_extra={
            "unit": "hour of day",
            "source": "setting: auxiliaries work by day",
        },
    )
    auxiliary_day_hours: int = Field(
        10,
        gt=0,
        le=24,
        description="auxiliary duty, hours/day",
        json_schema_extra={"unit": "hours", "source": "setting: the auxiliaries' duty day"},
    )
    shifts: list[Shift] = Field(
        default_factory=_default_shifts,
        description="duty roster",
        json_schema_extra={
            "unit": "",
            "source": "setting (the roster); assumption: a day shift for community work plus thinner evening and night duty",
        },
    )
    posts: dict[str, int] | None = Field(
        None,
        description="officers posted at named villages, e.g. {V03: 2}; overrides station "
        "allocation (calls-for-service mode)",
        json_schema_extra={
            "unit": "officers per village",
            "source": "setting (calls-for-service mode)",
        },
    )
    station_officers: dict[str, int] | None = Field(
        None,
        description="officers at each station, by the station's village name, e.g. {V000: 9, "
        "V017: 5}; must add up to `officers`; null = split by township population (full mode)",
        json_schema_extra={
            "unit": "officers per station",
            "source": "setting (a deployment plan: `rpsim plan`)",
        },
    )
    auxiliary_villages: list[str] | None = Field(
        None,
        description="villages that get an auxiliary, by name; null = the `auxiliaries` most "
        "populous villages",
        json_schema_extra={
            "unit": "villages",
            "source": "setting (a deployment plan: `rpsim plan`)",
        },
    )
    min_officers_per_shift: int | None = Field(
        None,
        ge=0,
        le=1000,
        description="officers every station keeps on each shift (resident officers included); "
        "fewer officers than stations x shifts x this is an error; null = 1 where the officers "
        "suffice (else the stations get as many as there are); 0 = no minimum",
        json_schema_extra={
            "unit": "officers per station and shift",
            "source": "setting: a township police station (派出所) keeps 24-hour duty (seeds)",
        },
    )
    min_officers_per_station: int | None = Field(
        None,
        ge=0,
        le=1000,
        description="officers every station holds at least (all shifts, resident officers "
        "included); null = the Hubei rule's 5 where the officers suffice (else an even split); "
        "0 = no minimum; a number the officers cannot give every station is an error",
        json_schema_extra={
            "unit": "officers per station",
            "source": "setting: Hubei rule, every rural police station holds at least 5 officers "
            "(Hubei Provincial Public Security Department, 鄂公委发〔2018〕4号, 2018)",
        },
    )

    @field_validator("shifts")
    @classmethod
    def _shares_sum_to_one(cls, shifts: list[Shift]) -> list[Shift]:
        total = sum(s.share for s in shifts)
        if not shifts or abs(total - 1.0) > 1e-6:
            raise ValueError(f"shift shares must sum to 1, got {total:g}")
        return shifts

    @field_validator("posts")
    @classmethod
    def _posts_positive(cls, posts: dict[str, int] | None) -> dict[str, int] | None:
        for village, n in (posts or {}).items():
            if n < 0:
                raise ValueError(f"posts[{village}] = {n}: officer counts cannot be negative")
        return posts

    @field_validator("station_officers")
    @classmethod
    def _station_officers_positive(cls, so: dict[str, int] | None) -> dict[str, int] | None:
        for village, n in (so or {}).items():
            if n < 0:
                raise ValueError(f"station_officers[{village}] = {n}: cannot be negative")
        return so

    @field_validator("auxiliary_villages")
    @classmethod
    def _auxiliary_villages_once(cls, villages: list[str] | None) -> list[str] | None:
        if villages is not None and len(set(villages)) != len(villages):
            raise ValueError("a village is named twice: at most one auxiliary per village")
        return villages

    @model_validator(mode="after")
    def _auxiliaries_match(self) -> PolicingConfig:
        named = self.auxiliary_villages
        if named is not None and self.auxiliaries is not None and self.auxiliaries != len(named):
            raise ValueError(
                f"auxiliaries is {self.auxiliaries} but auxiliary_villages names {len(named)} "
                "villages (leave auxiliaries null, or make them agree)"
            )
        if self.station_officers is not None and sum(self.station_officers.values()) != (
            self.officers
        ):
            raise ValueError(
                f"station_officers place {sum(self.station_officers.values())} officers but "
                f"officers is {self.officers}"
            )
        return self

    @field_validator("preset")
    @classmethod
    def _registered(cls, preset: str) -> str:
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
        return preset

    @model_validator(mode="wrap")
    @classmethod
    def _preset_sections(cls, data: Any, handler: Any) -> PolicingConfig:
        """Each preset's own section (`policing.patrol`, `policing.district`, ...) is validated
        by the settings class its preset declares; absent sections take their defaults."""
        if isinstance(data, dict):
            data = dict(data)
            errors: list[InitErrorDetails] = []
            for key, value in data.items():
                if key in cls.model_fields:
                    continue
                settings = SECTIONS.get(key)
                if settings is None:
                    errors.append(InitErrorDetails(type="extra_forbidden", loc=(key,), input=value))
                    continue
                try:
                    data[key] = (
                        value if isinstance(value, settings) else settings.model_validate(value)
                    )
                except ValidationError as exc:
                    errors += [
                        InitErrorDetails(
                            type=e["type"],
                            loc=(key, *e["loc"]),
                            input=e["input"],
                            ctx=e.get("ctx", {}),
                        )
                        for e in exc.errors()
                    ]
            for key, settings in SECTIONS.items():
                data.setdefault(key, settings())
            if errors:  # report these together with the section's own field errors
                for e in errors:
                    data.pop(e["loc"][0], None)
                try:
                    handler(data)
                except ValidationError as exc:
                    errors += [
                        InitErrorDetails(
                            type=e["type"], loc=e["loc"], input=e["input"], ctx=e.get("ctx", {})
                        )
                        for e in exc.errors()
                    ]
                raise ValidationError.from_exception_data(cls.__name__, errors)
        return handler(data)

    def section(self, name: str) -> Section:
        """A preset's own section by name (e.g. "patrol")."""
        return getattr(self, name)

    @staticmethod
    def preset_sections() -> dict[str, type[Section]]:
        """`policing.<name>` -> settings class, for every registered preset's own section."""
        return dict(SECTIONS)
