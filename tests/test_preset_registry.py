"""A new policing model is one module: a class registered with `@register`, with its own
scenario section. Here a tiny test-only preset runs end to end, from a scenario file through
the CLI to the results, with no edit to any other module."""

from __future__ import annotations

import math
from typing import ClassVar

import pandas as pd
import pytest
import yaml
from pydantic import Field

from simulation import RuralPolicingModel, ScenarioError
from simulation.cli import main
from simulation.config_files import validate_dict
from simulation.policing import PRESETS, PolicingModel, register, unregister
from simulation.scenario import MOVED_KEYS
from simulation.section import Section
from simulation.vocab import Activity
from tests.helpers import small


class StandSettings(Section):
    """Officers stand in one village (test-only preset)."""

    village: int = Field(0, ge=0, description="the village index")


class StandInVillage(PolicingModel):
    """Idle officers drive to one village and stay there on patrol."""

    name = "stand_in_village"
    sections: ClassVar = {"stand": StandSettings}

    def next_move(self, officer, t: float) -> None:
        settings = self.settings["stand"]
        assert isinstance(settings, StandSettings)
        officer.go(settings.village, t, Activity.TRAVEL, then=Activity.PATROL, dwell=math.inf)


@pytest.fixture
def stand_preset():
    register(StandInVillage)
    yield StandInVillage
    unregister(StandInVillage.name)
    assert StandInVillage.name not in PRESETS


def test_registered_preset_runs_and_reads_its_own_section(stand_preset):
    cfg = small("stand_in_village", days=10, policing={"stand": {"village": 3}})
    model = RuralPolicingModel(cfg, seed=1)
    assert model.policing.settings["stand"].village == 3
    tables = model.run().results()
    assert tables["summary"]["preset"] == "stand_in_village"
    assert tables["officers"]["min_patrol"].sum() > 0, "idle officers should patrol village 3"
    presence = tables["villages"]["presence_hours"]
    assert presence.iloc[3] == presence.max() > 0, "village 3 should see the most presence"


def test_registered_preset_section_is_validated(stand_preset):
    with pytest.raises(ScenarioError, match=r"policing\.stand\.vilage: unknown key"):
        validate_dict(small("stand_in_village", policing={"stand": {"vilage": 3}}))
    with pytest.raises(ScenarioError, match=r"policing\.stand\.village"):
        validate_dict(small("stand_in_village", policing={"stand": {"village": -1}}))


def test_registered_preset_in_the_docs_rows(stand_preset):
    from simulation.reference import schema_rows

    keys = {r["key"] for r in schema_rows()}
    assert {"policing.stand", "policing.stand.village"} <= keys


def test_registered_preset_through_the_cli(stand_preset, tmp_path):
    scenario = tmp_path / "stand.yaml"
    scenario.write_text(
        yaml.safe_dump(small("stand_in_village", days=5, policing={"stand": {"village": 2}}))
    )
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--out", str(out), "--quiet"]) == 0
    summary = pd.read_parquet(out / "summary.parquet")
    assert summary["preset"].tolist() == ["stand_in_village"]


def test_unknown_preset_lists_the_registry():
    with pytest.raises(ScenarioError) as err:
        validate_dict({"policing": {"preset": "no_such_model"}})
    for name in PRESETS:
        assert name in str(err.value)


@pytest.mark.parametrize("old", sorted(MOVED_KEYS))
def test_a_moved_key_says_where_it_went(old):
    section, key = old.split(".")
    with pytest.raises(ScenarioError) as err:
        validate_dict({section: {key: 1}})
    assert f"did you mean '{MOVED_KEYS[old]}'" in str(err.value)
