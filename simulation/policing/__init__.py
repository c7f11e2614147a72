"""Policing models, one module each, registered with `@register` (see base.py).

Every module of this package is imported here, so a new policing model is one new module:
a `PolicingModel` subclass decorated with `@register`, with its own section if it has knobs.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

import numpy as np

from .base import Deployment, PolicingModel, Sites
from .registry import PRESETS, SECTIONS, register, unregister

if TYPE_CHECKING:
    from ..agents import Officer
    from ..duty import Shift
    from ..region import Region
    from ..rhythms import Calendar
    from .settings import PolicingConfig

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
for _name in sorted(PRESETS):  # list presets alphabetically, whatever the import order
    PRESETS[_name] = PRESETS.pop(_name)


def preset_that_runs(preset: str, proactive: bool) -> str:
    """In calls-for-service mode every preset behaves as `clinic`: officers wait at their
    posts and only answer calls."""
    return preset if proactive else "clinic"


def make_policing(
    config: PolicingConfig,
    proactive: bool,
    region: Region,
    calendar: Calendar,
    officers: list[Officer],
    day_shift: Shift,
    rng: np.random.Generator,
) -> PolicingModel:
    """The policing model named by `policing.preset`, given its own sections."""
    cls = PRESETS[preset_that_runs(config.preset, proactive)]
    settings = {key: config.section(key) for key in cls.all_sections()}
    keep = config.min_officers_per_shift
    keep_per_shift = 1 if keep is None else keep  # null: the roster's default minimum
    return cls(settings, region, calendar, officers, day_shift, keep_per_shift, rng)


__all__ = [
    "PRESETS",
    "SECTIONS",
    "Deployment",
    "PolicingModel",
    "Sites",
    "make_policing",
    "preset_that_runs",
    "register",
    "unregister",
]
