#!/usr/bin/env bash
# Build the pinned Pulumi CLI, the Python and YAML language hosts and pulumi-gen-nodejs from their Go
# modules into .tools/pulumi-<version>/bin, add the plugin scripts, and build only what is missing.
# The version pin is the pkg/v3 requirement in go.mod beside this script; the YAML host has its own
# module (language-yaml/go.mod: pulumi-yaml requires an older pkg/sdk than the CLI's).
# pulumi-gen-nodejs (gen-nodejs/main.go) writes a Node.js SDK from a schema:
#   pulumi-gen-nodejs <schema.json> <out-dir>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$here/go.mod")"
yaml_version="$(awk '$1 == "require" && $2 == "github.com/pulumi/pulumi-yaml" { print $3; exit }
  $1 == "github.com/pulumi/pulumi-yaml" { print $2; exit }' "$here/language-yaml/go.mod")"
bin="$root/.tools/pulumi-$version/bin"

# What is missing (or older than its sources, for the two small ones).
need_cli=1 need_yaml=1 need_gen=1
if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-python" ] \
   && [ "$("$bin/pulumi" version 2>/dev/null)" = "$version" ]; then
  need_cli=0
fi
if [ -x "$bin/pulumi-language-yaml" ] && ! [ "$here/language-yaml/go.mod" -nt "$bin/pulumi-language-yaml" ]; then
  need_yaml=0
fi
if [ -x "$bin/pulumi-gen-nodejs" ] && ! [ "$here/gen-nodejs/main.go" -nt "$bin/pulumi-gen-nodejs" ] \
   && ! [ "$here/go.mod" -nt "$bin/pulumi-gen-nodejs" ]; then
  need_gen=0
fi
if [ $need_cli = 0 ] && [ $need_yaml = 0 ] && [ $need_gen = 0 ]; then
  echo "pulumi $version already built: $bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "make pulumi: Go is not installed; install Go 1.26+ or put a pulumi CLI (>= $version) on PATH" >&2
  exit 1
fi

started=$(date +%s)
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"

# Each builder writes one binary to the path given.
build_yaml() {
  local t=$(date +%s)
  echo "pulumi-language-yaml $yaml_version: downloading modules and compiling (cold: about a minute)"
  (cd "$here/language-yaml" && go mod download && go build \
    -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version" \
    -o "$1" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
  echo "pulumi-language-yaml $yaml_version: built in $(( $(date +%s) - t )) s"
}
build_gen() {
  local t=$(date +%s)
  echo "pulumi-gen-nodejs: compiling against pkg/v3 $version"
  (cd "$here" && go build -ldflags "$ldflags" -o "$1" ./gen-nodejs)
  echo "pulumi-gen-nodejs: built in $(( $(date +%s) - t )) s"
}

if [ $need_cli = 0 ]; then
  # The CLI is there: add only the missing small binaries, each built beside its final name and
  # renamed into place, so an interrupted build leaves nothing half-written under that name.
  if [ $need_yaml = 1 ]; then
    build_yaml "$bin/pulumi-language-yaml.partial"
    mv -f "$bin/pulumi-language-yaml.partial" "$bin/pulumi-language-yaml"
  fi
  if [ $need_gen = 1 ]; then
    build_gen "$bin/pulumi-gen-nodejs.partial"
    mv -f "$bin/pulumi-gen-nodejs.partial" "$bin/pulumi-gen-nodejs"
  fi
  echo "pulumi $version: done in $(( $(date +%s) - started )) s: $bin"
  exit 0
fi

cd "$here"
echo "pulumi $version: downloading modules (cold: about 1.5 GB into $(go env GOMODCACHE))"
go mod download
echo "pulumi $version: modules ready after $(( $(date +%s) - started )) s"
tmp="$root/.tools/pulumi-$version.partial"
rm -rf "$tmp" && mkdir -p "$tmp"
echo "pulumi $version: compiling the CLI (cold: several minutes on 2 cores)"
go build -ldflags "$ldflags" -o "$tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
echo "pulumi $version: compiling the Python language host"
go build -ldflags "$ldflags" -o "$tmp/pulumi-language-python" ./language-python
# Module zips keep no execute bits and the module cache is read-only: copy, then chmod.
sdk="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)/python"
for script in "$sdk"/dist/pulumi-* "$sdk"/cmd/pulumi-language-python-exec; do
  case "$script" in *.cmd) continue ;; esac
  cp "$script" "$tmp/" && chmod 755 "$tmp/$(basename "$script")"
done
# The YAML host sits beside the CLI, or every run warns "using pulumi-language-yaml from $PATH".
build_yaml "$tmp/pulumi-language-yaml"
build_gen "$tmp/pulumi-gen-nodejs"
rm -rf "$bin" && mkdir -p "$(dirname "$bin")" && mv "$tmp" "$bin"
echo "pulumi $version: done in $(( $(date +%s) - started )) s: $bin"
"$bin/pulumi" version
