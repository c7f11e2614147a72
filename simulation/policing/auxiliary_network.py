"""一村一辅警 / 驻村协勤 — station officers plus one auxiliary per village."""

from .base import PolicingModel
from .registry import register


@register
class AuxiliaryNetwork(PolicingModel):
    """Officers work from the station as in `clinic`; each village has an auxiliary, a
    trusted local who patrols, hears of disputes early, mediates, reports at once and
    is first on scene, but cannot arrest (`policing.auxiliaries`, null = one per
    village)."""

    name = "auxiliary_network"
    chinese = "一村一辅警"
    auxiliaries_by_default = True
