"""The scenario schema: the one source of truth for every parameter.

A scenario is a validated pydantic object. The Python API builds one directly
(`Scenario(policing={"preset": "hybrid"})`); the YAML files in `scenarios/` are
parsed into the same object by `simulation.config_files`. Units are in the field
descriptions; literature sources are in the descriptions and in docs/parameters.md.

Every section forbids unknown keys, so a typo is an error, not a silent default.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .section import Probability, Section
from .vocab import IncidentType, RegionType

REGION_TYPES = tuple(t.value for t in RegionType)
INCIDENT_TYPES = tuple(t.value for t in IncidentType)

# Keys that moved into a preset's own section: old key -> new key (for "did you mean").
# Seeds are non-negative 64-bit integers (what numpy and Parquet hold).
MAX_SEED = 2**63 - 1
MAX_VILLAGES = 5000
"""The largest county, generated or loaded: its all-pairs travel matrix takes 200 MB (and as
much again while it is computed); a county of 50,000 villages would take 20 GB."""
MAX_OFFICERS = 20_000
MAX_REPLICATES = 10_000
"""The most replicates of a run or comparison (--replicates and comparison files)."""

MOVED_KEYS = {
    "policing.resident_share": "policing.resident.share",
    "policing.presence_share": "policing.resident.presence_share",
    "policing.district_size": "policing.district.size",
    "policing.officers_per_district": "policing.district.officers",
    "policing.patrol_intensity": "policing.patrol.intensity",
    "policing.patrol_dwell_min": "policing.patrol.dwell_min",
}


class Distribution(Section):
    """A positive duration distribution in minutes."""

    kind: Literal["fixed", "exponential", "lognormal"] = Field(
        "lognormal",
        description="shape of the distribution",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    mean: float = Field(
        ge=0,
        description="mean, minutes (0: none)",
        json_schema_extra={"unit": "minutes", "source": "setting"},
    )
    sd: float = Field(
        0.0,
        ge=0,
        description="standard deviation, minutes (lognormal only)",
        json_schema_extra={"unit": "minutes", "source": "setting"},
    )

    @model_validator(mode="after")
    def _lognormal_needs_sd(self) -> Distribution:
        if self.kind == "lognormal" and self.mean > 0 and self.sd <= 0:
            raise ValueError("a lognormal distribution needs sd > 0")
        return self


class RegionConfig(Section):
    """The county: villages joined by roads, township seats with police stations."""

    type: RegionType = Field(
        RegionType.HILL,
        description="generator (plain/hill/mountain/periurban) or loader (graphml/csv)",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    seed: int | None = Field(
        0,
        ge=0,
        le=MAX_SEED,
        description="seed of the county layout; null draws it from the run seed "
        "(a new county per replicate)",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    villages: int = Field(
        40,
        ge=2,
        le=MAX_VILLAGES,
        description="number of administrative villages",
        json_schema_extra={
            "unit": "villages",
            "source": "setting; Mouding: 89 administrative villages (county profile 2023)",
        },
    )
    population: int = Field(
        40_000,
        ge=10,
        le=5_000_000,
        description="registered residents, persons",
        json_schema_extra={
            "unit": "persons",
            "source": "setting; Mouding: 211,000 (seed document)",
        },
    )
    townships: int = Field(
        3,
        ge=1,
        le=500,
        description="township seats, each with a police station",
        json_schema_extra={
            "unit": "townships",
            "source": "setting; Mouding: 7 townships (county profile 2023)",
        },
    )
    width_km: float | None = Field(
        None,
        gt=0,
        le=1000,
        description="county extent east-west, km (null: region-type default)",
        json_schema_extra={
            "unit": "km",
            "source": "type defaults: mountain 53.6 km after Mouding (county profile 2023); others assumption",
        },
    )
    height_km: float | None = Field(
        None,
        gt=0,
        le=1000,
        description="county extent north-south, km (null: region-type default)",
        json_schema_extra={
            "unit": "km",
            "source": "type defaults: mountain 57.6 km after Mouding (county profile 2023); others assumption",
        },
    )
    away_share: Probability | None = Field(
        None,
        description="share of registered residents away as migrant workers "
        "(null: region-type default)",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "type defaults: mountain 0.33 after Mouding (seed: ~70,000 of 211,000 away); plain 0.25, hill 0.30, periurban 0.10 assumption",
        },
    )
    household_size: float = Field(
        2.6,
        ge=1,
        le=20,
        description="mean registered persons per household "
        "(China 2020 census: 2.62 persons per family household)",
        json_schema_extra={
            "unit": "persons",
            "source": "China 2020 census: 2.62 persons per family household",
        },
    )
    file_away_share: Probability = Field(
        0.3,
        description="away share of a loaded county (graphml/csv) when `away_share` is null",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "assumption: rural China ~30% away (seeds, C5: Mouding ~70,000 of 211,000)",
        },
    )
    road_speed_kmh: float | None = Field(
        None,
        gt=0,
        le=200,
        description="mean driving speed on village roads, km/h (null: type default)",
        json_schema_extra={
            "unit": "km/h",
            "source": "type defaults plain 45, hill 35, mountain 25, periurban 30: assumption (terrain classes: dispersed mountain villages on sparse winding roads)",
        },
    )
    urban_edge_share: Probability | None = Field(
        None,
        description="share of a generated county's villages, those nearest the city (beyond "
        "the western edge), that are urban-edge villages (城中村/城郊结合部) with rentals and "
        "floating population (null: type default, periurban 0.3, others 0)",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "assumption: a peri-urban county where about a third of the villages "
            "border the built-up city; 0 in rural counties",
        },
    )
    urban_edge_crime_weight: float = Field(
        1.8,
        gt=0,
        description="attractiveness to offenders of an urban-edge village's households "
        "relative to other villages' (1: no spatial difference)",
        json_schema_extra={
            "unit": "ratio per household",
            "source": "assumption for the size; the direction from studies of Chinese cities: "
            "burglary rises with the floating population from other provinces (Chen et al. "
            "2017, ZG city), arrests with home rentals (Cheng, Liu & Wang 2017)",
        },
    )
    graphml: str | None = Field(
        None,
        description="path of a GraphML road graph (type: graphml)",
        json_schema_extra={"unit": "path", "source": "input data"},
    )
    villages_csv: str | None = Field(
        None,
        description="path of a villages CSV (type: csv)",
        json_schema_extra={"unit": "path", "source": "input data"},
    )
    roads_csv: str | None = Field(
        None,
        description="path of a roads CSV (type: csv)",
        json_schema_extra={"unit": "path", "source": "input data"},
    )

    @model_validator(mode="after")
    def _loader_paths(self) -> RegionConfig:
        if self.type == "graphml" and not self.graphml:
            raise ValueError("region.type 'graphml' needs region.graphml (a file path)")
        if self.type == "csv" and not (self.villages_csv and self.roads_csv):
            raise ValueError("region.type 'csv' needs region.villages_csv and region.roads_csv")
        if self.type not in ("graphml", "csv") and self.townships > self.villages:
            raise ValueError(
                f"{self.townships} townships for {self.villages} villages: at most one township "
                "seat per village"
            )
        return self


class Shift(Section):
    """A duty shift: officers of this group are on duty from `start_hour` for `hours`."""

    start_hour: int = Field(
        ge=0,
        lt=24,
        description="shift start, hour of day",
        json_schema_extra={"unit": "hour of day", "source": "setting"},
    )
    hours: int = Field(
        gt=0,
        le=24,
        description="shift length, hours",
        json_schema_extra={"unit": "hours", "source": "setting"},
    )
    share: Probability = Field(
        description="share of officers on this shift",
        json_schema_extra={"unit": "share 0-1", "source": "setting"},
    )
    station_duty_hours: float = Field(
        0.0,
        ge=0,
        description="hours of station duties (所务) each station officer owes per shift, done at "
        "the station between calls: household registration desk, inspections of premises, "
        "meetings, reports (resident officers owe none: their time is reserved for the villages)",
        json_schema_extra={
            "unit": "hours per shift",
            "source": "assumption: 2 h of the 9 h day shift, from a rural station officer's "
            "log in which inspections and station business fill about 4 of 22 working days "
            "(Zhang, 派出所功能与国家治理的法治化, K station, May 2014); 0 on evening and night "
            "duty; resident officers are exempt as the Hubei rule reserves >= 30 h a week of "
            "theirs for the community",
        },
    )

    @model_validator(mode="after")
    def _duty_fits(self) -> Shift:
        if self.station_duty_hours > self.hours:
            raise ValueError(
                f"station_duty_hours {self.station_duty_hours} is longer than the shift "
                f"({self.hours} h)"
            )
        return self


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
        },
    )
    diversion_share: Probability = Field(
        0.1,
        description="probability an officer is diverted to non-police duties for a shift "
        "(non-police work 非警务). Assumption",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "assumption: the Chinese sources report officers pulled to non-police work (tax collection, family planning) without a rate; a rural station officer's log has non-police tasks (五水共治, checking polluting firms) on 1-2 of 22 working days (Zhang, 派出所功能与国家治理的法治化, K station, May 2014)",
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
        },
    )
    auxiliary_day_start: int = Field(
        8,
        ge=0,
        lt=24,
        description="auxiliary duty start, hour",
        json_schema_extra={
            "unit": "hour of day",
            "source": "assumption: auxiliaries work by day",
        },
    )
    auxiliary_day_hours: int = Field(
        10,
        gt=0,
        le=24,
        description="auxiliary duty, hours/day",
        json_schema_extra={"unit": "hours", "source": "assumption"},
    )
    shifts: list[Shift] = Field(
        default_factory=_default_shifts,
        description="duty roster",
        json_schema_extra={
            "unit": "",
            "source": "assumption: a day shift for community work plus thinner evening and night duty",
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
            "source": "assumption: a township police station (派出所) keeps 24-hour duty (seeds)",
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
        from .policing import PRESETS

        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
        return preset

    @model_validator(mode="wrap")
    @classmethod
    def _preset_sections(cls, data: Any, handler: Any) -> PolicingConfig:
        """Each preset's own section (`policing.patrol`, `policing.district`, ...) is validated
        by the settings class its preset declares; absent sections take their defaults."""
        from .policing import SECTIONS

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
        from .policing import SECTIONS

        return dict(SECTIONS)


class CrimeConfig(Section):
    """Offender-driven crime (routine activity theory)."""

    enabled: bool = True
    offenders_per_1000: float = Field(
        0.8,
        ge=0,
        le=100,
        description="active offenders per 1,000 registered residents",
        json_schema_extra={
            "unit": "per 1,000 residents",
            "source": "calibrated: recorded property crime ~2-3 per 1,000 a year (China Statistical "
            "Yearbook 2010: larceny ~2.9 per 1,000 in 2009, all areas)",
        },
    )
    attempts_per_offender_per_year: float = Field(
        14,
        ge=0,
        le=1000,
        description="offence attempts an active offender makes a year. Assumption",
        json_schema_extra={"unit": "attempts per year", "source": "assumption"},
    )
    resident_offender_share: Probability = Field(
        0.62,
        description="share of offenders living in the county's villages "
        "(Wiles & Costello 2000: 62% of burglaries local)",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "Wiles & Costello 2000: 62% of burglaries by local offenders",
        },
    )
    journey_km: float = Field(
        2.7,
        gt=0,
        description="mean journey to crime, km; the distance decay is solved so that the county's "
        "expected journey equals it (Wiles & Costello 2000: 1.7 miles)",
        json_schema_extra={
            "unit": "km",
            "source": "Wiles & Costello 2000: burglars' mean journey 1.7 miles",
        },
    )
    intra_village_km: float = Field(
        1.0,
        gt=0,
        description="straight-line journey when the target is in the offender's own village, km "
        "(an administrative village spans several natural villages)",
        json_schema_extra={
            "unit": "km",
            "source": "assumption: Mouding has 89 administrative villages on 1,450 km2 (~16 km2 each; county profile 2023)",
        },
    )
    violent_share: Probability = Field(
        0.07,
        description="share of offenders' attempts against persons (robbery, assault)",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "calibrated: recorded violent crime ~0.4 per 1,000 (China Statistical "
            "Yearbook 2010: homicide, injury, robbery and rape 0.38 per 1,000 in 2009), with "
            "escalated disputes a quarter to a half of it",
        },
    )
    occupied_attractiveness: Probability = Field(
        0.12,
        description="burglary risk of an occupied home relative to an empty one, per "
        "household-hour",
        json_schema_extra={
            "unit": "ratio per household-hour",
            "source": "calibrated so that ~28% of burglaries happen with someone home at the default occupancy (BJS 2010: 8 of 21 + 8 burglaries per 1,000 households occurred while a household member was present)",
        },
    )
    success_probability: Probability = Field(
        0.8,
        description="probability an attempt with no guardian succeeds. Assumption",
        json_schema_extra={"unit": "probability 0-1", "source": "assumption"},
    )
    guardian_effect: float = Field(
        0.75,
        ge=0,
        description="deterrence per guardian present in the village (success x exp(-effect)). "
        "Assumption calibrated to Peterborough PCSO (~39% fewer crimes)",
        json_schema_extra={
            "unit": "log-reduction per guardian",
            "source": "assumption, calibrated so that village auxiliaries cut true crime by ~40% and recorded crime by ~30% (Peterborough PCSO hot spots: ~39%; tests/validation/test_patrol_and_presence.py)",
        },
    )
    residual_deterrence_hours: float = Field(
        6,
        gt=0,
        description="decay time of residual deterrence after presence, hours (Koper)",
        json_schema_extra={
            "unit": "hours",
            "source": "assumption after Koper 1995 (residual deterrence after a stop)",
        },
    )
    repeat_boost: float = Field(
        25,
        ge=0,
        description="extra target weight of a just-victimised household "
        "(Polvi et al. 1991: >12x expected repeat within a month)",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption calibrated to Polvi et al. 1991 (repeat burglary >12x expected within a month)",
        },
    )
    repeat_decay_days: float = Field(
        14,
        gt=0,
        description="decay of the repeat boost, days",
        json_schema_extra={
            "unit": "days",
            "source": "assumption after Polvi et al. 1991 (most repeats within weeks)",
        },
    )
    near_repeat_boost: float = Field(
        1.0,
        ge=0,
        description="extra weight of a village after a burglary there. Assumption",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption (near-repeat literature: Johnson & Bowers 2004)",
        },
    )
    intel_per_presence_hour: Probability = Field(
        0.02,
        description="chance per knowledge-weighted hour of a village or district officer's "
        "household visits that a resident offender of the village becomes known to police",
        json_schema_extra={"unit": "probability per hour", "source": "assumption"},
    )
    auxiliary_clearance_bonus: float = Field(
        0.1,
        ge=0,
        le=1,
        description="clearance bonus when the village has an auxiliary "
        "(local information). Assumption",
        json_schema_extra={
            "unit": "probability points",
            "source": "assumption: auxiliaries bring local information (seeds)",
        },
    )
    replacement_days: float | None = Field(
        60,
        gt=0,
        description="mean days until a jailed offender's place is taken by another offender "
        "from the same village; null = no replacement (pure incapacitation)",
        json_schema_extra={
            "unit": "days",
            "source": "assumption: replacement in offender populations (without it, a year of arrests jails most offenders and crime is not stationary)",
        },
    )
    jail_days: float = Field(
        365,
        ge=0,
        description="term served after an arrest, days",
        json_schema_extra={"unit": "days", "source": "assumption"},
    )
    base_clearance: Probability = Field(
        0.35,
        description="arrest probability at the reference response time",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "calibrated: ~44% of recorded cases solved (China Statistical Yearbook "
            "2010: 2.45 M of 5.58 M in 2009)",
        },
    )
    clearance_reference_min: float = Field(
        20,
        gt=0,
        description="reference response time for base_clearance, minutes",
        json_schema_extra={"unit": "minutes", "source": "assumption"},
    )
    clearance_slope: float = Field(
        0.493,
        ge=0,
        description="clearance points lost per unit log response time at the reference "
        "(Blanes i Vidal & Kirchmaier 2018: +10% response time, -4.7 points)",
        json_schema_extra={
            "unit": "points per unit log time",
            "source": "Blanes i Vidal & Kirchmaier 2018: +10% response time, -4.7 points clearance",
        },
    )
    known_offender_clearance_bonus: float = Field(
        0.15,
        ge=0,
        le=1,
        description="clearance bonus when a village officer knows the offender",
        json_schema_extra={"unit": "probability points", "source": "assumption"},
    )
    max_clearance: Probability = Field(
        0.95,
        description="upper bound of the arrest probability after all bonuses",
        json_schema_extra={"unit": "probability 0-1", "source": "assumption: no case is certain"},
    )


class DisputeConfig(Section):
    """Neighbour, land, debt and family disputes that may turn criminal (民转刑)."""

    enabled: bool = True
    rate_per_1000: float = Field(
        15,
        ge=0,
        le=1000,
        description="disputes arising per 1,000 present residents a year",
        json_schema_extra={
            "unit": "per 1,000 present residents per year",
            "source": "calibrated: dispute calls ~12% of valid 110 calls (Jiangsu 2015: 11.8%; "
            "Xuzhou 2017: ~13%); above the ~6 per 1,000 that reach people's mediation "
            "(Ministry of Justice 2022: ~8.2 M community disputes)",
        },
    )
    escalation_days: float = Field(
        800,
        gt=0,
        description="mean time for an unattended dispute to turn violent (民转刑), days; "
        "against resolution_days it sets the escalation risk of a dispute nobody mediates",
        json_schema_extra={
            "unit": "days",
            "source": "calibrated: ~1-3% of disputes escalate (Harbin 2003: 222 of 31,576 "
            "mediated, 0.7%), yet escalated disputes are 25-50% of violent cases (Chaozhou "
            "court 2010-13: 43.6%; a city's courts: 22-31%)",
        },
    )
    resolution_days: float = Field(
        25,
        gt=0,
        description="mean time for a dispute to settle by itself, days. Assumption",
        json_schema_extra={"unit": "days", "source": "assumption"},
    )
    detection_per_day_officer: Probability = Field(
        0.08,
        description="daily chance a resident officer hears of a dispute. Assumption",
        json_schema_extra={"unit": "probability per day", "source": "assumption"},
    )
    detection_per_day_auxiliary: Probability = Field(
        0.15,
        description="daily chance a village auxiliary hears of a dispute (a neighbour). Assumption",
        json_schema_extra={
            "unit": "probability per day",
            "source": "assumption: a neighbour hears sooner than an officer (seeds)",
        },
    )
    officer_day_hours: float = Field(
        8,
        gt=0,
        description="hours of officer presence in a village that count as one officer-day for "
        "dispute detection",
        json_schema_extra={"unit": "hours", "source": "assumption: a working day"},
    )
    mediation_success: Probability = Field(
        0.7,
        description="probability a mediation settles the dispute. Assumption",
        json_schema_extra={"unit": "probability 0-1", "source": "assumption"},
    )
    spring_festival_multiplier: float = Field(
        2.0,
        ge=0,
        description="dispute onset multiplier while migrants are home. Assumption",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption: disputes peak while migrants are home",
        },
    )


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


class ReportingConfig(Section):
    """Whether and when a discovered incident reaches the command centre."""

    probability: dict[str, Probability] = Field(
        default_factory=lambda: {
            "property": 0.33,  # NCVS: ~1/3 of household thefts reported
            # Calibrated: 0.39 at the reference trust gives the NCVS ~42% across a clinic
            # county, whose victims' trust is spread around the reference (initial_sd).
            "violent": 0.39,
            "dispute": 0.35,  # calibrated: dispute calls ~12% of valid 110 calls
            "service": 0.95,  # assumption: emergencies are called in
        },
        description="reporting probability by type at the reference trust "
        "(NCVS: violent 0.42, household theft ~1/3)",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "NCVS: ~42% of violent victimisations and ~1/3 of household thefts reported (violent 0.39 at the reference trust is calibrated so that a clinic county's violent reporting rate is 0.42: victims' trust keeps its spread, tests/validation/test_reporting_rates.py); dispute 0.35 calibrated to the 110 call mix (Jiangsu 2015, Xuzhou 2017), service 0.95 assumption",
        },
    )
    reference_trust: Probability = Field(
        0.5,
        description="trust at which `probability` holds",
        json_schema_extra={"unit": "trust 0-1", "source": "assumption"},
    )
    trust_logit_slope: float = Field(
        3.0,
        ge=0,
        description="change in log-odds of reporting per unit trust. Assumption",
        json_schema_extra={"unit": "log-odds per unit trust", "source": "assumption"},
    )
    delay_median_min: float = Field(
        20,
        gt=0,
        description="median reporting delay after discovery, minutes "
        "(Kansas City response time study: ~20 min when discovered later)",
        json_schema_extra={
            "unit": "minutes",
            "source": "Kansas City response time study: median reporting delay ~20 min when discovered later",
        },
    )
    delay_sigma: float = Field(
        1.0,
        gt=0,
        description="log-sd of the reporting delay",
        json_schema_extra={"unit": "log-sd", "source": "assumption"},
    )
    discovery_mean_min: float = Field(
        240,
        ge=0,
        description="mean delay until an empty-home burglary is discovered, minutes",
        json_schema_extra={"unit": "minutes", "source": "assumption"},
    )
    occupied_discovery_min: float = Field(
        5,
        ge=0,
        description="delay until a burglary of an occupied home is discovered, minutes",
        json_schema_extra={"unit": "minutes", "source": "assumption: someone is at home"},
    )
    multi_channel_odds: float = Field(
        1.5,
        ge=1,
        description="odds multiplier with multi-channel reporting. Assumption",
        json_schema_extra={"unit": "odds ratio", "source": "assumption"},
    )
    multi_channel_delay_factor: Probability = Field(
        0.5,
        description="delay multiplier with multi-channel reporting. Assumption",
        json_schema_extra={"unit": "ratio", "source": "assumption"},
    )
    urgent_delay_median_min: float = Field(
        5,
        gt=0,
        description="median reporting delay of violent, dispute and service calls, "
        "minutes. Assumption (involvement crimes are reported sooner; Kansas City study)",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: involvement crimes are reported sooner (Kansas City response time study)",
        },
    )
    auxiliary_report_probability: Probability = Field(
        0.5,
        description="chance an on-duty village auxiliary learns of an incident in its "
        "village and reports it at once. Assumption",
        json_schema_extra={"unit": "probability 0-1", "source": "assumption"},
    )
    auxiliary_delay_min: float = Field(
        3,
        ge=0,
        description="delay when a village auxiliary reports at once, minutes",
        json_schema_extra={"unit": "minutes", "source": "assumption"},
    )

    @field_validator("probability")
    @classmethod
    def _known_types(cls, p: dict[str, float]) -> dict[str, float]:
        unknown = set(p) - set(INCIDENT_TYPES)
        if unknown:
            raise ValueError(f"unknown incident type(s) {sorted(unknown)}; use {INCIDENT_TYPES}")
        missing = set(INCIDENT_TYPES) - set(p)
        if missing:
            raise ValueError(f"missing incident type(s) {sorted(missing)}")
        return p


class DispatchConfig(Section):
    """The county command centre."""

    call_handling_min: float = Field(
        2,
        ge=0,
        description="report to dispatch when an officer is free, minutes "
        "(Kansas City: dispatch ~2 min)",
        json_schema_extra={
            "unit": "minutes",
            "source": "Kansas City response time study: dispatch ~2 min",
        },
    )
    smart_dispatch_factor: Probability = Field(
        0.5,
        description="call-handling multiplier with smart dispatch. Assumption",
        json_schema_extra={"unit": "ratio", "source": "assumption"},
    )
    own_officer_first: bool = Field(
        True,
        description="send the village's own officer first when available",
        json_schema_extra={
            "unit": "",
            "source": "setting (seeds: the village's own officer is dispatched first)",
        },
    )
    own_officer_max_extra_min: float | None = Field(
        10,
        ge=0,
        description="the village's own officer goes first only if its travel time is at most "
        "this much longer than the closest available officer's, minutes; null = always the own "
        "officer. Assumption",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: a command centre sends the own officer (seeds) unless another "
            "is clearly nearer; 10 min, the order of call handling plus a short drive",
        },
    )
    mutual_aid_after_min: float | None = Field(
        60,
        ge=0,
        description="jurisdiction first (属地管辖): an incident is answered by its own township's "
        "station; once it has waited this long in that station's queue, the closest free officer "
        "of another township within dispatch.mutual_aid_max_travel_min goes (支援), or the first "
        "such to come free; null = never",
        json_schema_extra={
            "unit": "minutes",
            "source": "setting: police stations answer their own jurisdiction (属地管辖); "
            "assumption: the command centre orders support from another station when the own "
            "station cannot come within the hour",
        },
    )
    mutual_aid_max_travel_min: float | None = Field(
        30,
        ge=0,
        description="mutual aid comes only from an officer at most this many minutes' drive "
        "from the incident (a neighbouring station across the township border); null = from "
        "anywhere in the county",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: support is asked of a neighbouring station's officer within "
            "half an hour, not of one hours away whose officer would arrive after the own "
            "station's",
        },
    )
    auxiliary_first_presence: bool = Field(
        True,
        description="send the village auxiliary as first presence",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    auxiliary_response_min: float = Field(
        8,
        ge=0,
        description="mean time for an auxiliary to reach a scene in its village",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: on foot or motorbike within the village",
        },
    )
    auxiliary_scene_min: float = Field(
        60,
        ge=0,
        description="time a village auxiliary stays at a scene before taking another, minutes",
        json_schema_extra={"unit": "minutes", "source": "assumption: an hour at the scene"},
    )
    priority: dict[IncidentType, int] = Field(
        default_factory=lambda: {
            IncidentType.VIOLENT: 0,
            IncidentType.PROPERTY: 1,
            IncidentType.DISPUTE: 1,
            IncidentType.SERVICE: 2,
        },
        description="dispatch priority by incident type, lower is more urgent; first come first "
        "served within a priority",
        json_schema_extra={
            "unit": "rank",
            "source": "setting: violent before property and disputes before other calls",
        },
    )
    travel_time_cv: float = Field(
        0.2,
        ge=0,
        le=2,
        description="coefficient of variation of a response trip's duration (traffic, weather, "
        "finding the house); 0 = deterministic road times",
        json_schema_extra={"unit": "ratio", "source": "assumption"},
    )
    vehicle_kmh_factor: float = Field(
        1.0,
        gt=0,
        description="response driving speed relative to normal road speed",
        json_schema_extra={"unit": "ratio", "source": "assumption"},
    )

    @field_validator("priority")
    @classmethod
    def _every_type_ranked(cls, p: dict[IncidentType, int]) -> dict[IncidentType, int]:
        missing = set(IncidentType) - set(p)
        if missing:
            raise ValueError(f"missing incident type(s) {sorted(map(str, missing))}")
        return p


def _default_on_scene() -> dict[str, Distribution]:
    # Assumption: on-scene times of rural Chinese stations are not published; these
    # are of the order reported for US/UK patrol units (30-90 minutes).
    return {
        "property": Distribution(kind="lognormal", mean=60, sd=30),
        "violent": Distribution(kind="lognormal", mean=90, sd=45),
        "dispute": Distribution(kind="lognormal", mean=60, sd=30),
        "service": Distribution(kind="lognormal", mean=40, sd=20),
    }


def _default_casework() -> dict[str, Distribution]:
    # Assumption: officer time owed after a scene, done at base when no call needs the officer:
    # investigation, statements and the case file of a recorded crime (立案) — about an
    # officer-day for a theft, two for an assault, as a rural station officer's log shows cases
    # taking days (Zhang, 派出所功能与国家治理的法治化, K station, May 2014) — a mediation
    # record (调解笔录) for a dispute, the call record for other calls.
    return {
        "property": Distribution(kind="lognormal", mean=480, sd=240),
        "violent": Distribution(kind="lognormal", mean=960, sd=480),
        "dispute": Distribution(kind="lognormal", mean=60, sd=30),
        "service": Distribution(kind="lognormal", mean=30, sd=15),
    }


WARMUP_DAYS = 365
"""Default warm-up (days); docs/ODD.md shows the headline metrics stationary after it."""


class TrustConfig(Section):
    """Villagers' trust in the police (0-1)."""

    initial_mean: Probability = Field(
        0.5,
        description="mean initial trust. Assumption",
        json_schema_extra={"unit": "trust 0-1", "source": "assumption"},
    )
    initial_sd: float = Field(
        0.15,
        ge=0,
        le=0.5,
        description="sd of initial trust",
        json_schema_extra={"unit": "trust 0-1", "source": "assumption"},
    )
    visit_gain: float = Field(
        0.05,
        ge=0,
        le=1,
        description="trust gain of a household visit",
        json_schema_extra={"unit": "share of distrust removed", "source": "assumption"},
    )
    contact_gain: float = Field(
        0.002,
        ge=0,
        le=1,
        description="trust gain of a day with a police or auxiliary contact",
        json_schema_extra={"unit": "share of distrust removed", "source": "assumption"},
    )
    fast_response_min: float = Field(
        20,
        gt=0,
        description="a response this fast pleases",
        json_schema_extra={"unit": "minutes", "source": "assumption"},
    )
    response_gain: float = Field(
        0.05,
        ge=0,
        le=1,
        description="trust change after a response",
        json_schema_extra={"unit": "share", "source": "assumption"},
    )
    unresolved_loss: float = Field(
        0.02,
        ge=0,
        le=1,
        description="trust loss of a victim household whose incident is not reported (nobody "
        "comes)",
        json_schema_extra={"unit": "share", "source": "assumption"},
    )
    diffusion_per_day: Probability = Field(
        0.005,
        description="daily pull of trust toward the village mean (word of mouth)",
        json_schema_extra={"unit": "share per day", "source": "assumption"},
    )
    decay_per_day: Probability = Field(
        0.005,
        description="daily pull of each villager's trust back toward their own initial "
        "trust (a disposition that contacts move only while they last)",
        json_schema_extra={"unit": "share per day", "source": "assumption"},
    )
    satisfied_threshold: Probability = Field(
        0.6,
        description="trust above which a resident counts as satisfied",
        json_schema_extra={"unit": "trust 0-1", "source": "assumption"},
    )
    visibility_window_days: float = Field(
        30,
        gt=0,
        description="a resident who met police or an auxiliary within this many days counts as "
        "having seen them (visibility, 见警率)",
        json_schema_extra={"unit": "days", "source": "setting: a month, as 见警率 surveys ask"},
    )
    contacts_per_presence_hour: float = Field(
        8.0,
        ge=0,
        description="residents an officer or auxiliary meets per hour of presence in a village "
        "(shared among its present residents, so big villages see them less)",
        json_schema_extra={
            "unit": "residents per hour",
            "source": "assumption: a walk through the village, a few conversations",
        },
    )


class AddonsConfig(Section):
    """Orthogonal measures a scenario can switch on (seeds)."""

    cctv: bool = Field(
        False,
        description="CCTV at village entrances (雪亮工程)",
        json_schema_extra={"unit": "", "source": "setting (雪亮工程, seeds)"},
    )
    cctv_deterrence: float = Field(
        0.15,
        ge=0,
        description="success log-reduction with CCTV",
        json_schema_extra={"unit": "log-reduction", "source": "assumption"},
    )
    cctv_clearance_bonus: float = Field(
        0.1,
        ge=0,
        le=1,
        description="clearance bonus with CCTV",
        json_schema_extra={"unit": "probability points", "source": "assumption"},
    )
    joint_defence: bool = Field(
        False,
        description="joint household defence (五户联防)",
        json_schema_extra={"unit": "", "source": "setting (五户联防, seeds)"},
    )
    joint_defence_guardians: float = Field(
        0.3,
        ge=0,
        description="guardian equivalents of joint defence per village",
        json_schema_extra={"unit": "guardian equivalents", "source": "assumption"},
    )
    volunteer_patrol: bool = Field(
        False,
        description="volunteer patrol teams (义务巡逻队)",
        json_schema_extra={"unit": "", "source": "setting (义务巡逻队, seeds)"},
    )
    volunteer_guardians: float = Field(
        0.3,
        ge=0,
        description="guardian equivalents of a volunteer patrol by night",
        json_schema_extra={"unit": "guardian equivalents", "source": "assumption"},
    )
    multi_channel_reporting: bool = Field(
        False,
        description="phone, WeChat and in person",
        json_schema_extra={"unit": "", "source": "setting (seeds)"},
    )
    smart_dispatch: bool = Field(
        False,
        description="shorter call handling",
        json_schema_extra={"unit": "", "source": "setting (seeds)"},
    )


class CostsConfig(Section):
    """Annual costs, CNY."""

    officer_per_year: float = Field(
        150_000,
        ge=0,
        description="salary and overheads per officer, CNY/year. Assumption",
        json_schema_extra={
            "unit": "CNY per year",
            "source": "assumption: salary and overheads of a rural officer",
        },
    )
    auxiliary_per_year: float = Field(
        40_000,
        ge=0,
        description="pay per village auxiliary, CNY/year. Assumption",
        json_schema_extra={
            "unit": "CNY per year",
            "source": "assumption: auxiliary pay of ~3,000 CNY a month plus insurance",
        },
    )
    vehicle_per_year: float = Field(
        30_000,
        ge=0,
        description="running cost per patrol vehicle, CNY/year. Assumption",
        json_schema_extra={"unit": "CNY per year", "source": "assumption"},
    )
    officers_per_vehicle: float = Field(
        3,
        gt=0,
        description="officers sharing one vehicle",
        json_schema_extra={"unit": "officers", "source": "assumption"},
    )
    police_room_per_year: float = Field(
        20_000,
        ge=0,
        description="running cost per district police room, CNY/year. Assumption",
        json_schema_extra={"unit": "CNY per year", "source": "assumption"},
    )
    vehicle_per_km: float = Field(
        1.0,
        ge=0,
        description="running cost per vehicle-km driven on duty (fuel, tyres, upkeep), CNY/km: "
        "patrols, village presence and responses are not free",
        json_schema_extra={
            "unit": "CNY per km",
            "source": "assumption: ~9 L/100 km at ~7.5 CNY/L of petrol (~0.7 CNY/km) plus ~0.3 "
            "CNY/km upkeep; below the 80% of local taxi fares per km that Shenyang's Hunnan "
            "district charged its departments for official cars (China Daily, 2014-05-13)",
        },
    )
    cctv_per_village_per_year: float = Field(
        15_000,
        ge=0,
        description="CCTV at one village entrance, CNY/year. Assumption",
        json_schema_extra={"unit": "CNY per year", "source": "assumption"},
    )


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
        json_schema_extra={"unit": "days", "source": "assumption"},
    )
    festival_return_share: Probability = Field(
        0.8,
        description="share of migrant workers home over Spring Festival. Assumption",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "assumption: most migrants come home for Spring Festival",
        },
    )
    market_every_days: int = Field(
        5,
        ge=0,
        le=366,
        description="rural market (赶集) cycle, days; 0 = none",
        json_schema_extra={
            "unit": "days",
            "source": "assumption: many rural markets (赶集) run on a 5-day cycle",
        },
    )
    market_multiplier: float = Field(
        1.3,
        ge=0,
        description="crime and calls on market days",
        json_schema_extra={"unit": "ratio", "source": "assumption"},
    )


class Scenario(Section):
    """A complete, validated simulation scenario."""

    name: str = Field(
        "scenario",
        description="short name used for results folders",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    description: str = Field(
        "", description="free text", json_schema_extra={"unit": "", "source": "setting"}
    )
    mode: Literal["full", "calls_for_service"] = Field(
        "full",
        description="'calls_for_service' switches off offenders, disputes and proactive work "
        "and reports every call at once: a spatial queue",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    days: float = Field(
        365,
        gt=0,
        le=36_500,
        description="observed days, after the warm-up",
        json_schema_extra={"unit": "days", "source": "setting"},
    )
    warmup_days: int = Field(
        WARMUP_DAYS,
        ge=0,
        le=3650,
        description="days simulated before observation starts (trust, offenders in jail and "
        "open disputes settle); every output covers only the `days` after them",
        json_schema_extra={
            "unit": "days",
            "source": "setting: long enough that the headline metrics are stationary after it "
            "(docs/ODD.md, Warm-up)",
        },
    )
    seed: int = Field(
        0,
        ge=0,
        le=MAX_SEED,
        description="base seed of the run",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    region: RegionConfig = Field(default_factory=RegionConfig)
    policing: PolicingConfig = Field(default_factory=PolicingConfig)
    crime: CrimeConfig = Field(default_factory=CrimeConfig)
    disputes: DisputeConfig = Field(default_factory=DisputeConfig)
    calls: CallsConfig = Field(default_factory=CallsConfig)
    reporting: ReportingConfig = Field(default_factory=ReportingConfig)
    dispatch: DispatchConfig = Field(default_factory=DispatchConfig)
    on_scene: dict[str, Distribution] = Field(
        default_factory=_default_on_scene,
        description="on-scene time by incident type",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: of the order reported for US/UK patrol units",
        },
    )
    casework: dict[str, Distribution] = Field(
        default_factory=_default_casework,
        description="casework owed after a scene, by incident type (investigation, statements, "
        "case files, records): done at base whenever the officer is idle, before any proactive "
        "work, and interrupted by dispatches",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: an officer-day per theft case, two per assault; a rural "
            "station officer's log shows cases taking days (派出所功能与国家治理的法治化, K "
            "station, May 2014)",
        },
    )
    trust: TrustConfig = Field(default_factory=TrustConfig)
    addons: AddonsConfig = Field(default_factory=AddonsConfig)
    costs: CostsConfig = Field(default_factory=CostsConfig)
    season: SeasonConfig = Field(default_factory=SeasonConfig)

    @field_validator("on_scene", "casework")
    @classmethod
    def _by_type(cls, d: dict[str, Distribution], info: ValidationInfo) -> dict[str, Distribution]:
        """Every incident type has a duration; types not given keep their defaults."""
        unknown = set(d) - set(INCIDENT_TYPES)
        if unknown:
            raise ValueError(f"unknown incident type(s) {sorted(unknown)}; use {INCIDENT_TYPES}")
        defaults = _default_on_scene() if info.field_name == "on_scene" else _default_casework()
        return {t: d.get(t, defaults[t]) for t in INCIDENT_TYPES}

    @model_validator(mode="after")
    def _posts_only_in_calls_for_service(self) -> Scenario:
        """Officers posted at named villages are a queueing setting: in full mode they would
        make an officer posted in one village the own officer of a whole township and leave
        the presets' shifts and stations undefined."""
        posts = self.policing.posts
        if posts and self.mode != "calls_for_service":
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "posts_mode",
                            "officers posted at named villages need mode: calls_for_service; "
                            "in full mode officers are posted to the township stations",
                        ),
                        loc=("policing", "posts"),
                        input=posts,
                    )
                ],
            )
        return self

    @property
    def proactive(self) -> bool:
        """True unless in calls-for-service mode (a pure spatial queue)."""
        return self.mode == "full"
