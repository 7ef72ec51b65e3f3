# The front door. `make run` starts the assistant with its embedded defaults;
# `make test` runs every check. Both bootstrap what they need (uv, the venv).
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
PY := .venv/bin/python
CATALOGUE_PORT ?= 8800

.PHONY: run test setup lint typecheck validate pytest bench catalogue clean

setup: .venv/.synced

.venv/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --user --quiet uv \
	  || python3 -m pip install --user --quiet --break-system-packages uv
	uv sync --frozen
	@touch $@

run: setup validate
	$(PY) -m catalogue_service --port $(CATALOGUE_PORT)

catalogue: run

test: setup lint typecheck validate pytest

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: setup
	.venv/bin/mypy

validate: setup
	$(PY) -m catalogue_service.validate data/catalogue

pytest: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/catalogue_bench.py

clean:
	rm -rf .venv .cache .pytest_cache .mypy_cache .ruff_cache
