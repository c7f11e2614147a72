"""Hostile input (issue 14): every case of tests/hostile_cases.py through `rpsim` in process —
bad input ends with exit 2, a short message and nothing written; valid input that used to
crash runs; nothing is written outside the case's folder. benchmarks/hostile_inputs.py runs
the same cases in subprocesses with a timeout and counts the outcomes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulation.cli import main
from tests.hostile_cases import CASES, Case

# Cases that wait on the network (a Dask client gives up after its 10 s connect timeout).
SLOW = {"scheduler_unreachable"}


def _snapshot(root: Path) -> dict[str, tuple[int, float]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:  # folders: made or removed (a probe that leaves none is no write)
            out[str((Path(dirpath) / name).relative_to(root))] = (0, 0)
        for name in filenames:
            st = (Path(dirpath) / name).lstat()
            out[str((Path(dirpath) / name).relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return out


def prepare(case: Case, root: Path) -> Path:
    """The case's files in root/a/b/work (so `../../x` from results/ stays inside root)."""
    work = root / "a" / "b" / "work"
    work.mkdir(parents=True)
    for folder in case.folders:
        (work / folder).mkdir(parents=True, exist_ok=True)
    for rel, content in case.files.items():
        p = work / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return work


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.slow) if c.name in SLOW else c for c in CASES],
    ids=lambda c: f"{c.item}-{c.name}",
)
def test_hostile_input(case: Case, tmp_path, monkeypatch, capsys):
    work = prepare(case, tmp_path)
    monkeypatch.chdir(work)
    for pre in case.pre:
        assert main([*pre]) == 0, capsys.readouterr().err
    capsys.readouterr()
    before = _snapshot(tmp_path)
    try:
        code = main(list(case.argv))
    except SystemExit as exc:  # argparse
        code = exc.code
    err = capsys.readouterr().err
    after = _snapshot(tmp_path)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert "Traceback" not in err
    assert not {k for k in changed if not k.startswith("a/b/work")}, "wrote outside --out"
    for keep in case.keep:
        assert (work / keep).exists(), f"{keep} was removed"
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if case.expect == "error":
        assert code == 2, err
        assert 0 < len(lines) <= 5, err
        assert all(
            ln.startswith(("error:", "FAIL", "usage:", "rpsim")) or "problem(s)" in ln
            for ln in lines
        ), err
        assert not changed, f"bad input wrote {sorted(changed)[:5]}"
    elif case.expect == "ok":
        assert code == 0, err
    else:
        assert code in (0, 2), err


def test_errors_name_their_file_and_line(tmp_path, monkeypatch, capsys):
    """Issue 23: an unknown objective and an equal-cost budget below the cheapest design were
    reported as '<scenario>: ...' or without a line."""
    from tests.hostile_cases import CASES

    for name, where in (
        ("compare_budget_below_cheapest_validate", "cmp.yaml:4: budget_cny"),
        ("plan_unknown_objective", "p.yaml:"),
    ):
        case = next(c for c in CASES if c.name == name)
        work = prepare(case, tmp_path / name)
        monkeypatch.chdir(work)
        assert main(list(case.argv)) == 2
        err = capsys.readouterr().err
        assert where in err and "<scenario>" not in err, err
