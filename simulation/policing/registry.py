"""The preset registry: the one list of policing models and of their scenario sections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..section import Section

if TYPE_CHECKING:
    from .base import PolicingModel

PRESETS: dict[str, type[PolicingModel]] = {}
SECTIONS: dict[str, type[Section]] = {}  # policing.<section> -> its settings class


def register[P: type[PolicingModel]](cls: P) -> P:
    """Class decorator: make a policing model available as `policing.preset: <cls.name>`."""
    sections = cls.all_sections()
    for key, settings in sections.items():
        if SECTIONS.get(key, settings) is not settings:
            raise TypeError(f"{cls.__name__}: section {key!r} is already another preset's")
    PRESETS[cls.name] = cls
    SECTIONS.update(sections)
    return cls


def unregister(name: str) -> None:
    """Remove a preset (and the sections no other preset uses): for tests."""
    PRESETS.pop(name, None)
    used = {key for cls in PRESETS.values() for key in cls.all_sections()}
    for key in set(SECTIONS) - used:
        del SECTIONS[key]
