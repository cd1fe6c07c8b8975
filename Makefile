# Two commands do everything on a fresh clone with Python 3.11+:
#   make demo   set up, then run relance on the shipped demo data
#   make test   set up, then run the linters, the type checker and the whole test suite
# Both create (once) and reuse a virtual environment in .venv inside the checkout.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO := examples/demo/relance.toml
# The demo ledger is dated around this day; --today makes every run reproducible.
DEMO_TODAY := 2026-03-16

.PHONY: demo test lint typecheck pytest docs setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "relance needs Python 3.11 or newer (set PYTHON=...)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

demo: $(STAMP)
	rm -rf examples/demo/var
	$(BIN)/relance plugins --config $(DEMO)
	$(BIN)/relance check --config $(DEMO)
	$(BIN)/relance plan --config $(DEMO) --today $(DEMO_TODAY)
	$(BIN)/relance run --config $(DEMO) --today $(DEMO_TODAY) --yes
	$(BIN)/relance approve --config $(DEMO) --today $(DEMO_TODAY)
	$(BIN)/relance letters --config $(DEMO) --today $(DEMO_TODAY)
	@echo "Messages written to examples/demo/var/outbox and examples/demo/var/letters"

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

docs: $(STAMP)
	$(BIN)/python tools/hookdocs.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
