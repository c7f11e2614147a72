"""Notebooks run top to bottom and are committed without outputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_six_notebooks():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: strip outputs before committing"
            )


# Notebooks that run a small sweep of their own into a scratch folder when the shipped sweep's
# results are missing.
SCRATCH = {"02": "nb-sweep", "03": "nb-sobol", "05": "nb-worlds", "06": "nb-calibrate"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_top_to_bottom(path):
    from nbclient import NotebookClient

    scratch = SCRATCH.get(path.stem[:2])
    if scratch:
        # A scratch folder left by other code (here: not a sweep folder at all), which
        # `--resume` refuses: the notebook must make it afresh, not fail.
        stale = ROOT / "results" / scratch
        shutil.rmtree(stale, ignore_errors=True)
        stale.mkdir(parents=True)
        (stale / "left-by-other-code.txt").write_text("stale\n")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    ).execute()
    images = sum(
        1
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    )
    assert images >= 2, f"{path.name} should show its figures"
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    if scratch and f"reading results/{scratch}" in text:  # it ran its own sweep
        assert f"starting results/{scratch} afresh" in text
        assert not (stale / "left-by-other-code.txt").exists()
