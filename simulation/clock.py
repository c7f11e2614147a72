"""The model's clock as components see it: the minute now, and callbacks at a minute.

Mesa's time unit is the hour (one `step` is one hour); inside the model, times are minutes.
Components get a `Clock` instead of the model, so that none of them can reach back into it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mesa import Model

from .units import MINUTES_PER_HOUR


class Clock:
    """Model minutes over a Mesa model's event list."""

    def __init__(self, model: Model) -> None:
        self._model = model

    @property
    def now(self) -> float:
        """Model minutes since the start (Mesa's `time` is in hours)."""
        return self._model.time * MINUTES_PER_HOUR

    def at(self, callback: Callable[[], None], minute: float) -> Any:
        """Call `callback` (a bound method of a live object: Mesa holds it by weak reference)
        at a model minute."""
        return self._model.schedule_event(callback, at=minute / MINUTES_PER_HOUR)
