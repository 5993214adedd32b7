# Targets create and reuse a local .venv; nothing beyond Python 3 and make is assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test lint typecheck unit schema demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check provider tests bench examples
	$(BIN)/ruff format --check provider tests bench examples

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q

test: lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

schema: install
	$(BIN)/python -m pulumi_thingspace.schema

demo: install
	$(BIN)/python -m pulumi_thingspace.demo

bench: install
	$(BIN)/python bench/run.py
