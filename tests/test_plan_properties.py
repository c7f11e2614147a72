"""Property-based checks of plan files (hypothesis): whatever a plan file holds, `rpsim
validate` and `rpsim plan` end with exit 0 or 2, never a traceback, write nothing outside the
results folder and change no file that was there before."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.cli import main
from tests.hostile_cases import PLAN_COUNTY, TINY

NAMES = st.lists(
    st.sampled_from(
        ["a", "b", "/", "\\", ".", "..", " ", "-", "~", "$", "*", ":", "\n", "一村", "%"]
    ),
    max_size=12,
).map("".join)
NUMBERS = st.one_of(
    st.integers(-5, 10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1e9", "many", "", None, True]),
)
RANGES = st.one_of(NUMBERS, st.lists(NUMBERS, min_size=0, max_size=3))
METRICS = st.sampled_from(
    ["true_crime_per_1000", "response_mean_min", "visibility", "escalation_rate", "bogus", 3]
)


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            st_ = (Path(dirpath) / name).lstat()
            out[str((Path(dirpath) / name).relative_to(root))] = (st_.st_size, st_.st_mtime_ns)
    return out


def _run(plan: dict, argv: list[str], capsys) -> tuple[int, str, set[str], dict, dict]:
    """Write the plan into a fresh folder with a precious file in it and in results/, run
    rpsim there; (exit code, stderr, changed paths, before, after)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        work = root / "a" / "b" / "work"
        (work / "results").mkdir(parents=True)
        (work / "county.yaml").write_text(PLAN_COUNTY)
        (work / "p.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True))
        (work / "keep.txt").write_text("mine")
        (work / "results" / "keep.txt").write_text("mine")
        before = _snapshot(root)
        cwd = Path.cwd()
        os.chdir(work)
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        finally:
            os.chdir(cwd)
        err = capsys.readouterr().err
        after = _snapshot(root)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return code, err, changed, before, after


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=NAMES,
    seed=NUMBERS,
    budget=NUMBERS,
    officers=RANGES,
    auxiliaries=RANGES,
    placement=st.sampled_from(["screen", "population", "search", "bogus"]),
    search=st.dictionaries(
        st.sampled_from(["evaluations", "population", "final_replicates", "replicates"]),
        NUMBERS,
        max_size=3,
    ),
    objectives=st.lists(METRICS, max_size=3),
    district=RANGES,
)
def test_validate_any_plan_file(
    capsys, name, seed, budget, officers, auxiliaries, placement, search, objectives, district
):
    plan = {
        **TINY,
        "name": name,
        "seed": seed,
        "budget_cny": budget,
        "decisions": {
            "officers": officers,
            "auxiliaries": auxiliaries,
            "auxiliary_placement": placement,
        },
        "search": search,
        "objectives": objectives,
        "constraints": {**TINY["constraints"], "district_villages": district},
    }
    code, err, changed, _, _ = _run(plan, ["validate", "p.yaml"], capsys)
    assert code in (0, 2), err
    assert "Traceback" not in err, err
    assert not changed, f"validate wrote {sorted(changed)}"


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAMES, aux_high=st.integers(0, 3), budget=st.sampled_from([1e5, 2e6, math.inf]))
def test_plan_any_name_writes_only_into_results(capsys, name, aux_high, budget):
    """A plan that runs (tiny search, hostile name): everything it writes lies in
    results/plan-<safe name>/ and the files that were there are unchanged."""
    plan = {**TINY, "name": name, "budget_cny": budget}
    plan["decisions"] = {**TINY["decisions"], "auxiliaries": [0, aux_high]}
    code, err, changed, before, _ = _run(plan, ["plan", "p.yaml", "--quiet"], capsys)
    assert code in (0, 2), err
    assert "Traceback" not in err, err
    prefix = os.path.join("a", "b", "work", "results", "plan-")
    assert all(k.startswith(prefix) for k in changed), f"wrote outside: {sorted(changed)}"
    assert not changed & set(before), "a file that was there changed"
