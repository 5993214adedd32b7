"""The sink's label ledger: storing 100,000 label results and answering one 100,000-key query.

    python bench/ledger.py [--labels 100000] [--output bench/results.json]

For SQLite and PostgreSQL (a throwaway server from Debian's binaries, fsync on; SQLite with
synchronous=FULL), a sink process (the console script, secrets in the environment) receives 50
callbacks of 2,000 successful Set lines over loopback HTTP on ``/callbacks/{accountName}``, one after
the other; then one ``POST /ledger`` asks for all 100,000 keys, and the same query runs once more in
process on the store (``store.ledger``) to show what HTTP and JSON add. A baseline stores the same
callbacks with every line Failed (no ledger change) on a fresh database, to show what the ledger costs
per callback. Figures are appended to ``results.json`` as ``{metric, n, value, unit, target,
meets_target}`` records whose metric starts with ``ledger`` (earlier ``ledger`` records are replaced,
every other record is kept). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import requests

from report import Result, table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from kits.postgres import PostgresServer, find_bindir  # noqa: E402
from kits.sink_backends import Backend  # noqa: E402
from kits.sink_ledger import ACCOUNT, ask, key, labelled, set_line  # noqa: E402
from kits.sink_processes import Sink  # noqa: E402

LINES_PER_CALLBACK = 2000
PREFIX = "ledger"


def send(sink: Sink, labels: int, status: str) -> tuple[float, list[float]]:
    """POST ``labels`` label results in callbacks of 2,000 lines; (seconds, per-callback latencies)."""
    bodies = [
        labelled(
            f"{status}-{start}",
            *(
                set_line(n, f"v{n}", status=status)
                for n in range(start, min(start + LINES_PER_CALLBACK, labels))
            ),
        )
        for start in range(0, labels, LINES_PER_CALLBACK)
    ]
    latencies = []
    url = f"{sink.callback_url}/{ACCOUNT}"
    with requests.Session() as http:
        http.post(url, json=labelled(f"warmup-{status}", set_line(10**9, "w", status=status)), timeout=60)
        started = time.perf_counter()
        for body in bodies:
            begun = time.perf_counter()
            response = http.post(url, json=body, timeout=120)
            latencies.append(time.perf_counter() - begun)
            if response.status_code != 200 or response.json()["stored"] is not True:
                raise RuntimeError(f"callback not stored: HTTP {response.status_code} {response.text[:200]}")
    return time.perf_counter() - started, latencies


def measure(setup: str, backend: Backend, baseline: Backend, labels: int, work: Path) -> list[Result]:
    """Store ``labels`` results on ``backend`` and query them back; the baseline runs on ``baseline``."""
    keys = [key(n) for n in range(labels)]
    sink = Sink(backend.target, work / f"{setup}.log")
    try:
        stored_s, latencies = send(sink, labels, "Success")
        started = time.perf_counter()
        response = ask(sink.url, ACCOUNT, keys)
        query_s = time.perf_counter() - started
        answer = response.json()
    finally:
        sink.stop()
    if response.status_code != 200 or len(answer["set"]) != labels or answer["unseen"] != 0:
        raise RuntimeError(
            f"wrong ledger answer: HTTP {response.status_code}, {len(answer.get('set', {}))} set"
        )
    store = backend.open()
    try:
        started = time.perf_counter()
        view = store.ledger(ACCOUNT, keys)
        in_process_s = time.perf_counter() - started
    finally:
        store.close()
    assert len(view.set) == labels

    plain = Sink(baseline.target, work / f"{setup}-baseline.log")
    try:
        baseline_s, _ = send(plain, labels, "Failed")
    finally:
        plain.stop()

    callbacks = len(latencies)
    cuts = statistics.quantiles(latencies, n=100)
    what = f"{labels:,} label results in {callbacks} callbacks of {LINES_PER_CALLBACK:,} lines"
    return [
        Result(f"{PREFIX} store {what}, HTTP: {setup}", labels, round(stored_s, 3), "s"),
        Result(f"{PREFIX} store rate: {setup}", labels, round(labels / stored_s), "labels/s"),
        Result(f"{PREFIX} store p50 per callback: {setup}", labels, round(cuts[49] * 1000, 1), "ms"),
        Result(f"{PREFIX} store p99 per callback: {setup}", labels, round(cuts[98] * 1000, 1), "ms"),
        Result(
            f"{PREFIX} baseline: same callbacks, every line Failed: {setup}",
            labels,
            round(baseline_s, 3),
            "s",
        ),
        Result(f"{PREFIX} query {labels:,} keys, POST /ledger: {setup}", labels, round(query_s, 3), "s"),
        Result(
            f"{PREFIX} query {labels:,} keys, store.ledger in process: {setup}",
            labels,
            round(in_process_s, 3),
            "s",
        ),
        Result(f"{PREFIX} query body: {setup}", labels, round(len(json.dumps({"keys": keys})) / 1024), "KiB"),
    ]


def merge(path: Path, results: list[Result]) -> None:
    """Replace the ``ledger`` records of ``path`` (a JSON list) by ``results``; keep every other record."""
    existing = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    kept = [r for r in existing if not str(r.get("metric", "")).startswith(PREFIX + " ")]
    path.write_text(json.dumps(kept + [r.record() for r in results], indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run both stores, print the table, merge the figures into results.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=100_000)
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args(argv)
    bindir = find_bindir()
    if bindir is None:
        print("ledger: PostgreSQL binaries not found (bash .ci/install-postgres)", file=sys.stderr)
        return 1
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", file=sys.stderr)
    server = PostgresServer(bindir, fast=False)
    results: list[Result] = []
    try:
        server.start()
        with tempfile.TemporaryDirectory(prefix="ledger-bench-") as tmp:
            work = Path(tmp)
            setups = [
                ("SQLite", Backend("sqlite", work / "ledger.db"), Backend("sqlite", work / "baseline.db")),
                (
                    "PostgreSQL",
                    Backend("postgres", server.create_database("ledger")),
                    Backend("postgres", server.create_database("baseline")),
                ),
            ]
            for setup, backend, baseline in setups:
                print(f"{setup} ...", file=sys.stderr, flush=True)
                results += measure(setup, backend, baseline, args.labels, work)
    finally:
        server.destroy()
    merge(args.output, results)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
