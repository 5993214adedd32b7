# Targets create and reuse a local .venv; nothing beyond Python 3 and make is assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test lint typecheck unit schema demo demo-yaml bench clean pulumi pulumi-if-go mutation

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

# Mutation testing of the client, the resources and the sink with mutmut (CONTRIBUTING.md); not part of `make test`.
# One mutmut run per [tool.mutmut-runs] entry of pyproject.toml, each in .mutation/<run>/ (set up by MUTATION_SETUP).
# Results are kept: a second `make mutation` tests only the functions that changed. MUTATION_RUNS=resources runs one.
MUTATION_RUNS ?= client-sink resources

define MUTATION_SETUP
import json, pathlib, re, sys
try:
    import tomllib
except ImportError:  # Python 3.10: mutmut depends on toml there
    import toml as tomllib
text = pathlib.Path("pyproject.toml").read_text()
for run in sys.argv[1:]:
    out = text
    overrides = tomllib.loads(text)["tool"]["mutmut-runs"][run]
    for key, value in overrides.items():  # the first `key = ...` is [tool.mutmut]'s; a list may span lines
        out = re.sub(rf"(?m)^{key} = (\[[^]]*\]|.*)$$", lambda _: f"{key} = {json.dumps(value)}", out, count=1)
    assert all(tomllib.loads(out)["tool"]["mutmut"].get(k) == v for k, v in overrides.items()), run
    folder = pathlib.Path(".mutation", run)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "pyproject.toml"
    if not config.exists() or config.read_text() != out:
        config.write_text(out)
    links = {"pulumi_thingspace": "provider/pulumi_thingspace", "tests": "tests"}
    links.update((name, name) for name in tomllib.loads(out)["tool"]["mutmut"].get("also_copy", []))
    for name, target in links.items():
        if not (folder / name).is_symlink():
            (folder / name).symlink_to(pathlib.Path("../..", target))
endef
export MUTATION_SETUP

define MUTATION_SUMMARY
import collections, json, pathlib
status = {0: "survived", 1: "killed", 3: "killed", 5: "no tests", 33: "no tests", 34: "skipped", 24: "timeout",
          -24: "timeout", 36: "timeout", 152: "timeout", 255: "timeout", 37: "type check", None: "not checked"}
counts = collections.defaultdict(collections.Counter)
for root in sorted(pathlib.Path(".mutation").glob("*/mutants/pulumi_thingspace")):
    for meta in sorted(root.rglob("*.py.meta")):
        for code in json.loads(meta.read_text())["exit_code_by_key"].values():
            counts[meta.relative_to(root).parts[0]][status.get(code, "suspicious")] += 1
for package, c in sorted(counts.items()):
    ran = sum(c.values()) - c["skipped"] - c["not checked"]
    score = f"{c['killed'] / ran:.1%}" if ran else "-"
    print(f"{package:10} score {score:>6} ", ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
print("score = killed / (total - skipped - not checked)")
endef
export MUTATION_SUMMARY

mutation: install
	$(BIN)/python -c "$$MUTATION_SETUP" $(MUTATION_RUNS)
	for run in $(MUTATION_RUNS); do \
	  rm -rf .mutation/$$run/mutants/tests; \
	  (cd .mutation/$$run && ../../$(BIN)/mutmut run) || exit 1; \
	done
	$(BIN)/python -c "$$MUTATION_SUMMARY"
	@echo "survivors: cd .mutation/<run> && ../../$(BIN)/mutmut results; a diff: ../../$(BIN)/mutmut show <mutant>"
