# The commands of the README: `make run`, `make test` and `make unit`. Each installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test unit lint install

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "partnership-tracker needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Installs, loads the example partnership with its illustrative facts (safe to repeat) and
# serves the API on SQLite.
run: $(STAMP)
	$(BIN)/partnership load-example --illustrative
	PARTNERSHIP_GRAPHIQL=true PARTNERSHIP_INTROSPECTION=true $(BIN)/partnership serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	PYTHONPATH=graphql $(BIN)/lint-imports --no-cache
	$(BIN)/partnership export-schema --check
	$(BIN)/partnership export-access-docs --check

# The whole suite, on SQLite and on the PostgreSQL at 127.0.0.1:5432 (skipped locally when
# it is unreachable; under CI=true that is a failure). A headless Chromium and docker-compose
# are installed when possible; without them, their tests skip locally and fail under CI.
test: lint
	-scripts/ensure-chromium
	-scripts/ensure-compose
	-scripts/ensure-oidc-provider
	$(BIN)/python -m pytest

# The inner loop, in under a minute: the domain rules, the API and the SQLite side of the store
# tests. No PostgreSQL, browser, fuzzing or processes of their own; `make test` runs those too.
unit: $(STAMP)
	$(BIN)/python -m pytest -m "not postgres and not slow and not processes and not browser"
