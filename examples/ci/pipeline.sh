#!/usr/bin/env bash
# One script for every CI: the same steps on GitHub Actions, GitLab CI or a laptop.
#
#   pipeline.sh preview   pulumi preview (with the ThingSpace policy pack) -> $OUT_DIR/summary.md;
#                         exit 2 when devices would be deleted and THINGSPACE_ALLOW_DELETE is not true
#   pipeline.sh apply     pulumi up --refresh (the same policy pack; a mandatory violation stops it).
#                         The refresh comes first because a failed or interrupted run records nothing of
#                         what it changed: the stack is brought up to date before the change is sent.
#                         After a runner was killed mid-run, the next job stops at the stack's lock
#                         ("the stack is currently locked by 1 lock(s)"): once no run on the stack is
#                         active, run `pulumi cancel --yes` once and rerun the job (README: "After a
#                         crash or a failed run")
#   pipeline.sh drift     pulumi preview --refresh --expect-no-changes -> $OUT_DIR/drift.md;
#                         fails when licenses or listeners changed outside Pulumi
#
# Settings (environment): PULUMI_STACK (required), PROJECT_DIR (default: ../quickstart beside this
# script), OUT_DIR (default: ./ci-out), POLICY_CONFIG (a --policy-pack-config file, optional),
# THINGSPACE_ALLOW_DELETE (true: a preview that deletes devices still passes). Credentials come from
# the CI's secret store as THINGSPACE_CLIENT_ID, THINGSPACE_CLIENT_SECRET, THINGSPACE_USERNAME,
# THINGSPACE_PASSWORD (or stack config), and the Pulumi backend's own variables.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
job="${1:-}"
stack="${PULUMI_STACK:?set PULUMI_STACK to the stack to run on}"
project="${PROJECT_DIR:-$here/../quickstart}"
out="${OUT_DIR:-$PWD/ci-out}"
mkdir -p "$out"

run_pulumi() {
  pulumi --cwd "$project" --stack "$stack" --non-interactive "$@"
}

# The ThingSpace policy pack shipped in the package (`pip install 'pulumi-thingspace[policy]'`).
policy=()
use_policy_pack() {
  local pack
  pack="$(thingspace-policy-path --check)"
  policy=(--policy-pack "$pack")
  if [ -n "${POLICY_CONFIG:-}" ]; then
    policy+=(--policy-pack-config "$POLICY_CONFIG")
  fi
}

# A JSON preview and its summary; when the preview fails, its readable output is added to the
# summary (policy violations are not part of `pulumi preview --json`).
summarise() {
  local name="$1"
  shift
  local status=0 review=0
  local review_args=()
  if [ "${THINGSPACE_ALLOW_DELETE:-false}" = "true" ] || [ "$name" = "drift" ]; then
    review_args+=(--allow-delete)
  fi
  run_pulumi preview --json "$@" >"$out/$name.json" 2>"$out/$name.err" || status=$?
  thingspace-review "$out/$name.json" -o "$out/$name.md" "${review_args[@]}" || review=$?
  if [ "$status" -ne 0 ]; then
    run_pulumi preview "$@" >"$out/$name.txt" 2>&1 || true
    {
      printf '\n<details><summary>pulumi preview output</summary>\n\n```\n'
      tail -n 200 "$out/$name.txt"
      printf '```\n</details>\n'
    } >>"$out/$name.md"
  fi
  cat "$out/$name.md"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$out/$name.md" >>"$GITHUB_STEP_SUMMARY"
  fi
  if [ "$status" -ne 0 ]; then
    echo "pipeline: pulumi preview failed (exit $status)" >&2
    return "$status"
  fi
  return "$review"
}

case "$job" in
  preview)
    use_policy_pack
    summarise preview "${policy[@]}"
    ;;
  apply)
    use_policy_pack
    run_pulumi up --yes --refresh "${policy[@]}"
    ;;
  drift)
    if ! summarise drift --refresh --expect-no-changes; then
      echo "pipeline: drift: ThingSpace differs from the stack (see $out/drift.md); run the apply job" >&2
      exit 1
    fi
    echo "pipeline: drift: no changes"
    ;;
  *)
    echo "usage: pipeline.sh preview|apply|drift" >&2
    exit 64
    ;;
esac
