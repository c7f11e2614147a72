"""Annual cost of a deployment, CNY: the one cost formula, read by a run's summary, the
equal-cost sizing of comparisons and the planner."""

from __future__ import annotations

import math

from pydantic import Field

from .section import Section, plausible


class CostsConfig(Section):
    """Annual costs, CNY."""

    officer_per_year: float = Field(
        150_000,
        ge=0,
        description="salary and overheads per officer, CNY/year. Assumption",
        json_schema_extra={
            "unit": "CNY per year",
            "source": "assumption: salary and overheads of a rural officer",
            "plausible": plausible(
                110_000,
                260_000,
                "NBS 2022: public-administration mean wage 117,440 CNY (all-sector 90-133k by "
                "region); +30-60% insurance, housing fund and kit",
                dist="triangular",
                mode=150_000,
            ),
        },
    )
    auxiliary_per_year: float = Field(
        40_000,
        ge=0,
        description="pay per village auxiliary, CNY/year. Assumption",
        json_schema_extra={
            "unit": "CNY per year",
            "source": "assumption: auxiliary pay of ~3,000 CNY a month plus insurance",
            "plausible": plausible(
                20_000,
                70_000,
                "expert range (assumption): 1,500-4,500 CNY a month (part-time village posts to "
                "full 辅警 pay) plus insurance; NBS 2022 private-unit mean 53-56k central/west",
                dist="triangular",
                mode=40_000,
            ),
        },
    )
    vehicle_per_year: float = Field(
        30_000,
        ge=0,
        description="running cost per patrol vehicle, CNY/year. Assumption",
        json_schema_extra={
            "unit": "CNY per year",
            "source": "assumption",
            "plausible": plausible(
                15_000,
                50_000,
                "expert range (assumption): a 120-200k CNY car written off over 6-10 years plus "
                "insurance and servicing; fuel is in vehicle_per_km",
                dist="triangular",
                mode=30_000,
            ),
        },
    )
    officers_per_vehicle: float = Field(
        3,
        gt=0,
        description="officers sharing one vehicle",
        json_schema_extra={
            "unit": "officers",
            "source": "assumption",
            "plausible": plausible(
                2,
                5,
                "expert range (assumption): a rural station runs one car per 2-5 officers "
                "(dispersed villages need more cars)",
                dist="triangular",
                mode=3,
            ),
        },
    )
    police_room_per_year: float = Field(
        20_000,
        ge=0,
        description="running cost per district police room, CNY/year. Assumption",
        json_schema_extra={
            "unit": "CNY per year",
            "source": "assumption",
            "plausible": plausible(
                5_000,
                50_000,
                "expert range (assumption): from a room in the village committee building "
                "(utilities, network) to a rented, equipped room",
                dist="triangular",
                mode=20_000,
            ),
        },
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
            "plausible": plausible(
                0.6,
                1.8,
                "expert range (assumption): 7-12 L/100 km on county roads at 7-8.5 CNY/L "
                "(0.5-1.0 CNY/km) plus 0.1-0.8 CNY/km upkeep",
                dist="triangular",
                mode=1.0,
            ),
        },
    )
    cctv_per_village_per_year: float = Field(
        15_000,
        ge=0,
        description="CCTV at one village entrance, CNY/year. Assumption",
        json_schema_extra={
            "unit": "CNY per year",
            "source": "assumption",
            "plausible": plausible(
                5_000,
                40_000,
                "expert range (assumption): a few entrance cameras written off over ~5 years, "
                "plus network lease and upkeep",
                dist="triangular",
                mode=15_000,
            ),
        },
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
