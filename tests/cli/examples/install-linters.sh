#!/usr/bin/env bash
# Install the linters tests/cli/examples/test_workflows.py runs: actionlint (a Go module) and shellcheck.
set -euo pipefail
if ! command -v actionlint >/dev/null 2>&1 && [ ! -x "$HOME/go/bin/actionlint" ]; then
  go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
fi
if ! command -v shellcheck >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq shellcheck
fi
