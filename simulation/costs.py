"""Annual cost of a deployment, CNY: the one cost formula, read by a run's summary, the
equal-cost sizing of comparisons and the planner."""

from __future__ import annotations

import math

from .scenario import CostsConfig


def annual_costs(
    costs: CostsConfig,
    officers: int,
    auxiliaries: int,
    police_rooms: int,
    cctv_villages: int,
    km_per_year: float,
) -> dict[str, float]:
    """Cost parts and total, CNY a year: officers, auxiliaries, vehicles (one per
    `officers_per_vehicle` officers), police rooms, CCTV and driving (vehicle-km at
    `vehicle_per_km`)."""
    parts = {
        "cost_officers_cny": officers * costs.officer_per_year,
        "cost_auxiliaries_cny": auxiliaries * costs.auxiliary_per_year,
        "cost_vehicles_cny": math.ceil(officers / costs.officers_per_vehicle)
        * costs.vehicle_per_year,
        "cost_police_rooms_cny": police_rooms * costs.police_room_per_year,
        "cost_cctv_cny": cctv_villages * costs.cctv_per_village_per_year,
        "cost_driving_cny": km_per_year * costs.vehicle_per_km,
    }
    parts = {k: float(v) for k, v in parts.items()}
    parts["cost_total_cny"] = float(sum(parts.values()))
    return parts
