"""坐诊式警务 — "clinic" policing: officers wait at the township station for 110 calls."""

from .base import PolicingModel
from .registry import register


@register
class Clinic(PolicingModel):
    """Officers wait at the township police station (派出所) for 110 calls; nothing
    proactive. The Chinese sources call this "fire-fighting" model the dominant, failing rural
    model."""

    name = "clinic"
    chinese = "坐诊式警务 (突击救火型)"
