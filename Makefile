# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PORT ?= 8000

.PHONY: install frontend run test test-unit test-frontend test-integration test-faketime lint bench format clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

# flow_designer/: npm ci + vite build, only when its sources changed (docs/frontend.md).
frontend:
	@bash scripts/build-frontend.sh

run: install frontend
	$(BIN)/tongban serve --demo tenants --port $(PORT)

# ruff (style, banned APIs), import-linter (the layers, docs/architecture.md), mypy (strict on
# core and services, plain elsewhere; config in pyproject.toml).
lint: install
	$(BIN)/ruff check platform tests bench
	$(BIN)/ruff format --check platform tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

test: install lint frontend
	cd flow_designer && npm test --silent
	$(BIN)/python -m pytest -q tests
	@$(MAKE) --no-print-directory test-faketime

# The e2e and engine scenario tests again with the process clock faked (libfaketime) to
# 2027-01-04, 2027-10-08 and 2031-06-01 (docs/testing.md). FAKETIME_TESTS=tests runs the
# whole suite so; FAKETIME_DATES="2027-01-04" picks the dates.
test-faketime: install
	$(if $(FAKETIME_DATES),FAKETIME_DATES="$(FAKETIME_DATES)") PYTHON=$(BIN)/python \
		bash scripts/test-faketime.sh $(FAKETIME_TESTS)

test-unit: install
	$(BIN)/python -m pytest -q tests/unit

test-frontend: frontend
	cd flow_designer && npm test --silent

test-integration: install
	$(BIN)/python -m pytest -q tests/integration

bench: install
	@set -e; for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b; done

format: install
	$(BIN)/ruff format platform tests bench
	$(BIN)/ruff check --fix platform tests bench

clean:
	rm -rf var .pytest_cache .ruff_cache
