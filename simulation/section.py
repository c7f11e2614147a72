"""The base of every schema section, shared by the scenario schema and the policing presets'
own sections (which live beside their preset, in simulation/policing/)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class Section(BaseModel):
    """Base for every schema section: unknown keys and wrong types are errors."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def documented(unit: str, source: str) -> dict[str, Any]:
    """A field's unit and source, as the docs generator (simulation.reference) reads them."""
    return {"unit": unit, "source": source}
