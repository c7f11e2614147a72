"""坐诊式警务 — "clinic" policing: officers wait at the township station for 110 calls."""

from .base import PolicingModel
from .registry import register


@register
class Clinic(PolicingModel):
    """Reactive only: every officer waits at the station; nothing proactive. The seeds
    call this "fire-fighting" model (突击救火型) the dominant, failing rural model."""

    name = "clinic"
    chinese = "坐诊式警务"
