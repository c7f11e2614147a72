"""Regression: the shipped scenarios' summary statistics at a fixed seed do not drift."""

from __future__ import annotations

import pytest
import yaml

from tests.baseline import BASELINE, ROOT, compute, shipped_scenarios

REFRESH = (
    "if this change is intended, refresh the baseline with "
    "`.venv/bin/python -m tests.baseline`, review `git diff tests/baseline.yaml` "
    "and explain the change in the commit message"
)


def test_baseline_covers_every_shipped_scenario():
    stored = yaml.safe_load(BASELINE.read_text())
    names = {str(p.relative_to(ROOT)) for p in shipped_scenarios()}
    assert set(stored) == names, f"baseline is out of date: {REFRESH}"


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: str(p.relative_to(ROOT)))
def test_summary_matches_baseline(path):
    stored = yaml.safe_load(BASELINE.read_text())[str(path.relative_to(ROOT))]
    now = compute(path)
    changed = {
        k: (stored[k], now[k])
        for k in stored
        if (stored[k] is None) != (now[k] is None)
        or (stored[k] is not None and abs(stored[k] - now[k]) > 1e-6 * max(1, abs(stored[k])))
    }
    assert not changed, f"{path.name}: summary changed {changed}; {REFRESH}"
