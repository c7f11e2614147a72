"""Comparisons across parameter worlds (`rpsim compare --uncertainty N`): worlds drawn from the
declared ranges, common random numbers within a world, the same tables serially, on a pool and
on Dask, nothing lost on a kill, adaptive stopping, and one clear line for bad input."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation.cli import main
from simulation.config_files import load_comparison
from simulation.errors import ScenarioError
from simulation.ranges import uncertain_parameters
from simulation.scenario import Scenario
from simulation.uncertainty.spec import UncertaintySpec
from simulation.uncertainty.worlds import draw, make_worlds, problems, varying

ROOT = Path(__file__).resolve().parents[1]
COUNTY = "region: {type: mountain, villages: 8, population: 5000, townships: 1}\n"
TABLES = ("world_runs", "world_means", "probability_best", "net_benefit", "evppi", "acceptability")


def comparison(tmp_path: Path, block: str = "", days: int = 12) -> Path:
    """A two-option comparison of a small county with an `uncertainty:` block."""
    (tmp_path / "clinic.yaml").write_text(
        COUNTY + "policing: {preset: clinic, officers: 4, min_officers_per_station: null}\n"
    )
    (tmp_path / "vo.yaml").write_text(
        COUNTY
        + "policing: {preset: village_officer, officers: 4, min_officers_per_station: null}\n"
    )
    path = tmp_path / "cmp.yaml"
    path.write_text(
        "name: u\nbaseline: clinic\nscenarios: {clinic: clinic.yaml, village_officer: vo.yaml}\n"
        f"replicates: 2\nseed: 4\ndays: {days}\nset: [warmup_days=0]\n" + block
    )
    return path


BLOCK = (
    "uncertainty:\n  worlds: 6\n  parameters: [crime.guardian_effect, trust.contact_gain, "
    "crime.offenders_per_1000]\n"
)


def run(path: Path, out: Path, *extra: str) -> int:
    return main(["compare", str(path), "--out", str(out), "-q", *extra])


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serial")
    assert run(comparison(tmp, BLOCK), tmp / "out") == 0
    return tmp / "out"


def test_worlds_cover_the_declared_ranges():
    """Every ranged parameter varies by default, inside its range; a Sobol design of more
    worlds starts with the same worlds (adaptive runs take a prefix)."""
    scenario = Scenario()
    ranges = varying(UncertaintySpec(), scenario)
    assert ranges.keys() == uncertain_parameters(scenario).keys() and len(ranges) > 80
    design = draw(ranges, 64, "sobol", seed=1)
    for key, p in ranges.items():
        assert design[key].between(p.low, p.high).all(), key
    # each parameter's draws spread over its range (a Sobol design fills it)
    u = np.array([(design[k] - p.low) / (p.high - p.low) for k, p in ranges.items()])
    assert (u.max(axis=1) - u.min(axis=1) > 0.5).all()
    longer = draw(ranges, 96, "sobol", seed=1)
    pd.testing.assert_frame_equal(design, longer.loc[1:64])
    lhs = draw(ranges, 10, "lhs", seed=1)
    assert len(lhs) == 10 and not lhs.equals(design.loc[1:10])


def test_common_random_numbers_within_a_world(serial):
    """Within a world and replicate every option sees the same calls for service (drawn from
    streams no policing touches); other worlds draw other calls."""
    runs = pd.read_parquet(serial / "world_runs.parquet")
    calls = runs.pivot_table(index=["world", "replicate"], columns="option", values="true_service")
    assert (calls["clinic"] == calls["village_officer"]).all()
    assert calls["clinic"].nunique() > 1
    # and the worlds' parameter values reached the runs: world 0 is the declared values
    worlds = pd.read_parquet(serial / "worlds.parquet").set_index("world")
    assert worlds["crime.guardian_effect"].nunique() == len(worlds) == 6


def test_the_summary_reads_like_an_answer(serial):
    text = (serial / "summary.md").read_text()
    for heading in (
        "Differences against the baseline",
        "Probability that each option is best",
        "Net benefit",
        "value of information",
        "Where the answer flips",
    ):
        assert heading in text, heading
    assert "seeds only" in text and "95% of worlds" in text
    for fig in ("probability_best", "acceptability", "value_of_information"):
        assert (serial / "figures" / f"{fig}.png").stat().st_size > 10_000
    best = pd.read_parquet(serial / "probability_best.parquet")
    sums = best.groupby("metric")["p_best"].sum()
    assert np.allclose(sums, 1.0)


def test_pool_and_dask_give_identical_tables(serial, tmp_path):
    path = comparison(tmp_path, BLOCK)
    assert run(path, tmp_path / "pool", "--workers", "2") == 0
    assert run(path, tmp_path / "dask", "--cluster", "local:2") == 0
    want = tables(serial)
    for folder in ("pool", "dask"):
        got = tables(tmp_path / folder)
        for name in TABLES:
            pd.testing.assert_frame_equal(want[name], got[name], obj=f"{folder} {name}")


def test_kill_and_resume_gives_identical_tables(serial, tmp_path):
    path = comparison(tmp_path, BLOCK)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "simulation.cli", "compare", str(path), "--out", str(out), "-q"]
    proc = subprocess.Popen([*cmd, "--workers", "1"], cwd=ROOT)
    status = out / "status.jsonl"
    deadline = time.time() + 180
    while time.time() < deadline:
        if status.exists() and len(status.read_text().splitlines()) >= 5:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = len(status.read_text().splitlines())
    total = 2 * 2 + 2 * 6  # world 0: 2 options x 2 replicates; 6 worlds x 2 options
    assert 5 <= kept < total, f"the kill should land mid-run ({kept} runs done)"
    assert not (out / "summary.md").exists()
    assert run(path, out, "--resume") == 0
    log = [json.loads(x) for x in status.read_text().splitlines()]
    assert len(log) == total, "resume ran only the missing runs"
    got = tables(out)
    for name, want in tables(serial).items():
        pd.testing.assert_frame_equal(want, got[name], obj=name)


def test_resume_refuses_other_settings(serial, tmp_path):
    path = comparison(tmp_path, BLOCK.replace("worlds: 6", "worlds: 7"))
    assert run(path, serial, "--resume") == 2


def test_adaptive_runs_stop_when_converged(tmp_path, monkeypatch):
    """Adaptive runs add worlds a batch at a time (world 0 and worlds 1-2, then 3-4, ...) and
    stop at the first batch after which `converged` holds; with a tolerance no batch meets,
    every world runs."""
    from simulation.uncertainty import run as run_module

    block = BLOCK.replace("worlds: 6", "worlds: 8") + "  adaptive: true\n  batch: 2\n"
    monkeypatch.setattr(run_module, "converged", lambda runs, w: runs["world"].nunique() >= 5)
    assert run(comparison(tmp_path, block, days=6), tmp_path / "a") == 0
    runs = pd.read_parquet(tmp_path / "a" / "world_runs.parquet")
    assert sorted(set(runs["world"])) == [0, 1, 2, 3, 4]
    monkeypatch.undo()
    strict = block + "  tolerance: 0.001\n"
    assert run(comparison(tmp_path, strict, days=6), tmp_path / "b") == 0
    runs = pd.read_parquet(tmp_path / "b" / "world_runs.parquet")
    assert sorted(set(runs["world"])) == list(range(9)), "a tight tolerance runs every world"


def _means(p_first: float, worlds: int) -> pd.DataFrame:
    """World means of two options: 'a' has lower true crime in a share p_first of the worlds;
    they tie on escalations everywhere; satisfaction is undefined everywhere."""
    rows = []
    for w in range(1, worlds + 1):
        a_best = w <= round(p_first * worlds)
        for option, crime in (("a", 1.0 if a_best else 2.0), ("b", 2.0 if a_best else 1.0)):
            rows.append(
                {
                    "world": w,
                    "option": option,
                    "true_crime_per_1000": crime,
                    "disputes_escalated": 0.0,
                    "satisfaction": float("nan"),
                }
            )
    return pd.DataFrame(rows)


def test_convergence_is_the_monte_carlo_half_width(monkeypatch):
    """p = 0.5 from 16 worlds is known to +-1.96 x 0.125 = 0.245: converged at a tolerance of
    0.25, not at 0.2. Ties everywhere and undefined metrics do not hold a run back."""
    from simulation.uncertainty import run as run_module

    means = _means(0.5, 16)
    monkeypatch.setattr(run_module, "world_means", lambda runs, w: means)
    worlds = type("W", (), {})()
    for tolerance, expected in ((0.25, True), (0.2, False)):
        worlds.spec = UncertaintySpec(worlds=16, batch=2, tolerance=tolerance)
        assert run_module.converged(pd.DataFrame(), worlds) is expected


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "uncertainty: {parameters: [crime.guardian_efect]}",
            "did you mean 'crime.guardian_effect'",
        ),
        ("uncertainty: {parameters: [policing.officers]}", "not an uncertain parameter"),
        ("uncertainty: {ranges: {crime.guardian_effect: {low: -1, high: 1}}}", "outside the"),
        ("uncertainty: {fixed: {crime.guardian_effect: -3}}", "outside the parameter's bounds"),
        ("uncertainty: {worlds: 1}", "greater than or equal to 2"),
        ("uncertainty: {wtp: {per_crime: -5}}", "greater than or equal to 0"),
    ],
)
def test_bad_uncertainty_blocks_say_so_in_one_line(tmp_path, capsys, block, message):
    path = comparison(tmp_path, block + "\n")
    with pytest.raises(ScenarioError, match=message) as info:
        load_comparison(path)
    assert all(p.file for p in info.value.problems)
    assert run(path, tmp_path / "o") == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_too_few_worlds_on_the_command_line(tmp_path, capsys):
    assert run(comparison(tmp_path), tmp_path / "o", "--uncertainty", "1") == 2
    assert "at least 2 worlds" in capsys.readouterr().err


def test_problems_of_a_block_name_their_key():
    spec = UncertaintySpec(
        fixed={"crime.guardian_effect": 0.5}, ranges={"nonsense.key": {"low": 0, "high": 1}}
    )
    found = dict(problems(spec, Scenario()))
    assert ("uncertainty", "ranges", "nonsense.key") in found


def test_fixed_values_hold_in_every_world():
    scenario = Scenario()
    spec = UncertaintySpec(worlds=3, fixed={"crime.guardian_effect": 0.5})
    worlds = make_worlds("t", {"a": scenario}, "a", spec, 2, 0)
    assert "crime.guardian_effect" not in worlds.ranges
    for w in range(4):
        assert worlds.scenario(w, "a")["crime"]["guardian_effect"] == 0.5
    assert worlds.seeds(0) != worlds.seeds(1) and worlds.seeds(1) == worlds.seeds(1)


def test_report_of_a_run_across_worlds(serial, tmp_path):
    """`rpsim report` on the folder: the summary's sections as HTML, with its figures."""
    out = tmp_path / "r.html"
    assert main(["report", str(serial), "--out", str(out)]) == 0
    text = out.read_text()
    assert "<h3>Probability that each option is best</h3>" in text
    assert text.count("<table>") >= 4 and text.count("data:image/png;base64") >= 3


def test_a_county_per_world_is_shared_by_the_options():
    """counties: per_world draws a county per drawn world (its region seed), the same for every
    option; world 0 keeps the declared county."""
    a, b = Scenario(), Scenario.model_validate({"policing": {"preset": "village_officer"}})
    spec = UncertaintySpec(worlds=3, counties="per_world", parameters=["crime.guardian_effect"])
    worlds = make_worlds("t", {"a": a, "b": b}, "a", spec, 2, 0)
    seeds = [worlds.scenario(w, "a")["region"]["seed"] for w in range(4)]
    assert seeds[0] == a.region.seed and len(set(seeds[1:])) == 3
    assert all(worlds.scenario(w, "b")["region"]["seed"] == seeds[w] for w in range(4))


def test_the_whole_analysis_finds_a_known_threshold():
    """A toy through `answers.analyse`: option B beats the baseline A exactly when parameter p
    exceeds p* = 0.3 (net benefit 200,000 (p - 0.3) CNY a year plus a little noise), and q does
    nothing. 256 Sobol worlds, p and q uniform on [0, 1]. B is preferred; its probability of
    being cost-effective is the prior mass above p*, 0.7, within 3 Monte Carlo errors; p's EVPPI
    is the largest and above the noise floor, q's below it; the flip box restricts p alone, its
    upper limit within 0.1 (10% of p's range) of p*."""
    from simulation.ranges import Plausible
    from simulation.uncertainty.answers import analyse
    from simulation.uncertainty.worlds import Worlds

    ranges = {k: Plausible(low=0.0, high=1.0, why="toy") for k in ("p", "q")}
    design = draw(ranges, 256, "sobol", seed=3)
    rng = np.random.default_rng(5)
    rows = []
    for w, (p, _q) in design.iterrows():
        prevented = 10.0 * (p - 0.3) + rng.normal(0, 0.2)  # crimes a year B prevents
        for option, crimes in (("A", 100.0), ("B", 100.0 - prevented)):
            rows.append(
                {
                    "world": w,
                    "option": option,
                    "true_crimes_per_year": crimes,
                    "true_crime_per_1000": crimes / 10,
                    "escalations_per_year": 1.0,
                    "cost_total_cny": 1e6,
                }
            )
    means = pd.DataFrame(rows)
    spec = UncertaintySpec(worlds=256, wtp={"per_crime": 20_000, "per_escalation": 0})
    worlds = Worlds("toy", {"A": Scenario(), "B": Scenario()}, "A", spec, ranges, design, 2, 0)
    runs = means.assign(replicate=0, seed=0, run="x")
    a = analyse(runs, means, worlds)
    assert a.decision.preferred == "B"
    p_b, n = a.decision.p_cost_effective["B"], len(design)
    assert abs(p_b - 0.7) <= 3 * np.sqrt(0.7 * 0.3 / n), p_b
    voi = a.evppi.set_index("parameter")
    assert voi["evppi"].idxmax() == "p" and voi.loc["p", "above_noise"]
    assert not voi.loc["q", "above_noise"]
    assert a.box is not None and set(a.box.limits) == {"p"}, a.box
    assert abs(a.box.limits["p"][1] - 0.3) <= 0.1, a.box.describe()


def test_an_option_that_sets_a_ranged_parameter_keeps_it():
    """An option that *is* a change of a ranged parameter (here guardianship) keeps its value in
    every world; the baseline's varies. Otherwise the worlds would erase the option."""
    a = Scenario()
    b = Scenario.model_validate({"crime": {"guardian_effect": 1.1}})
    spec = UncertaintySpec(worlds=4, parameters=["crime.guardian_effect", "trust.contact_gain"])
    worlds = make_worlds("t", {"a": a, "b": b}, "a", spec, 2, 0)
    drawn = [worlds.scenario(w, "a")["crime"]["guardian_effect"] for w in range(1, 5)]
    assert len(set(drawn)) == 4
    assert all(worlds.scenario(w, "b")["crime"]["guardian_effect"] == 1.1 for w in range(5))
    # the other parameter still varies for both
    assert (
        worlds.scenario(1, "b")["trust"]["contact_gain"]
        == worlds.scenario(1, "a")["trust"]["contact_gain"]
    )


def test_adaptive_alone_says_what_it_needs(tmp_path, capsys):
    assert run(comparison(tmp_path), tmp_path / "o", "--adaptive") == 2
    assert "--adaptive needs --uncertainty" in capsys.readouterr().err
