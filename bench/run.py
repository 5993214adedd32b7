"""Benchmarks of pulumi-thingspace against the simulator over loopback, through the engine path.

    python bench/run.py [--sizes 1000,10000,100000] [--quick] [--suite all|classic|compact|plugin]
                        [--references] [--output bench/results.json]

Prints a Markdown table and writes ``results.json``: a list of ``{metric, n, value, unit, target,
meets_target}``. ``--suite plugin`` (the provider plugin's per-device form under the real CLI) merges
its records into the file, keeping every other one, and compares the plugin with the compact figures
already there unless ``--references`` measures them beside it. The benchmarks report; they never fail
the build over a missed target.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from compact_scenarios import run_compact
from overhead import run_overhead
from plugin_scenarios import reference_records, run_plugin
from pulumi_thingspace.testing.cli import PulumiCli, PulumiNotFoundError, find_pulumi
from report import Result, merge_json, table, write_json
from scenarios import run_size

HERE = Path(__file__).resolve().parent
FULL_SIZES = (1000, 10000, 100000)
QUICK_SIZES = (1000, 10000)
SINGLE_LABEL_RESOURCES = 500


def repetitions(n: int, quick: bool) -> int:
    """Timed repetitions of the create comparison: more where one run is short and noisy."""
    if quick:
        return 1
    return 5 if n <= 1000 else 3 if n <= 10000 else 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", help="comma-separated fleet sizes N (default 1000,10000,100000)")
    parser.add_argument("--quick", action="store_true", help="sizes 1000,10000 and one repetition each")
    parser.add_argument(
        "--suite",
        choices=("all", "classic", "compact", "plugin"),
        default="all",
        help="classic: the per-device resources; compact: the label bundle, real CLI included; plugin: the "
        "provider plugin's per-device form under the real CLI (default all)",
    )
    parser.add_argument(
        "--references",
        action="store_true",
        help="plugin suite: measure the bundle and the bare provider beside the plugin, alternating, "
        "instead of using the compact figures of this run or of --output",
    )
    parser.add_argument("--output", type=Path, default=HERE / "results.json", help="where to write JSON")
    args = parser.parse_args(argv)
    if args.sizes:
        args.sizes = tuple(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    else:
        args.sizes = QUICK_SIZES if args.quick else FULL_SIZES
    return args


def real_cli() -> PulumiCli | None:
    """The real CLI for the compact and plugin suites, or None (said once) when there is none."""
    try:
        return find_pulumi()
    except PulumiNotFoundError as exc:
        print(f"real-CLI benchmarks skipped: {exc}", file=sys.stderr)
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark, print the table, write the JSON."""
    args = parse_args(argv)
    results: list[Result] = []
    started = time.perf_counter()
    cli = real_cli() if args.suite != "classic" else None
    suites = {"all": ("compact", "classic", "plugin")}.get(args.suite, (args.suite,))
    # --suite plugin keeps the other suites' figures and replaces its own earlier ones at these sizes.
    save = partial(merge_json, prefix="plugin ") if args.suite == "plugin" else write_json
    known = reference_records(args.output)  # the figures already there, read before anything is written
    for n in args.sizes:
        if "compact" in suites:
            print(f"N = {n:,}, compact label bundle ...", file=sys.stderr, flush=True)
            results += run_compact(n, cli)
        if "classic" in suites:
            print(f"N = {n:,} ...", file=sys.stderr, flush=True)
            results += run_size(n, repetitions(n, args.quick))
        if "plugin" in suites and cli is not None:
            print(f"N = {n:,}, provider plugin ...", file=sys.stderr, flush=True)
            this_run = {(r.metric, r.n): r.value for r in results}
            results += run_plugin(n, cli, this_run if "compact" in suites else known, args.references)
        save(results, args.output)  # what is measured so far survives a later failure
    if "classic" in suites:
        print(f"{SINGLE_LABEL_RESOURCES} single-label resources ...", file=sys.stderr, flush=True)
        results += run_overhead(SINGLE_LABEL_RESOURCES, 1 if args.quick else 3)
    elapsed = time.perf_counter() - started
    save(results, args.output)
    print(table(results))
    missed = [r for r in results if r.meets_target is False]
    print(
        f"\n{len(results)} results, {len(missed)} target(s) missed; {elapsed:.0f} s on "
        f"{platform.python_implementation()} {platform.python_version()}; written to {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
