#!/usr/bin/env bash
# Build the pinned Pulumi CLI and the Python language host from their Go modules into
# .tools/pulumi-<version>/bin, add the plugin scripts, and do nothing when that version is built.
# The version pin is the pkg/v3 requirement in go.mod beside this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$here/go.mod")"
bin="$root/.tools/pulumi-$version/bin"

if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-python" ] \
   && [ "$("$bin/pulumi" version 2>/dev/null)" = "$version" ]; then
  echo "pulumi $version already built: $bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "make pulumi: Go is not installed; install Go 1.26+ or put a pulumi CLI (>= $version) on PATH" >&2
  exit 1
fi

started=$(date +%s)
cd "$here"
echo "pulumi $version: downloading modules (cold: about 1.5 GB into $(go env GOMODCACHE))"
go mod download
echo "pulumi $version: modules ready after $(( $(date +%s) - started )) s"
tmp="$root/.tools/pulumi-$version.partial"
rm -rf "$tmp" && mkdir -p "$tmp"
echo "pulumi $version: compiling the CLI (cold: several minutes on 2 cores)"
go build \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  -o "$tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
echo "pulumi $version: compiling the Python language host"
go build \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  -o "$tmp/pulumi-language-python" ./language-python
# Module zips keep no execute bits and the module cache is read-only: copy, then chmod.
sdk="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)/python"
for script in "$sdk"/dist/pulumi-* "$sdk"/cmd/pulumi-language-python-exec; do
  case "$script" in *.cmd) continue ;; esac
  cp "$script" "$tmp/" && chmod 755 "$tmp/$(basename "$script")"
done
rm -rf "$bin" && mkdir -p "$(dirname "$bin")" && mv "$tmp" "$bin"
echo "pulumi $version: done in $(( $(date +%s) - started )) s: $bin"
"$bin/pulumi" version
