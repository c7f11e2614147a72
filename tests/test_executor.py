"""One executor for run, compare and sweep: the same numbers serially, on a process pool
and on a Dask LocalCluster."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulation.cli import main
from simulation.errors import ScenarioError
from simulation.executor import check_options, run_jobs
from simulation.runner import run_many
from simulation.scenario import Scenario

COUNTY = "region: {type: plain, villages: 8, population: 5000, townships: 1}\npolicing:\n"


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("cmp")
    (tmp / "a.yaml").write_text(COUNTY + "  preset: clinic\n  officers: 3\n")
    (tmp / "b.yaml").write_text(COUNTY + "  preset: patrol\n  officers: 4\n")
    path = tmp / "cmp.yaml"
    path.write_text(
        "baseline: a\nreplicates: 2\nseed: 11\ndays: 10\nscenarios: {a: a.yaml, b: b.yaml}\n"
    )
    return path


def compare(path: Path, out: Path, *where: str) -> dict[str, pd.DataFrame]:
    assert main(["compare", str(path), "--out", str(out), "-q", *where]) == 0
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in ("summary", "incidents")}


def test_compare_is_identical_serial_pool_and_dask(comparison, tmp_path):
    results = {
        label: compare(comparison, tmp_path / label, *where)
        for label, where in (
            ("serial", ()),
            ("pool", ("--workers", "2")),
            ("dask", ("--cluster", "local:2")),
        )
    }
    serial = results["serial"]
    assert len(serial["summary"]) == 4 and len(serial["incidents"]) > 0
    assert list(serial["summary"][["scenario", "replicate"]].itertuples(index=False)) == [
        ("a", 0),
        ("a", 1),
        ("b", 0),
        ("b", 1),
    ]
    for label in ("pool", "dask"):
        for name, table in serial.items():
            pd.testing.assert_frame_equal(table, results[label][name], obj=f"{label} {name}")


def test_run_on_a_pool_equals_serial(comparison, tmp_path):
    scenario = str(comparison.parent / "b.yaml")
    args = ["run", scenario, "-n", "3", "--days", "10", "-q"]
    assert main([*args, "--out", str(tmp_path / "s")]) == 0
    assert main([*args, "--out", str(tmp_path / "p"), "-w", "2"]) == 0
    for name in ("summary", "incidents", "daily"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "s" / f"{name}.parquet"),
            pd.read_parquet(tmp_path / "p" / f"{name}.parquet"),
        )


def test_a_failing_run_fails_the_command_with_its_problem(tmp_path, capsys):
    """A ScenarioError raised in a worker comes back with its key and reason."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"region: {{type: graphml, graphml: {tmp_path / 'nowhere.graphml'}}}\n")
    code = main(["run", str(bad), "-n", "2", "-w", "2", "-q", "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "region.graphml" in err[0] and "file not found" in err[0], err
    assert not (tmp_path / "o").exists()


def _square(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x * x


@pytest.mark.parametrize("workers", [1, 2])
def test_run_jobs_yields_every_job_once_and_errors_as_values(workers):
    done = list(run_jobs(_square, ((x,) for x in range(20)), workers=workers))
    assert sorted(d.index for d in done) == list(range(20))
    by_index = {d.index: d for d in done}
    assert str(by_index[3].error) == "three" and by_index[3].result is None
    assert all(by_index[i].result == i * i for i in range(20) if i != 3)


def test_executor_options_are_checked(capsys):
    with pytest.raises(ValueError, match="not both"):
        check_options(1, "tcp://x:1", "local:2")
    with pytest.raises(ValueError, match="local:N"):
        check_options(1, None, "remote:2")
    assert main(["run", "--cluster", "local:x", "-q"]) == 2
    assert "local:N" in capsys.readouterr().err


def test_run_many_default_stays_serial():
    """The Python API is unchanged: no executor options, one serial run."""
    region = {"type": "plain", "villages": 8, "population": 5000, "townships": 1}
    results = run_many({"s": Scenario(days=10, region=region)}, 1, 0)
    assert len(results.summary) == 1


def test_scenario_error_survives_pickling():
    import pickle

    exc = ScenarioError("file not found: x", key="region.graphml")
    back = pickle.loads(pickle.dumps(exc))
    assert back.problems == exc.problems and str(back) == str(exc)
