# rpsim — two-command quickstart: `make demo` and `make test`.
# Mesa 3.5 needs Python >= 3.12; this finds one on PATH or under pyenv by itself.
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

.PHONY: venv demo test validate bench app lint format clean

$(VENV)/.installed: pyproject.toml
	@BASE="$(find_python)"; \
	if [ -z "$$BASE" ]; then \
	  echo "error: rpsim needs Python >= 3.12 (Mesa 3.5). Install one, e.g. 'pyenv install 3.12' or 'apt-get install python3.12 python3.12-venv', then rerun." >&2; \
	  exit 1; \
	fi; \
	echo "using $$BASE ($$($$BASE --version))"; \
	[ -x $(PY) ] || $$BASE -m venv $(VENV); \
	$(PY) -m pip install -q --upgrade pip && \
	$(PY) -m pip install -q -e '.[dev,app]' && touch $@

venv: $(VENV)/.installed

demo: venv
	$(VENV)/bin/rpsim compare scenarios/compare_demo.yaml --out results/demo

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

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
