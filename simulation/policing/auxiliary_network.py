"""一村一辅警 / 驻村协勤 — station officers plus one auxiliary per village."""

from .base import PolicingModel
from .registry import register


@register
class AuxiliaryNetwork(PolicingModel):
    """Station officers as in `clinic` plus one auxiliary per village: a trusted local who
    patrols, hears of disputes early, mediates, reports at once and is first on scene, but
    cannot arrest (`policing.auxiliaries`; null = one per village)."""

    name = "auxiliary_network"
    chinese = "一村一辅警 / 驻村协勤"
    auxiliaries_by_default = True
