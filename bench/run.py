"""Benchmarks of pulumi-thingspace against the simulator over loopback, through the engine path.

    python bench/run.py [--sizes 1000,10000,100000] [--quick] [--suite all|classic|compact]
                        [--output bench/results.json]

Prints a Markdown table and writes ``results.json``: a list of ``{metric, n, value, unit, target,
meets_target}``. The benchmarks report; they never fail the build over a missed target.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from compact_scenarios import run_compact
from overhead import run_overhead
from pulumi_thingspace.testing.cli import PulumiCli, PulumiNotFoundError, find_pulumi
from report import Result, table, write_json
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
        choices=("all", "classic", "compact"),
        default="all",
        help="classic: the per-device resources; compact: the label bundle, real CLI included (default all)",
    )
    parser.add_argument("--output", type=Path, default=HERE / "results.json", help="where to write JSON")
    args = parser.parse_args(argv)
    if args.sizes:
        args.sizes = tuple(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    else:
        args.sizes = QUICK_SIZES if args.quick else FULL_SIZES
    return args


def real_cli() -> PulumiCli | None:
    """The real CLI for the compact suite, or None (said once) when there is none."""
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
    for n in args.sizes:
        if args.suite != "classic":
            print(f"N = {n:,}, compact label bundle ...", file=sys.stderr, flush=True)
            results += run_compact(n, cli)
        if args.suite != "compact":
            print(f"N = {n:,} ...", file=sys.stderr, flush=True)
            results += run_size(n, repetitions(n, args.quick))
        write_json(results, args.output)  # what is measured so far survives a later failure
    if args.suite != "compact":
        print(f"{SINGLE_LABEL_RESOURCES} single-label resources ...", file=sys.stderr, flush=True)
        results += run_overhead(SINGLE_LABEL_RESOURCES, 1 if args.quick else 3)
    elapsed = time.perf_counter() - started
    write_json(results, args.output)
    print(table(results))
    missed = [r for r in results if r.meets_target is False]
    print(
        f"\n{len(results)} results, {len(missed)} target(s) missed; {elapsed:.0f} s on "
        f"{platform.python_implementation()} {platform.python_version()}; written to {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
