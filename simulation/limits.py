"""The largest numbers rpsim accepts anywhere (scenarios, command lines, plan files): a typo
fails validation with one clear line instead of exhausting memory or overflowing a run."""

from __future__ import annotations

MAX_SEED = 2**63 - 1
"""Seeds are non-negative 64-bit integers (what numpy and Parquet hold)."""
MAX_VILLAGES = 5000
"""The largest county, generated or loaded: its all-pairs travel matrix takes 200 MB (and as
much again while it is computed); a county of 50,000 villages would take 20 GB."""
MAX_OFFICERS = 20_000
"""The most officers in one county."""
MAX_REPLICATES = 10_000
"""The most replicates of a run or comparison (--replicates and comparison files)."""
