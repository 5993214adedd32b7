# Targets create and reuse a local .venv; nothing beyond Python 3 and make is assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test lint typecheck unit schema demo demo-yaml bench clean pulumi pulumi-if-go

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

# The pinned Pulumi CLI and Python language host, built from their Go modules into .tools/ (once).
pulumi:
	bash .tools/pulumi/build.sh

# Build the CLI, the YAML host and pulumi-gen-nodejs when Go is here (a no-op once built); without Go,
# use a compatible pulumi on PATH.
pulumi-if-go: install
	@if command -v go >/dev/null 2>&1; then bash .tools/pulumi/build.sh; \
	elif $(BIN)/python -c 'from pulumi_thingspace.testing.cli import find_pulumi; find_pulumi()' 2>/dev/null; then \
	  echo "pulumi CLI: $$($(BIN)/python -c 'from pulumi_thingspace.testing.cli import find_pulumi; print(find_pulumi().path)')"; \
	else echo "pulumi CLI: none on PATH and no Go to build one; the real-CLI tests will skip (fail with CI=true)"; fi

unit: install pulumi-if-go
	$(BIN)/pytest -q

test: lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

schema: install
	$(BIN)/python -m pulumi_thingspace.schema

demo: install pulumi-if-go
	$(BIN)/python -m pulumi_thingspace.demo

# The same quickstart as a Pulumi YAML program, through the provider plugin (needs the Pulumi CLI).
demo-yaml: install pulumi-if-go
	$(BIN)/python -m pulumi_thingspace.demo --yaml

bench: install
	$(BIN)/python bench/run.py
