"""Test ordering for `make test` (pytest-xdist, `--dist loadfile`): the longest test files go
first, so the two workers end together (longest-processing-time-first scheduling) instead of
one idling while the other finishes a long file. Only the order changes; every test runs."""

from __future__ import annotations

import pytest

# Longest first, by their measured durations on 2 cores (`pytest --durations=40`).
LONGEST_FIRST = (
    "test_sweep.py",
    "test_notebooks.py",
    "test_effects.py",
    "test_deterrence.py",
    "test_plan.py",
    "test_executor.py",
    "test_cli.py",
    "test_calibrate.py",
    "test_uncertainty.py",
    "test_satisfaction.py",
    "test_reporting_rates.py",
    "test_queueing.py",
    "test_app.py",
    "test_report.py",
    "test_reproducibility.py",
    "test_equal_cost.py",
    "test_benchmarks.py",
    "test_clearance.py",
    "test_response_decomposition.py",
    "test_calibrate_sbc.py",
    "test_mmc.py",
    "test_crime_geography.py",
    "test_occupancy.py",
    "test_china_targets.py",
    "test_patrol_and_presence.py",
    "test_metric_registry.py",
    "test_lint.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep
    # their order
