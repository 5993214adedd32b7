"""Callbacks per second the sink accepts: SQLite, and PostgreSQL with one and with two replicas.

    python bench/sink_throughput.py [--callbacks 5000] [--threads 8] [--output bench/sink_results.json]

Each setup gets a fresh store and its own sink processes (the console script, secrets in the
environment); client threads POST distinct callbacks over loopback, spread evenly over the replicas,
and count the 2xx answers. PostgreSQL is a throwaway server (Debian's binaries, fsync on) and SQLite
runs with synchronous=FULL, so every acknowledged callback is durable in both. Prints a Markdown table
and writes the figures as JSON. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from kits.postgres import PostgresServer, find_bindir  # noqa: E402
from kits.sink import callback_body  # noqa: E402
from kits.sink_backends import Backend  # noqa: E402
from kits.sink_processes import Sink  # noqa: E402

WARMUP = 200


def drive(replicas: list[Sink], prefix: str, count: int, threads: int) -> tuple[float, list[float], int]:
    """POST ``count`` distinct callbacks from ``threads`` threads; (seconds, latencies, acknowledged)."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    acked = [0] * threads

    def worker(k: int) -> None:
        with requests.Session() as http:
            for i in range(k, count, threads):
                url = replicas[i % len(replicas)].callback_url
                body = callback_body(f"{prefix}-{i}")
                started = time.perf_counter()
                response = http.post(url, json=body, timeout=30)
                latencies[k].append(time.perf_counter() - started)
                acked[k] += 200 <= response.status_code < 300

    workers = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - started, [x for per in latencies for x in per], sum(acked)


def measure(
    setup: str, backend: Backend, replicas: int, count: int, threads: int, work: Path
) -> dict[str, Any]:
    """Start ``replicas`` sinks on ``backend``, warm them up, then time ``count`` callbacks."""
    sinks = [Sink(backend.target, work / f"{setup}-{n}.log") for n in range(replicas)]
    try:
        drive(sinks, "warmup", WARMUP, threads)
        seconds, latencies, acked = drive(sinks, "bench", count, threads)
    finally:
        for sink in sinks:
            sink.stop()
    stored = backend.rows() - WARMUP
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "setup": setup,
        "replicas": replicas,
        "callbacks": count,
        "acknowledged": acked,
        "stored": stored,
        "seconds": round(seconds, 3),
        "per_second": round(acked / seconds, 1),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
    }


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| Store | Replicas | Callbacks | Accepted/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['setup']} | {r['replicas']} | {r['acknowledged']:,} | {r['per_second']:,.0f} "
        f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} |"
        for r in rows
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three setups and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callbacks", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("sink_results.json"))
    args = parser.parse_args(argv)
    bindir = find_bindir()
    if bindir is None:
        print("sink_throughput: PostgreSQL binaries not found (bash .ci/install-postgres)", file=sys.stderr)
        return 1
    load_before = os.getloadavg()[0]
    server = PostgresServer(bindir, fast=False)
    rows: list[dict[str, Any]] = []
    try:
        server.start()
        with tempfile.TemporaryDirectory(prefix="sink-bench-") as tmp:
            work = Path(tmp)
            setups = [
                ("SQLite", Backend("sqlite", work / "callbacks.db"), 1),
                ("PostgreSQL", Backend("postgres", server.create_database("one")), 1),
                ("PostgreSQL", Backend("postgres", server.create_database("two")), 2),
            ]
            for setup, backend, replicas in setups:
                rows.append(measure(setup, backend, replicas, args.callbacks, args.threads, work))
                print(f"{setup} x{replicas}: {rows[-1]['per_second']:,.0f}/s", file=sys.stderr)
    finally:
        server.destroy()
    report = {
        "benchmark": "sink callbacks accepted per second over loopback",
        "client_threads": args.threads,
        "cpus": os.cpu_count(),
        "load_average_before": round(load_before, 2),
        "python": platform.python_version(),
        "postgres_bindir": str(bindir),
        "results": rows,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
