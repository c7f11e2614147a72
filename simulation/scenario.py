"""The scenario schema: every section assembled into one validated object.

Each component declares the settings it reads beside its code (units, bounds, sources):
`region.RegionConfig`, `policing.settings.PolicingConfig` (and each preset's own section, beside
the preset), `crime.CrimeConfig`, `disputes.DisputeConfig`, `calls.CallsConfig`,
`response.ReportingConfig` (and the on-scene and casework durations), `dispatch.DispatchConfig`,
`community.TrustConfig`, `addons.AddonsConfig`, `costs.CostsConfig`, `rhythms.SeasonConfig`.
This module only assembles them, with the run's own settings (mode, days, warm-up, seed) and
the checks that span sections.

A scenario is a validated pydantic object. The Python API builds one directly
(`Scenario(policing={"preset": "hybrid"})`); the YAML files in `scenarios/` are
parsed into the same object by `simulation.config_files`. Every section forbids unknown keys,
so a typo is an error, not a silent default.
"""

from __future__ import annotations

import difflib
from typing import Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .addons import AddonsConfig
from .calls import CallsConfig
from .community import TrustConfig
from .costs import CostsConfig
from .crime import CrimeConfig
from .dispatch import DispatchConfig
from .disputes import DisputeConfig
from .errors import Problem, ScenarioError
from .limits import MAX_SEED
from .policing.settings import PolicingConfig
from .ranges import RangeOverride, check_overrides, schema_ranges
from .region import RegionConfig
from .response import ReportingConfig, default_casework, default_on_scene
from .rhythms import SeasonConfig
from .section import Distribution, Section, plausible
from .vocab import INCIDENT_TYPES, check_incident_types

LineMap = dict[tuple[str, ...], tuple[str, int]]
"""Where each key of a scenario file is: key path -> (file, line)."""

# Keys that moved into a preset's own section: old key -> new key (for "did you mean").
MOVED_KEYS = {
    "policing.resident_share": "policing.resident.share",
    "policing.presence_share": "policing.resident.presence_share",
    "policing.district_size": "policing.district.size",
    "policing.officers_per_district": "policing.district.officers",
    "policing.patrol_intensity": "policing.patrol.intensity",
    "policing.patrol_dwell_min": "policing.patrol.dwell_min",
}

WARMUP_DAYS = 365
"""Default warm-up (days); docs/ODD.md shows the headline metrics stationary after it."""


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
        default_factory=default_on_scene,
        description="on-scene time by incident type",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: of the order reported for US/UK patrol units",
            "plausible": {
                "property.mean": plausible(
                    30,
                    120,
                    "expert range (assumption): US/UK patrol units spend ~30-90 min a scene; "
                    "rural Chinese stations' times are unpublished",
                    dist="triangular",
                    mode=60,
                ),
                "violent.mean": plausible(
                    45,
                    180,
                    "expert range (assumption): an assault takes longer than a theft (injured, "
                    "witnesses, a suspect); rural Chinese scene times are unpublished",
                    dist="triangular",
                    mode=90,
                ),
                "dispute.mean": plausible(
                    30,
                    150,
                    "expert range (assumption): on-scene mediation of a village dispute may take "
                    "half an hour or most of an afternoon; unpublished",
                    dist="triangular",
                    mode=60,
                ),
                "service.mean": plausible(
                    15,
                    90,
                    "expert range (assumption): a help call is shorter than a crime scene; "
                    "rural Chinese scene times are unpublished",
                    dist="triangular",
                    mode=40,
                ),
            },
        },
    )
    casework: dict[str, Distribution] = Field(
        default_factory=default_casework,
        description="casework owed after a scene, by incident type (investigation, statements, "
        "case files, records): done at base whenever the officer is idle, before any proactive "
        "work, and interrupted by dispatches",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: an officer-day per theft case, two per assault; a rural "
            "station officer's log shows cases taking days (派出所功能与国家治理的法治化, K "
            "station, May 2014)",
            "plausible": {
                "property.mean": plausible(
                    160,
                    1440,
                    "派出所功能与国家治理的法治化 (K station log, May 2014): cases take days; "
                    "a third to three officer-days per recorded theft (assumption)",
                    dist="lognormal",
                    mode=480,
                ),
                "violent.mean": plausible(
                    320,
                    2880,
                    "派出所功能与国家治理的法治化 (K station log, May 2014): cases take days; "
                    "two officer-days per assault, a third to three times that (assumption)",
                    dist="lognormal",
                    mode=960,
                ),
                "dispute.mean": plausible(
                    20,
                    180,
                    "expert range (assumption): a mediation record (调解笔录) takes from "
                    "twenty minutes to a few hours to write up",
                    dist="lognormal",
                    mode=60,
                ),
                "service.mean": plausible(
                    10,
                    90,
                    "expert range (assumption): the call record of a help call, ten minutes "
                    "to an hour or more",
                    dist="lognormal",
                    mode=30,
                ),
            },
        },
    )
    ranges: dict[str, RangeOverride | Literal["fixed"]] = Field(
        default_factory=dict,
        description="this scenario's own plausible ranges, by parameter: `{low, high}` (uniform "
        "unless `dist` says otherwise) or `fixed` (held at this scenario's value); the others "
        "keep their declared ranges (docs/parameters.md)",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    trust: TrustConfig = Field(default_factory=TrustConfig)
    addons: AddonsConfig = Field(default_factory=AddonsConfig)
    costs: CostsConfig = Field(default_factory=CostsConfig)
    season: SeasonConfig = Field(default_factory=SeasonConfig)

    @field_validator("on_scene", "casework")
    @classmethod
    def _by_type(cls, d: dict[str, Distribution], info: ValidationInfo) -> dict[str, Distribution]:
        """Every incident type has a duration; types not given keep their defaults."""
        check_incident_types(d, every=False)
        defaults = default_on_scene() if info.field_name == "on_scene" else default_casework()
        return {t: d.get(t, defaults[t]) for t in INCIDENT_TYPES}

    @model_validator(mode="after")
    def _known_ranges(self) -> Scenario:
        """Every overridden range names an uncertain parameter and stays in its bounds."""
        if not self.ranges:
            return self
        problems = check_overrides(self.ranges, schema_ranges(Scenario))
        if problems:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError("range", reason),
                        loc=("ranges", key),
                        input=self.ranges[key],
                    )
                    for key, reason in problems.items()
                ],
            )
        return self

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


def section_at(loc: tuple) -> type[BaseModel] | None:
    """The schema section (a pydantic model) at a key path, preset sections included."""
    model: Any = Scenario
    for part in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            return (
                PolicingConfig.preset_sections().get(str(part)) if model is PolicingConfig else None
            )
        model = field.annotation
        while get_origin(model) is not None and not (
            isinstance(model, type) and issubclass(model, BaseModel)
        ):
            args = [a for a in get_args(model) if a is not type(None)]
            model = args[-1] if args else None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def fields_at(loc: tuple) -> list[str]:
    """Field names of the schema section at `loc` (for 'did you mean')."""
    model = section_at(loc)
    if model is None:
        return []
    names = list(model.model_fields)
    if model is PolicingConfig:
        names += list(PolicingConfig.preset_sections())
    return names


def problems_from(exc: ValidationError, lines: LineMap, file: str | None) -> list[Problem]:
    """One Problem per pydantic error, with file, line, dotted key and a readable reason."""
    problems = []
    for err in exc.errors():
        loc = tuple(str(x) for x in err["loc"])
        key = ".".join(loc)
        reason = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            options = fields_at(tuple(err["loc"][:-1]))
            close = difflib.get_close_matches(loc[-1], options, n=1)
            if key in MOVED_KEYS:
                reason = f"unknown key (moved: did you mean '{MOVED_KEYS[key]}'?)"
            else:
                reason = "unknown key" + (f" (did you mean '{close[0]}'?)" if close else "")
        elif err["type"] == "literal_error":
            reason = f"{reason}, got {err.get('input')!r}"
        elif (
            "input" in err
            and err["type"] not in ("missing",)
            and not isinstance(err["input"], (dict, list))
        ):  # a whole section's value is too long to repeat
            reason = f"{reason} (got {err['input']!r})"
        where = None
        for n in range(len(loc), 0, -1):  # nearest key that has a line
            if loc[:n] in lines:
                where = lines[loc[:n]]
                break
        problems.append(
            Problem(
                key=key,
                reason=reason,
                file=where[0] if where else file,
                line=where[1] if where else None,
            )
        )
    return problems


def validate_dict(data: dict, lines: LineMap | None = None, file: str | None = None) -> Scenario:
    """A Scenario from a plain dict; ScenarioError listing every problem otherwise."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, lines or {}, file)) from None


def as_scenario(config: Scenario | dict | None) -> Scenario:
    """A validated Scenario from a Scenario, a plain dict, or None (defaults). A Scenario is
    validated again: a nested field assigned through the API (`s.policing.shifts[0].share =
    0.9`) skips the checks that span fields, such as shift shares summing to 1."""
    if config is None:
        return Scenario()
    if isinstance(config, Scenario):
        validate_dict(config.model_dump())  # the checks only: the run keeps `config` itself
        return config
    return validate_dict(config)


def is_int_key(key: str) -> bool:
    """Whether a dotted key names an integer field (design values are rounded to it)."""
    parts = key.split(".")
    model = section_at(tuple(parts[:-1]))
    if model is None or parts[-1] not in model.model_fields:
        return False
    return "int" in str(model.model_fields[parts[-1]].annotation).split("|")[0]
