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
from simulation.policing import PRESETS, Deployment, PolicingModel, Sites, register, unregister
from simulation.scenario import MOVED_KEYS
from simulation.section import Section
from simulation.vocab import Activity, Role
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


# --- a preset with deployable sites: planned and mapped without touching plan/ -----------


class OutpostSettings(Section):
    """Officers posted at outposts, one each (test-only preset)."""

    villages: list[str] | None = Field(None, description="outpost villages, by name")


class Outposts(PolicingModel):
    """One officer of each outpost's township lives at the outpost and waits there."""

    name = "outposts"
    sections: ClassVar = {"outposts": OutpostSettings}
    sites: ClassVar = Sites(
        section="outposts",
        key="villages",
        count="resident_officers",
        column="resident_villages",
        label="outpost",
        marker={"marker": "D", "s": 50, "color": "C5"},
    )

    def setup(self) -> Deployment:
        settings = self.settings["outposts"]
        assert isinstance(settings, OutpostSettings)
        deployment = Deployment()
        free = self.stations_officers()
        for name in settings.villages or []:
            v = self.region.village(name, "policing.outposts.villages")
            officer = free[int(self.region.stations[self.region.township[v]])].pop()
            officer.role, officer.base, officer.villages = Role.VILLAGE, v, [v]
            deployment.assign(officer, [v])
        return deployment


@pytest.fixture
def outposts_preset():
    register(Outposts)
    yield Outposts
    unregister(Outposts.name)


def test_a_preset_with_sites_is_planned_and_mapped(outposts_preset, tmp_path):
    """The planner places the toy preset's outposts (p-median, at least one per township) and
    writes them to its own section; the map draws them with the preset's marker and label."""
    import matplotlib.pyplot as plt

    from simulation.plan.outputs import deployment_map
    from simulation.plan.run import prepare_plan, run_plan

    county = {
        "name": "outposts",
        "days": 10,
        "warmup_days": 0,
        "seed": 4,
        "region": {"type": "hill", "villages": 10, "population": 8000, "townships": 2, "seed": 3},
        "policing": {"preset": "outposts", "officers": 10},
    }
    plan = {
        "base": "county.yaml",
        "name": "outposts",
        "seed": 1,
        "budget_cny": 2_000_000,
        "decisions": {"resident_officers": [1, 4]},
        "objectives": ["response_mean_min", "visibility"],
        "search": {"evaluations": 4, "population": 4, "final_replicates": 2, "final_max": 2},
    }
    (tmp_path / "county.yaml").write_text(yaml.safe_dump(county))
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan))
    _spec, _base, space = prepare_plan(path)
    one = space.realise({"resident_officers": 1})
    assert one.violations == {"resident_officers": 1.0}  # two townships need two outposts
    design = space.realise({"resident_officers": 3})
    assert not design.violations, design.decisions
    assert design.scenario is not None
    named = design.scenario.policing.section("outposts").villages
    assert named is not None and len(named) == 3
    assert design.decisions["resident_villages"] == " ".join(named)
    region = space.region
    assert {int(region.township[region.index[n]]) for n in named} == {0, 1}
    assert design.decisions["resident_officers"] == 3  # the model found 3 officers posted
    fig = deployment_map(region, design, "outposts")
    labels = fig.axes[0].get_legend_handles_labels()[1]
    plt.close(fig)
    assert "outpost" in labels
    result = run_plan(path, tmp_path / "out")
    assert len(result.table) and (tmp_path / "out" / "maps").is_dir()
    written = list((tmp_path / "out" / "designs").glob("*.yaml"))
    assert written and all("outposts:" in p.read_text() for p in written)
