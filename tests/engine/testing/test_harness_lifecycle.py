"""Engine harness: the engine's step sequence across preview, up, refresh and destroy."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pulumi

from kits.record_provider import LooseRecordProvider, Record, journal
from pulumi_thingspace.testing import UNKNOWN, Engine


def records(store: Path, values: dict[str, str], slots: dict[str, str] | None = None) -> Callable[[], None]:
    """A program declaring one record per entry; the dicts are read at run time, so tests can edit them."""

    def program() -> None:
        for name, value in values.items():
            Record(name, store, (slots or {}).get(f"{name}.key", name), value, (slots or {}).get(name, "a"))

    return program


def ops(engine: Engine) -> list[tuple[str, str]]:
    return [(step.op, step.name) for step in engine.steps]


def test_preview_plans_creates_without_creating(engine: Engine, store: Path) -> None:
    engine.preview(records(store, {"a": "one", "b": "two"}))

    assert ops(engine) == [("create", "a"), ("create", "b")]
    assert [method for method, _ in engine.calls] == ["Check", "Check"]
    assert engine.state == {}
    assert journal(store) == []
    assert engine.planned["a"] == ({}, {"store": str(store), "key": "a", "slot": "a", "value": "one"})


def test_up_creates_and_second_up_is_all_same(engine: Engine, store: Path) -> None:
    program = records(store, {"a": "one", "b": "two"})

    engine.up(program)
    assert ops(engine) == [("create", "a"), ("create", "b")]
    assert engine.outputs("a") == {
        "store": str(store),
        "key": "a",
        "slot": "a",
        "value": "one",
        "revision": 1.0,
        "digest": engine.outputs("a")["digest"],
    }
    assert engine.resource("a").id == "rec-a"

    engine.up(program)
    assert {step.op for step in engine.steps} == {"same"}
    assert "Create" not in {method for method, _ in engine.calls}
    assert journal(store) == ["create a", "create b"]


def test_changed_input_updates_in_place_and_preview_shows_it(engine: Engine, store: Path) -> None:
    values = {"a": "one"}
    engine.up(records(store, values))
    values["a"] = "uno"

    engine.preview(records(store, values))
    assert ops(engine) == [("update", "a")]
    old, new = engine.planned["a"]
    assert (old["value"], new["value"]) == ("one", "uno")
    assert engine.outputs("a")["value"] == "one"

    engine.up(records(store, values))
    assert ops(engine) == [("update", "a")]
    assert engine.outputs("a")["value"] == "uno"
    assert engine.outputs("a")["revision"] == 2.0
    assert journal(store) == ["create a", "update a"]


def test_replace_creates_before_deleting_by_default(engine: Engine, store: Path) -> None:
    slots: dict[str, str] = {}
    program = records(store, {"a": "one", "b": "two"}, slots)
    engine.up(program)
    slots["a.key"] = "a2"

    engine.up(program)

    assert ops(engine) == [("replace", "a"), ("same", "b")]
    assert engine.steps[0].delete_before_replace is False
    # The original is deleted at the end of the run, after every other step.
    assert engine.calls[-1] == ("Delete", "a")
    assert journal(store)[-2:] == ["create a2", "delete a"]
    assert engine.outputs("a")["key"] == "a2"
    assert engine.resource("a").id == "rec-a2"


def test_replace_deletes_first_when_the_provider_asks(engine: Engine, store: Path) -> None:
    slots: dict[str, str] = {}
    program = records(store, {"a": "one"}, slots)
    engine.up(program)
    slots["a"] = "b"

    engine.up(program)

    assert ops(engine) == [("replace", "a")]
    assert engine.steps[0].delete_before_replace is True
    assert [m for m, _ in engine.calls] == ["Check", "Diff", "Check", "Delete", "Create"]
    assert journal(store) == ["create a", "delete a", "create a"]
    assert engine.outputs("a")["slot"] == "b"


def test_refresh_takes_out_of_band_changes_into_inputs_and_outputs(engine: Engine, store: Path) -> None:
    values = {"a": "one", "b": "two"}
    engine.up(records(store, values))
    record = json.loads((store / "a.json").read_text())
    (store / "a.json").write_text(json.dumps({**record, "value": "drifted"}))
    (store / "b.json").unlink()

    engine.refresh()

    assert ops(engine) == [("read", "a"), ("refresh-delete", "b")]
    assert engine.outputs("a")["value"] == "drifted"
    assert engine.resource("a").inputs["value"] == "drifted"
    assert [state.name for state in engine.state.values()] == ["a"]

    engine.up(records(store, values))
    assert ops(engine) == [("update", "a"), ("create", "b")]
    assert engine.outputs("a")["value"] == "one"


def test_resources_dropped_from_the_program_are_deleted_in_reverse_creation_order(
    engine: Engine, store: Path
) -> None:
    values = {"a": "1", "b": "2", "c": "3"}
    engine.up(records(store, values))

    engine.preview(records(store, {"a": "1"}))
    assert ops(engine) == [("same", "a"), ("delete", "c"), ("delete", "b")]
    assert len(engine.state) == 3

    engine.up(records(store, {"a": "1"}))
    assert ops(engine) == [("same", "a"), ("delete", "c"), ("delete", "b")]
    assert journal(store)[-2:] == ["delete c", "delete b"]
    assert [state.name for state in engine.state.values()] == ["a"]


def test_destroy_deletes_everything_in_reverse_creation_order(engine: Engine, store: Path) -> None:
    engine.up(records(store, {"a": "1", "b": "2"}))

    engine.destroy()

    assert ops(engine) == [("delete", "b"), ("delete", "a")]
    assert engine.state == {}
    assert sorted(p.name for p in store.glob("*.json")) == []


def test_unknown_inputs_stay_unknown_in_preview_and_resolve_in_up(engine: Engine, store: Path) -> None:
    def program() -> None:
        first = Record("first", store, "first", "one")
        Record("second", store, "second", first.digest)

    engine.preview(program)
    assert engine.planned["second"][1]["value"] == UNKNOWN

    engine.up(program)
    assert engine.outputs("second")["value"] == engine.outputs("first")["digest"]


def test_default_diff_falls_back_to_comparing_inputs(engine: Engine, store: Path) -> None:
    values = {"loose": "one"}

    def program() -> None:
        Record("loose", store, "loose", values["loose"], provider=LooseRecordProvider())

    engine.up(program)
    engine.up(program)
    assert ops(engine) == [("same", "loose")]

    values["loose"] = "two"
    engine.up(program)
    assert ops(engine) == [("update", "loose")]
    assert engine.outputs("loose")["value"] == "two"


def test_reading_an_existing_resource_records_a_read_step(
    engine: Engine, store: Path, new_engine: Callable[[str], Engine]
) -> None:
    engine.up(records(store, {"a": "one"}))

    def program() -> None:
        Record("a-copy", store, "a", "one", opts=pulumi.ResourceOptions(id="rec-a"))

    reader = new_engine("reader")
    reader.up(program)
    assert ops(reader) == [("read", "a-copy")]
    assert reader.outputs("a-copy")["revision"] == 1.0
    reader.destroy()
    assert (store / "a.json").exists()  # a read resource is not owned, so destroy leaves it alone
