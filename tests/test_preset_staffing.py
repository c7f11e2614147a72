"""Each region template gives each preset the staffing its name means (issue: presets that do
not model what their names say). Built only, not run: staffing is fixed at set-up."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from simulation import RuralPolicingModel, load_scenario

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ("plain", "hill", "mountain", "periurban")


def build(region: str, preset: str) -> RuralPolicingModel:
    return RuralPolicingModel(load_scenario(ROOT / "scenarios" / region / f"{preset}.yaml"), seed=1)


@pytest.mark.parametrize("region", REGIONS)
def test_village_officers_cover_every_village_in_small_groups(region):
    """一村一警 as a county can staff it (包村): every village has its own officer, from its own
    township's station, each officer a compact group of villages (~5 at ~4 officers per
    10,000 residents; at most 8)."""
    model = build(region, "village_officer")
    own = model.deployment.own_officers
    assert set(own) == set(range(model.region.n)), "every village needs its own officer"
    township = model.region.township
    for v, officers in own.items():
        for o in officers:
            assert township[o.station] == township[v], "a village officer stays in its township"
    residents = model.deployment.residents
    assert max(len(o.villages) for o in residents) <= 8, "包村 groups of at most 8 villages"


@pytest.mark.parametrize("region", REGIONS)
def test_districts_follow_the_hubei_rule(region):
    """一区一警: every village lies in a district with 1-2 officers (Hubei rule: 5-8 villages,
    1-2 officers per district; a township with fewer villages forms smaller districts)."""
    model = build(region, "district_officer")
    own = model.deployment.own_officers
    assert set(own) == set(range(model.region.n)), "every village needs a district officer"
    per_district = Counter(o.district for o in model.deployment.residents)
    assert set(per_district.values()) <= {1, 2}, per_district
    sizes = {o.district: len(o.villages) for o in model.deployment.residents}
    assert all(5 <= n <= 8 for n in sizes.values()), sizes


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("preset", ["auxiliary_network", "hybrid"])
def test_one_auxiliary_per_village(region, preset):
    model = build(region, preset)
    assert sorted(model.auxiliary_by_village) == list(range(model.region.n))
