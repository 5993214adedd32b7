"""Two sink processes on one PostgreSQL database, over loopback HTTP: kills, duplicates and outages."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

from kits.postgres import PASSWORD as PG_PASSWORD
from kits.postgres import PostgresServer
from kits.sink import callback_body, read
from kits.sink_backends import Backend
from kits.sink_ledger import ACCOUNT, ask, key, labelled, set_line
from kits.sink_processes import Sink
from kits.stack import READ_TOKEN

AUTH = {"Authorization": f"Bearer {READ_TOKEN}"}


class Ledger:
    """What the senders saw, shared by their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acked: dict[str, list[str]] = {}  # request id -> replicas that answered 2xx
        self.stored_true: dict[str, int] = {}  # request id -> answers saying "stored": true
        self.failures: list[requests.Response] = []

    def record(self, replica: str, rid: str, response: requests.Response) -> None:
        with self.lock:
            if 200 <= response.status_code < 300:
                self.acked.setdefault(rid, []).append(replica)
                self.stored_true[rid] = self.stored_true.get(rid, 0) + bool(response.json()["stored"])
            else:
                self.failures.append(response)

    def acked_by(self, replica: str) -> int:
        with self.lock:
            return sum(replica in who for who in self.acked.values())


def unreadable(url: str, request_ids: list[str]) -> list[str]:
    """The ids among ``request_ids`` that ``url`` does not serve as exactly one stored callback."""
    with requests.Session() as http:
        bad = []
        for rid in request_ids:
            got = http.get(f"{url}/requests/{rid}", headers=AUTH, timeout=10)
            if got.status_code != 200 or len(got.json()["callbacks"]) != 1:
                bad.append(rid)
    return bad


def test_two_replicas_share_callbacks_store_duplicates_once_and_survive_a_sigkill(
    postgres_server: PostgresServer, tmp_path: Path, processes: list[Sink]
) -> None:
    db = Backend("postgres", postgres_server.create_database())
    a = Sink(db.target, tmp_path / "a.log")
    b = Sink(db.target, tmp_path / "b.log")
    processes += [a, b]
    # Readers on either replica see what the other accepted.
    assert requests.post(a.callback_url, json=callback_body("via-a"), timeout=10).status_code == 200
    assert requests.post(b.callback_url, json=callback_body("via-b"), timeout=10).status_code == 200
    assert read(b.url, "via-a").json()["callbacks"][0]["requestId"] == "via-a"
    assert read(a.url, "via-b").json()["callbacks"][0]["requestId"] == "via-b"

    total = 300
    ledger = Ledger()

    def send(replica: Sink, name: str, ids: list[str], repeat_every: int) -> None:
        # Every id goes to both replicas at about the same time; some go twice to the same replica.
        with requests.Session() as http:
            for n, rid in enumerate(ids):
                # Each id sets a label of its own; the account comes from the path, as registered.
                body = labelled(rid, set_line(int(rid.split("-")[1]), f"v-{rid}"))
                for _ in range(2 if n % repeat_every == 0 else 1):
                    try:
                        response = http.post(f"{replica.callback_url}/{ACCOUNT}", json=body, timeout=5)
                    except requests.RequestException:
                        break  # the replica is gone; ThingSpace would resend to the other one
                    ledger.record(name, rid, response)

    halves = [[f"burst-{i}" for i in range(total) if i % 2 == k] for k in (0, 1)]
    senders = [
        threading.Thread(target=send, args=(replica, name, ids, repeat))
        for replica, name, repeat in ((a, "a", 7), (b, "b", 5))
        for ids in halves
    ]
    for sender in senders:
        sender.start()
    deadline = time.monotonic() + 30
    while ledger.acked_by("a") < 60 and time.monotonic() < deadline:
        time.sleep(0.002)
    a.stop(signal.SIGKILL)
    for sender in senders:
        sender.join(timeout=60)
    assert not any(sender.is_alive() for sender in senders)

    acked_by_a = ledger.acked_by("a")
    assert 60 <= acked_by_a < total, "the kill should land mid-burst"
    assert ledger.failures == []
    acked = sorted(ledger.acked)
    assert len(acked) == total  # replica b acknowledged every id
    assert unreadable(b.url, acked) == []
    assert max(ledger.stored_true.values()) == 1, "two answers claimed to have stored the same callback"
    assert db.duplicated_keys() == []
    assert db.rows() == total + 2

    # Both replicas built one ledger: every label acknowledged by either is there, on either replica.
    restarted = Sink(db.target, tmp_path / "a2.log")
    processes.append(restarted)
    keys = [key(i) for i in range(total)]
    expected = {"accountName": ACCOUNT, "set": {key(i): f"v-burst-{i}" for i in range(total)}}
    answers = [ask(replica.url, ACCOUNT, keys).json() for replica in (b, restarted)]
    assert answers == [{**expected, "removed": [], "unseen": 0}] * 2


def test_database_outage_is_answered_with_503_and_the_sink_recovers_without_a_restart(
    private_postgres: PostgresServer, tmp_path: Path, processes: list[Sink]
) -> None:
    url = private_postgres.create_database()
    log = tmp_path / "sink.log"
    sink = Sink(url, log, extra_env={"THINGSPACE_SINK_DB_TIMEOUT": "1"})
    processes.append(sink)
    ledger = Ledger()
    stop = threading.Event()

    def send(worker: int) -> None:
        # Like ThingSpace: resend each callback until it is acknowledged.
        with requests.Session() as http:
            for i in range(500):
                rid = f"load-{worker}-{i}"
                for _ in range(100):
                    if stop.is_set():
                        return
                    response = http.post(sink.callback_url, json=callback_body(rid), timeout=10)
                    ledger.record("sink", rid, response)
                    if response.status_code == 200:
                        break
                    time.sleep(0.05)

    def wait_for(condition: str, check: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not check() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert check(), f"timed out waiting for {condition}"

    senders = [threading.Thread(target=send, args=(w,)) for w in range(3)]
    for sender in senders:
        sender.start()
    try:
        wait_for("acknowledgements", lambda: len(ledger.acked) >= 30, 20)
        private_postgres.stop()
        wait_for("503 answers", lambda: len(ledger.failures) >= 6, 20)
        health = requests.get(f"{sink.url}/healthz", timeout=10)
        assert health.status_code == 503
        acked_before_restart = len(ledger.acked)
        private_postgres.start()
        wait_for("recovery", lambda: len(ledger.acked) >= acked_before_restart + 30, 30)
    finally:
        stop.set()
        for sender in senders:
            sender.join(timeout=30)

    assert sink.proc.poll() is None, "the sink kept running through the outage"
    assert requests.get(f"{sink.url}/healthz", timeout=10).status_code == 200
    assert {r.status_code for r in ledger.failures} == {503}
    for failure in ledger.failures:
        assert set(failure.json()) == {"error"}
        assert "Traceback" not in failure.text and PG_PASSWORD not in failure.text
    assert unreadable(sink.url, sorted(ledger.acked)) == []
    assert Backend("postgres", url).duplicated_keys() == []
    assert sink.stop() == 0
    assert PG_PASSWORD not in log.read_text()
