"""Every preset builds, steps (one Mesa step = one hour) and produces every table."""

from __future__ import annotations

import pytest

from simulation import PRESETS, RuralPolicingModel
from simulation.agents import Auxiliary, Officer
from tests.helpers import small


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_preset_runs(preset):
    model = RuralPolicingModel(small(preset, days=5), seed=1)
    model.step()
    assert model.time == 1.0, "one Mesa step is one hour"
    assert model.now == 60.0
    assert len(model.agents_by_type[Officer]) == 10
    model.run()
    tables = model.results()
    assert set(tables) == {"incidents", "daily", "villages", "officers", "roads", "summary"}
    assert len(tables["daily"]) == 5
    assert tables["summary"]["preset"] == preset
    has_aux = PRESETS[preset].auxiliaries_by_default
    assert (Auxiliary in model.agents_by_type) == has_aux


def test_resident_presets_assign_villages():
    model = RuralPolicingModel(small("village_officer", days=1), seed=1)
    residents = [o for o in model.officers if o.role == "village"]
    assert residents, "village_officer must give officers villages"
    covered = {v for o in residents for v in o.villages}
    assert len(covered) == model.region.n, "every village has a village officer"
    model = RuralPolicingModel(small("district_officer", days=1), seed=1)
    districts = [o for o in model.officers if o.role == "district"]
    assert districts and all(1 <= len(o.villages) <= 12 for o in districts)
    assert model.deployment.rooms, "district officers work from police rooms"


@pytest.mark.parametrize("preset", ["village_officer", "district_officer", "hybrid"])
def test_resident_officers_never_leave_a_shift_uncovered(preset):
    """Giving officers villages moves them to the day shift, but never the last officer of
    another shift: every hour of the day keeps someone on duty county-wide (a 2-township
    county with 12 officers once left 17:00-24:00 empty)."""
    cfg = small(preset, days=2, policing={"officers": 12})
    cfg["region"]["townships"] = 2
    model = RuralPolicingModel(cfg, seed=0)
    for hour in range(24):
        on = [o for o in model.officers if (hour - o.shift.start_hour) % 24 < o.shift.hours]
        assert on, f"{preset}: nobody on duty at {hour}:00"
