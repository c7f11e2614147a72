# rpsim — two-command quickstart: `make demo` and `make test`.
# Mesa 3.5 needs Python >= 3.12; this finds one on PATH or under pyenv by itself
# (or takes PYTHON=/path/to/python3.12).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python

find_python = $(shell \
  for c in python3.13 python3.12 python3 python; do \
    p=$$(command -v $$c 2>/dev/null) || continue; \
    $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; exit 0; }; \
  done; \
  root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
  for p in $$(ls -d $$root/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -V -r); do \
    $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; exit 0; }; \
  done)

.PHONY: venv demo test validate bench app lint format lock clean

# Installed from the lock (every package pinned, with hashes): the same packages on every
# machine, so one seed gives the same numbers (README, Reproducibility). `make lock` refreshes it.
$(VENV)/.installed: pyproject.toml requirements.lock
	@BASE="$(or $(PYTHON),$(find_python))"; \
	if [ -z "$$BASE" ]; then \
	  echo "error: rpsim needs Python >= 3.12 (Mesa 3.5). Install one, e.g. 'pyenv install 3.12' or 'apt-get install python3.12 python3.12-venv', then rerun." >&2; \
	  exit 1; \
	fi; \
	echo "using $$BASE ($$($$BASE --version))"; \
	[ -x $(PY) ] || $$BASE -m venv $(VENV); \
	$(PY) -m pip install -q --require-hashes -r requirements.lock && \
	$(PY) -m pip install -q --no-deps -e . && touch $@

venv: $(VENV)/.installed

demo: venv
	$(VENV)/bin/rpsim compare scenarios/compare_demo.yaml --out results/demo --workers 2

test: venv
	$(PY) -m pytest -m "not slow" -n 2 --dist loadfile  # both cores; a test file stays in one worker

validate: venv
	$(PY) -m pytest tests/validation -m "slow or not slow"

app: venv
	$(VENV)/bin/rpsim app

bench: venv
	$(PY) benchmarks/county_year.py
	$(PY) benchmarks/throughput.py
	$(PY) benchmarks/subsystems.py

lint: venv
	$(VENV)/bin/ruff check simulation tests benchmarks
	$(VENV)/bin/ruff format --check simulation tests benchmarks
	$(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff check --fix simulation tests benchmarks
	$(VENV)/bin/ruff format simulation tests benchmarks

# Refresh the lock to the newest releases pyproject.toml allows (for Python 3.12 and 3.13,
# every platform), reinstall from it and re-check that the numbers did not move: the baseline,
# the effect tests and the same-numbers-on-other-CPUs check. If they moved, the new lock changed
# the model's numbers: find which package (README, Reproducibility) before committing it.
UV_VERSION := 0.13.9
lock: venv
	$(PY) -m pip install -q 'uv==$(UV_VERSION)'
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --extra app --universal \
	  --python-version 3.12 --generate-hashes --upgrade --quiet \
	  --custom-compile-command "make lock" -o requirements.lock
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	$(PY) -m pytest -q -n 2 tests/test_baseline.py tests/test_effects.py tests/test_reproducibility.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
