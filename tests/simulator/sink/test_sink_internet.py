"""The sink in front of the internet, over real HTTP on loopback: hostile bodies, outages, stuck locks."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from kits.postgres import PASSWORD as PG_PASSWORD
from kits.postgres import PostgresServer
from kits.sink import callback_body, make_settings, read
from kits.sink_backends import Backend
from kits.sink_processes import Sink
from kits.stack import HOOK_PASSWORD, READ_TOKEN
from pulumi_thingspace.sink import SinkServer, StoreUnavailable
from pulumi_thingspace.sink.limits import MAX_BODY_BYTES, MAX_DEPTH, nesting_exceeds
from pulumi_thingspace.sink.logs import JsonFormatter, configure_logging
from pulumi_thingspace.sink.store_postgres import MIGRATION_LOCK, PostgresStore

MiB = 1024 * 1024
LABEL_VALUE = "deviceResponse.usageSegmentationLabelsResponse.usageSegmentationLabels.0.label.value"


def memory_kib(pid: int, field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (resident at peak) of process ``pid``, in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    assert match, f"no {field} in /proc/{pid}/status"
    return int(match.group(1))


def send_chunked(url: str, path: str, total: int, chunk: int) -> tuple[int, bytes]:
    """POST ``total`` bytes in ``chunk``-byte chunks (no Content-Length, no credentials) over a raw socket.

    Stops sending as soon as the server answers or closes; returns (bytes sent, what the server said).
    """
    host, port = url.removeprefix("http://").split(":")
    sent = 0
    answer = b""
    data = b"x" * chunk
    frame = f"{chunk:x}\r\n".encode() + data + b"\r\n"
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        try:
            while sent < total:
                if select.select([sock], [], [], 0)[0]:
                    break  # an answer (or a close) before the body ended
                sock.sendall(frame)
                sent += chunk
            else:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading and closed: what it said is still readable
        sock.settimeout(10)
        with contextlib.suppress(ConnectionResetError, TimeoutError):
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                piece = sock.recv(65536)
                if not piece:
                    break
                answer += piece
    return sent, answer


def test_chunked_oversized_body_is_refused_while_streaming_and_memory_stays_bounded(
    tmp_path: Path, processes: list[Sink]
) -> None:
    sink = Sink(tmp_path / "cb.db", tmp_path / "sink.log")
    processes.append(sink)
    # Warm up (imports, first request), then measure from here.
    assert requests.post(sink.callback_url, json=callback_body("warm-up"), timeout=10).status_code == 200
    pid = sink.proc.pid
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak to the current size
    baseline = memory_kib(pid, "VmRSS")

    total = 100 * MiB
    sent, answer = send_chunked(sink.url, "/callbacks", total, 1 * MiB)

    peak = memory_kib(pid, "VmHWM")
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"larger than" in answer
    grown_mib = (peak - baseline) / 1024
    assert grown_mib < 64, f"the sink grew by {grown_mib:.0f} MiB while refusing the body"
    assert sent < total // 2, f"the sink read {sent} bytes: it should stop soon after {MAX_BODY_BYTES}"
    # Still serving.
    assert requests.post(sink.callback_url, json=callback_body("after"), timeout=10).status_code == 200
    assert sink.stop() == 0
    assert '"reason": "too_large"' in (tmp_path / "sink.log").read_text()


@pytest.fixture
def sqlite_sink(db_path: Path) -> Iterator[SinkServer]:
    """A sink on a SQLite file, for rules that do not depend on the store."""
    with SinkServer(make_settings(db_path)) as server:
        yield server


def post_raw(sink: SinkServer, raw: str | bytes) -> requests.Response:
    """POST ``raw`` text as the callback body."""
    return requests.post(
        sink.callback_url, data=raw, headers={"Content-Type": "application/json"}, timeout=30
    )


def test_announced_oversized_body_is_refused_before_it_is_sent(sqlite_sink: SinkServer) -> None:
    host, port = sqlite_sink.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        head = f"POST /callbacks HTTP/1.1\r\nHost: {host}\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n"
        sock.sendall(head.encode())
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413 ")


def nested(depth: int, opening: str = "[", closing: str = "]") -> str:
    """JSON nesting ``depth`` containers."""
    if opening == "{":
        return '{"a":' * depth + "1" + "}" * depth
    return opening * depth + closing * depth


@pytest.mark.parametrize(
    "raw",
    [
        nested(200_000),  # a RecursionError (500) in json.loads before
        nested(200_000, "{", "}"),
        nested(MAX_DEPTH + 1),
        "[" * 200_000,  # unterminated as well
        json.dumps({**callback_body("req-deep"), "extra": json.loads(nested(MAX_DEPTH))}),
    ],
    ids=["arrays-200000", "objects-200000", "arrays-65", "unterminated", "callback-with-65"],
)
def test_deeply_nested_bodies_get_400_nested_too_deeply(sqlite_sink: SinkServer, raw: str) -> None:
    started = time.monotonic()
    response = post_raw(sqlite_sink, raw)
    assert (response.status_code, response.json()) == (
        400,
        {"error": f"callback body is nested too deeply (more than {MAX_DEPTH} levels)"},
    )
    assert time.monotonic() - started < 5


def test_nesting_up_to_the_limit_and_brackets_inside_strings_are_accepted(sqlite_sink: SinkServer) -> None:
    body = callback_body("req-ok")
    body["extra"] = json.loads(nested(MAX_DEPTH - 1))  # the body itself is the first level
    body["text"] = '[{"' * 1000 + '\\"[['
    assert nesting_exceeds(json.dumps(body).encode()) is False
    assert post_raw(sqlite_sink, json.dumps(body)).status_code == 200
    stored = read(sqlite_sink.url, "req-ok").json()["callbacks"][0]
    assert stored["extra"] == body["extra"] and stored["text"] == body["text"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_numbers_json_cannot_carry_are_refused(sqlite_sink: SinkServer, number: str) -> None:
    raw = json.dumps(callback_body("req-nan")).replace('"maxCallbackThreshold": 4', f'"x": {number}')
    response = post_raw(sqlite_sink, raw)
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]
    # Stored, it would have made every read of the request fail with 500.
    assert read(sqlite_sink.url, "req-nan").status_code == 404


def with_text(request_id: str, value: str) -> str:
    """A valid callback body as JSON text whose first label value is ``value`` (escapes kept as sent)."""
    body = callback_body(request_id)
    body["deviceResponse"]["usageSegmentationLabelsResponse"]["usageSegmentationLabels"][0]["label"][
        "value"
    ] = "@VALUE@"
    return json.dumps(body).replace('"@VALUE@"', value)


UNSTORABLE = [
    # (JSON text, request id to read back, field the answer names)
    (json.dumps(callback_body("req\x00nul")), "req%00nul", "requestId"),
    (with_text("req-nul-value", '"a\\u0000b"'), "req-nul-value", LABEL_VALUE),
    (json.dumps(callback_body("req\ud800lone")), None, "requestId"),
    (with_text("req-lone-value", '"x\\udc00"'), "req-lone-value", LABEL_VALUE),
    (
        json.dumps(callback_body("req-lone-key")).replace('"status"', '"st\\ud800atus"'),
        "req-lone-key",
        "st\\ud800atus",
    ),
]


@pytest.mark.parametrize(
    ("raw", "read_id", "field"), UNSTORABLE, ids=["nul-id", "nul", "lone-id", "lone", "lone-key"]
)
def test_text_no_store_can_hold_is_422_naming_the_field_and_recorded(
    sink: SinkServer, backend: Backend, raw: str, read_id: str | None, field: str
) -> None:
    for _attempt in (1, 2):  # every resend gets the same final answer, never a 503
        response = post_raw(sink, raw)
        assert response.status_code == 422, response.text
        assert response.json()["fields"] == [field]
        assert "NUL character or a lone surrogate" in response.json()["error"]
    assert backend.rows() == 0
    if read_id is not None:
        got = read(sink.url, read_id)
        assert got.status_code == 404
        assert got.json()["rejected"] == {
            "count": 2,
            "reason": "the body holds a NUL character or a lone surrogate, which no store can keep",
        }


def test_text_every_store_holds_is_accepted_alike(sink: SinkServer, backend: Backend) -> None:
    # A surrogate *pair* is one character (an emoji); other non-ASCII text and control escapes are fine.
    raw = with_text("req-text-\u00e9", '"\\ud83d\\ude00 caf\u00e9 \\t\\u0001"')
    assert post_raw(sink, raw.encode()).status_code == 200
    value = read(sink.url, "req-text-\u00e9").json()["callbacks"][0]["deviceResponse"]
    line = value["usageSegmentationLabelsResponse"]["usageSegmentationLabels"][0]
    assert line["label"]["value"] == "\U0001f600 caf\u00e9 \t\x01"
    assert backend.rows() == 1


def test_ids_and_counts_no_store_can_hold_are_refused_alike(sink: SinkServer, backend: Backend) -> None:
    # A NUL id is read as "no callbacks" without asking the store (PostgreSQL would refuse the query).
    assert read(sink.url, "x%00y").status_code == 404
    assert read(sink.url, "x" * 201).status_code == 404
    # callbackCount goes in an integer column: 64-bit on both stores.
    too_big = post_raw(sink, json.dumps(callback_body("req-count", count=2**63)))
    assert (too_big.status_code, too_big.json()["fields"]) == (422, ["callbackCount"])
    assert post_raw(sink, json.dumps(callback_body("req-count", count=2**63 - 1))).status_code == 200
    # A lone surrogate in the credentials is a mismatch (401), not an encoding error (500).
    lone = json.dumps(callback_body("req-cred", username="\ud800"))
    assert post_raw(sink, lone).status_code == 401
    assert backend.rows() == 1


def timed(method: str, url: str, **kwargs: Any) -> tuple[int, float]:
    """(status, seconds) of one request."""
    started = time.monotonic()
    response = requests.request(method, url, timeout=10, **kwargs)
    return response.status_code, time.monotonic() - started


def test_during_a_database_outage_answers_are_503_within_a_second_and_recover(
    private_postgres: PostgresServer, tmp_path: Path, processes: list[Sink]
) -> None:
    url = private_postgres.create_database()
    log = tmp_path / "sink.log"
    sink = Sink(url, log, extra_env={"THINGSPACE_SINK_DB_TIMEOUT": "5"})
    processes.append(sink)
    health = f"{sink.url}/healthz"
    assert requests.post(sink.callback_url, json=callback_body("before"), timeout=10).status_code == 200

    private_postgres.stop()
    answers = []
    for i in range(4):  # the first of each comes before the sink knew the database was down
        answers.append(timed("POST", sink.callback_url, json=callback_body(f"during-{i}")))
        answers.append(timed("GET", health))
    assert {status for status, _ in answers} == {503}
    slowest = max(seconds for _, seconds in answers)
    assert slowest < 1.0, f"a 503 took {slowest:.2f} s (db timeout 5 s): {answers}"

    private_postgres.start()
    deadline = time.monotonic() + 30
    while requests.get(health, timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "the sink did not recover within 30 s"
        time.sleep(0.1)
    assert requests.post(sink.callback_url, json=callback_body("after"), timeout=10).status_code == 200
    assert read(sink.url, "after").status_code == 200
    assert sink.stop() == 0
    assert PG_PASSWORD not in log.read_text()


def test_a_held_migration_lock_fails_the_start_after_the_bound_naming_the_lock(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.create_database()
    outcome: list[BaseException | PostgresStore] = []

    def start_replica() -> None:
        try:
            outcome.append(PostgresStore(url, migration_lock_timeout=1.0))
        except BaseException as exc:  # checked below
            outcome.append(exc)

    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))  # another replica, stuck
        started = time.monotonic()
        replica = threading.Thread(target=start_replica, daemon=True)
        replica.start()
        replica.join(timeout=10)
        waited = time.monotonic() - started
        assert not replica.is_alive(), "the replica waited for the migration lock without limit"
        release = threading.Timer(
            0.5, lambda: holder.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
        )
        release.start()
        try:
            store = PostgresStore(url, migration_lock_timeout=10.0)  # waits for the release, then starts
        finally:
            release.join()
    assert len(outcome) == 1 and isinstance(outcome[0], StoreUnavailable), outcome
    message = str(outcome[0])
    assert "migration lock" in message and str(MIGRATION_LOCK) in message
    assert PG_PASSWORD not in message
    assert 1.0 <= waited < 5.0
    assert store.add("r1", 1, {"requestId": "r1"})
    store.close()


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Restore the root logger's handlers and level after a test that configures logging."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_no_log_line_carries_the_database_password_even_from_the_pool(
    private_postgres: PostgresServer, caplog: pytest.LogCaptureFixture, root_logging: None
) -> None:
    url = private_postgres.create_database()
    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    with SinkServer(make_settings(url, db_timeout=1.0)) as sink:
        private_postgres.stop()
        assert requests.get(f"{sink.url}/healthz", timeout=10).status_code == 503
        assert requests.post(sink.callback_url, json=callback_body("down"), timeout=10).status_code == 503
        # What a driver might say about its connection string: the pool's and psycopg's own loggers.
        logging.getLogger("psycopg.pool").warning("error connecting in %r: %s", "pool", f"bad dsn {url}")
        logging.getLogger("psycopg").info(url)
        try:
            raise ValueError(f"cannot parse {url}")
        except ValueError:
            logging.getLogger("psycopg.pool").exception("task failed")
        # Any other logger still goes through the handler configure_logging installs.
        configure_logging("DEBUG", stream)
        logging.getLogger("some.driver").error("connecting to %s", url)
    logged = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    logged += "\n".join(logging.Formatter().format(r) for r in caplog.records)
    logged += stream.getvalue()
    assert "error connecting in 'pool': bad dsn postgresql://sink_admin:***@" in logged
    assert "cannot parse postgresql://sink_admin:***@" in logged and "Traceback" in logged
    assert "connecting to postgresql://sink_admin:***@" in stream.getvalue()
    assert PG_PASSWORD not in logged
    for secret in (HOOK_PASSWORD, READ_TOKEN):
        assert secret not in logged
