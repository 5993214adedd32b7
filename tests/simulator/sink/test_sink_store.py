"""The stores (SQLite and PostgreSQL): the durable record of received callbacks."""

from __future__ import annotations

import threading
from pathlib import Path

from kits.sink_backends import Backend
from pulumi_thingspace.sink import SQLiteStore


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_bodies_come_back_in_arrival_order_per_request(backend: Backend) -> None:
    store = backend.open()
    assert store.add("r1", 1, {"requestId": "r1", "n": 1})
    assert store.add("r2", 1, {"requestId": "r2", "n": 2})
    assert store.add("r1", 2, {"requestId": "r1", "n": 3})
    assert [b["n"] for b in store.get("r1")] == [1, 3]
    assert [b["n"] for b in store.get("r2")] == [2]
    assert store.get("unknown") == []
    store.close()


def test_same_callback_is_stored_once_but_a_resend_with_higher_count_is_kept(backend: Backend) -> None:
    store = backend.open()
    body = {"requestId": "r1", "b": 1, "a": 2}
    assert store.add("r1", 1, body) is True
    assert store.add("r1", 1, {"a": 2, "requestId": "r1", "b": 1}) is False  # same content, other key order
    assert store.add("r1", 2, body) is True
    assert len(store.get("r1")) == 2
    store.close()


def test_different_callbacks_sharing_request_id_and_count_are_both_kept(backend: Backend) -> None:
    # Deactivations report one callback per device under one request id, each with callbackCount 1.
    store = backend.open()
    assert store.add("r1", 1, {"requestId": "r1", "deviceIds": [{"kind": "eid", "id": "1"}]})
    assert store.add("r1", 1, {"requestId": "r1", "deviceIds": [{"kind": "eid", "id": "2"}]})
    assert len(store.get("r1")) == 2
    store.close()


def test_stored_body_keeps_key_order(backend: Backend) -> None:
    store = backend.open()
    store.add("r1", 1, {"requestId": "r1", "zeta": 1, "alpha": 2})
    assert list(store.get("r1")[0]) == ["requestId", "zeta", "alpha"]
    store.close()


def test_data_survives_reopening(backend: Backend) -> None:
    store = backend.open()
    store.add("r1", 1, {"requestId": "r1"})
    store.close()
    reopened = backend.open()
    assert reopened.get("r1") == [{"requestId": "r1"}]
    assert reopened.add("r1", 1, {"requestId": "r1"}) is False
    reopened.close()


def test_sqlite_uses_wal_with_full_sync(db_path: Path) -> None:
    SQLiteStore(db_path).close()
    reopened = SQLiteStore(db_path)
    assert reopened._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reopened._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    reopened.close()


def test_purge_deletes_only_records_older_than_the_limit(backend: Backend) -> None:
    clock = FakeClock()
    store = backend.open(clock=clock)
    store.add("old", 1, {"requestId": "old"})
    clock.now += 10 * 86400
    store.add("new", 1, {"requestId": "new"})
    clock.now += 1
    assert store.purge(5 * 86400) == 1
    assert store.get("old") == []
    assert store.get("new") == [{"requestId": "new"}]
    assert store.purge(5 * 86400) == 0
    store.close()


def test_concurrent_writers_from_many_threads_lose_nothing(backend: Backend) -> None:
    store = backend.open()
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for i in range(25):
                store.add(f"w{worker}", i, {"requestId": f"w{worker}", "i": i})
                store.get(f"w{worker}")
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all([b["i"] for b in store.get(f"w{w}")] == list(range(25)) for w in range(8))
    store.close()
    assert backend.rows() == 200
