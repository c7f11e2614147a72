"""Policing models, one module each. `make_policing(model)` returns the preset's object.

A new policing model is a new module with a `PolicingModel` subclass registered in
`PRESETS` below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .auxiliary_network import AuxiliaryNetwork
from .base import PolicingModel
from .clinic import Clinic
from .district_officer import DistrictOfficer
from .hybrid import Hybrid
from .patrol import Patrol
from .village_officer import VillageOfficer

if TYPE_CHECKING:
    from ..model import RuralPolicingModel

PRESETS: dict[str, type[PolicingModel]] = {
    cls.name: cls
    for cls in (Clinic, Patrol, VillageOfficer, DistrictOfficer, AuxiliaryNetwork, Hybrid)
}


def make_policing(model: RuralPolicingModel) -> PolicingModel:
    """The policing model named by `policing.preset`. In calls-for-service mode every preset
    behaves as `clinic`: officers wait at their posts and only answer calls."""
    preset = model.config.policing.preset if model.config.proactive else "clinic"
    match PRESETS.get(preset):
        case None:
            raise ValueError(f"unknown policing preset {preset!r}; choose from {sorted(PRESETS)}")
        case cls:
            return cls(model)


__all__ = ["PRESETS", "PolicingModel", "make_policing"]
