"""Annual cost of a deployment, CNY: the one cost formula, read by a run's summary, the
equal-cost sizing of comparisons and the planner."""

from __future__ import annotations

import math

from pydantic import Field

from .section import Section


class CostsConfig(Section):
    """Annual costs, CNY."""

    officer_per_year: float = Field(
        150_000,
        ge=0,
        description="salary and overheads per officer, CNY/year. Assumption",
        json_schema_extra={
            "unit": "CNY per year",
            "source": "assumption: salary and overheads of a rural officer",
        },
    )
    auxiliary_per_year: float = Field(
        40_000,
        ge=0,
        description="pay per village auxiliary, CNY/year. Assumption",
        json_schema_extra={
            "unit": "CNY per year",
            "source": "assumption: auxiliary pay of ~3,000 CNY a month plus insurance",
        },
    )
    vehicle_per_year: float = Field(
        30_000,
        ge=0,
        description="running cost per patrol vehicle, CNY/year. Assumption",
        json_schema_extra={"unit": "CNY per year", "source": "assumption"},
    )
    officers_per_vehicle: float = Field(
        3,
        gt=0,
        description="officers sharing one vehicle",
        json_schema_extra={"unit": "officers", "source": "assumption"},
    )
    police_room_per_year: float = Field(
        20_000,
        ge=0,
        description="running cost per district police room, CNY/year. Assumption",
        json_schema_extra={"unit": "CNY per year", "source": "assumption"},
    )
    vehicle_per_km: float = Field(
        1.0,
        ge=0,
        description="running cost per vehicle-km driven on duty (fuel, tyres, upkeep), CNY/km: "
        "patrols, village presence and responses are not free",
        json_schema_extra={
            "unit": "CNY per km",
            "source": "assumption: ~9 L/100 km at ~7.5 CNY/L of petrol (~0.7 CNY/km) plus ~0.3 "
            "CNY/km upkeep; below the 80% of local taxi fares per km that Shenyang's Hunnan "
            "district charged its departments for official cars (China Daily, 2014-05-13)",
        },
    )
    cctv_per_village_per_year: float = Field(
        15_000,
        ge=0,
        description="CCTV at one village entrance, CNY/year. Assumption",
        json_schema_extra={"unit": "CNY per year", "source": "assumption"},
    )


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
