"""一村一警一助理 — a village officer plus a village auxiliary (the Mouding model)."""

from .registry import register
from .village_officer import VillageOfficer


@register
class Hybrid(VillageOfficer):
    """Village officers as in `village_officer`, plus one auxiliary per village (the Mouding
    county model)."""

    name = "hybrid"
    chinese = "一村一警一助理"
    auxiliaries_by_default = True
