"""The label ledger on both stores: what callbacks change, in which order, for which account."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest

from kits.sink_backends import Backend
from kits.sink_ledger import ACCOUNT, OTHER_ACCOUNT, eid, key, remove_line, set_line, stored
from pulumi_thingspace.sink import CallbackStore, ledger_postgres, ledger_sqlite
from pulumi_thingspace.sink.ledger import ANY_ACCOUNT, LedgerView


class Clock:
    """A store clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float = 1.0) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(backend: Backend, clock: Clock) -> Iterator[CallbackStore]:
    opened = backend.open(clock=clock)
    yield opened
    opened.close()


def view(store: CallbackStore, *keys: str, account: str = ACCOUNT) -> LedgerView:
    return store.ledger(account, list(keys))


def test_successful_set_and_remove_lines_are_recorded_and_failed_lines_change_nothing(
    store: CallbackStore, clock: Clock
) -> None:
    assert store.add("r1", 1, stored("r1", set_line(1, "V1"), set_line(2, "V2", status="Failed")))
    clock.tick()
    assert store.add("r2", 1, stored("r2", remove_line(3, "V3"), remove_line(1, "V1", status="Failed")))
    got = view(store, key(1), key(2), key(3), key(4))
    assert got == LedgerView({key(1): "V1"}, [key(3)], 2)  # 2 and 4: never reported successfully


def test_actions_and_line_status_compare_case_insensitively(store: CallbackStore, clock: Clock) -> None:
    store.add("r1", 1, stored("r1", (eid(1), "VIN", "V1", "SET", "success")))
    clock.tick()
    store.add("r2", 1, stored("r2", (eid(2), "VIN", "V2", "remove", "SUCCESS")))
    assert view(store, key(1), key(2)) == LedgerView({key(1): "V1"}, [key(2)], 0)


def test_removing_then_setting_again_follows_the_latest_request(store: CallbackStore, clock: Clock) -> None:
    store.add("r1", 1, stored("r1", set_line(1, "V1")))
    clock.tick()
    store.add("r2", 1, stored("r2", remove_line(1, "V1")))
    assert view(store, key(1)).removed == [key(1)]
    clock.tick()
    store.add("r3", 1, stored("r3", set_line(1, "V3")))
    assert view(store, key(1)).set == {key(1): "V3"}


def test_a_duplicate_or_late_resend_of_an_older_request_never_overwrites_a_newer_result(
    store: CallbackStore, clock: Clock
) -> None:
    older = stored("older", set_line(1, "OLD"))
    assert store.add("older", 1, older)
    clock.tick()
    assert store.add("newer", 1, stored("newer", set_line(1, "NEW")))
    clock.tick(600)
    assert store.add("older", 1, older) is False  # the same callback again: ignored
    assert store.add("older", 2, stored("older", set_line(1, "OLD"), count=2))  # a resend: stored
    assert view(store, key(1)).set == {key(1): "NEW"}
    # A request first seen later wins, even over a request whose resends keep arriving.
    clock.tick()
    assert store.add("latest", 1, stored("latest", set_line(1, "LATEST")))
    clock.tick()
    assert store.add("newer", 2, stored("newer", set_line(1, "NEW"), count=2))
    assert view(store, key(1)).set == {key(1): "LATEST"}


def test_removing_the_old_value_of_a_changed_label_never_undoes_the_new_value(
    store: CallbackStore, clock: Clock
) -> None:
    # A value change is a remove of the old pair and a set of the new one; their callbacks may cross.
    store.add("set-a", 1, stored("set-a", set_line(1, "A")))
    clock.tick()
    store.add("set-b", 1, stored("set-b", set_line(1, "B")))
    clock.tick()
    store.add("remove-a", 1, stored("remove-a", remove_line(1, "A")))
    assert view(store, key(1)).set == {key(1): "B"}
    clock.tick()
    store.add("remove-b", 1, stored("remove-b", remove_line(1, "B")))
    assert view(store, key(1)).removed == [key(1)]


def test_the_account_comes_from_the_path_and_the_bare_path_counts_for_every_account(
    store: CallbackStore, clock: Clock
) -> None:
    store.add("acc-1", 1, stored("acc-1", set_line(1, "MINE"), set_line(2, "MINE")), ACCOUNT)
    store.add("other", 1, stored("other", set_line(3, "THEIRS")), OTHER_ACCOUNT)
    clock.tick()
    store.add("any-1", 1, stored("any-1", set_line(1, "ANY")))  # bare path: account ""
    # For key 1 the bare-path observation is the most recent; key 3 belongs to another account only.
    assert view(store, key(1), key(2), key(3)) == LedgerView({key(1): "ANY", key(2): "MINE"}, [], 1)
    assert view(store, key(1), key(3), account=OTHER_ACCOUNT).set == {key(1): "ANY", key(3): "THEIRS"}
    assert view(store, key(1), key(2), account=ANY_ACCOUNT) == LedgerView({key(1): "ANY"}, [], 1)
    clock.tick()
    store.add("acc-2", 1, stored("acc-2", remove_line(1, "ANY")), ACCOUNT)
    assert view(store, key(1)).removed == [key(1)]
    assert view(store, key(1), account=OTHER_ACCOUNT).set == {key(1): "ANY"}


def test_equal_times_prefer_the_account_own_row(store: CallbackStore) -> None:
    store.add("own", 1, stored("own", set_line(1, "OWN")), ACCOUNT)
    store.add("any", 1, stored("any", set_line(1, "ANY")))  # same clock reading
    assert view(store, key(1)).set == {key(1): "OWN"}


def test_purging_old_callbacks_keeps_the_ledger(store: CallbackStore, clock: Clock) -> None:
    store.add("old", 1, stored("old", set_line(1, "V1"), remove_line(2, "V2")))
    clock.tick(40 * 86400)
    assert store.purge(30 * 86400) == 1
    assert store.get("old") == []
    assert view(store, key(1), key(2)) == LedgerView({key(1): "V1"}, [key(2)], 0)


def test_bodies_without_label_lines_leave_the_ledger_alone(store: CallbackStore) -> None:
    assert store.add("deact", 1, {"requestId": "deact", "deviceIds": [{"id": "1", "kind": "eid"}]})
    assert store.add("odd", 1, {"requestId": "odd", "deviceResponse": {"usageSegmentationLabelsResponse": 7}})
    assert view(store, key(1)) == LedgerView({}, [], 1)


def test_a_failing_ledger_update_stores_no_callback_either(
    backend: Backend, store: CallbackStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both writes share one transaction: when the ledger part fails, the callback is not kept.
    if backend.name == "sqlite":

        def broken(*args: object) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(ledger_sqlite, "record", broken)
    else:
        statement = ledger_postgres.ADD_WITH_LEDGER.replace("INSERT INTO label_ledger", "INSERT INTO no_such")
        monkeypatch.setattr(ledger_postgres, "ADD_WITH_LEDGER", statement)
    with pytest.raises((RuntimeError, psycopg.Error)):
        store.add("r1", 1, stored("r1", set_line(1, "V1")))
    monkeypatch.undo()
    assert store.get("r1") == []
    assert store.add("r1", 1, stored("r1", set_line(1, "V1")))  # the store is usable again
    assert view(store, key(1)).set == {key(1): "V1"}


def test_one_hundred_thousand_keys_in_one_query(store: CallbackStore, clock: Clock) -> None:
    # 50 callbacks of 2,000 lines set 100,000 labels; then 5 callbacks remove 10,000 of them.
    for c in range(50):
        lines = [set_line(n, f"v{n}") for n in range(c * 2000, (c + 1) * 2000)]
        assert store.add(f"set-{c}", 1, stored(f"set-{c}", *lines), ACCOUNT)
    clock.tick()
    for c in range(5):
        lines = [remove_line(n, f"v{n}") for n in range(c * 2000, (c + 1) * 2000)]
        assert store.add(f"remove-{c}", 1, stored(f"remove-{c}", *lines), ACCOUNT)
    keys = [key(n) for n in range(100_000)] + [key(n) for n in range(100_000, 100_500)]
    started = time.perf_counter()
    got = store.ledger(ACCOUNT, keys)
    seconds = time.perf_counter() - started
    assert got.set == {key(n): f"v{n}" for n in range(10_000, 100_000)}
    assert got.removed == sorted(key(n) for n in range(10_000))
    assert got.unseen == 500
    assert seconds < 30, f"a 100,500-key query took {seconds:.1f}s"
