"""Session-wide run cache for the validation suite (see runs.py)."""

from __future__ import annotations

import pytest

from tests.validation.runs import RunCache


@pytest.fixture(scope="session")
def runs() -> RunCache:
    return RunCache()
