"""Engine harness: what the program side sees (URNs, other resources, resource options)."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest

from kits.record_provider import Record, journal
from pulumi_thingspace.testing import Engine, HarnessError
from pulumi_thingspace.testing.errors import final_exception_message

RECORD_TYPE = "pulumi-python:dynamic/fixture:Record"


class Bundle(pulumi.ComponentResource):
    """A component that owns one record."""

    def __init__(self, name: str, store: Path) -> None:
        super().__init__("test:index:Bundle", name)
        self.record = Record(
            f"{name}-record", store, f"{name}0", "inside", opts=pulumi.ResourceOptions(parent=self)
        )
        self.register_outputs({})


class Thing(pulumi.CustomResource):
    """A resource of some other (non-dynamic) provider."""

    def __init__(self, name: str, size: int) -> None:
        super().__init__("test:index:Thing", name, {"size": size})


def test_urns_match_the_engine_and_other_resources_are_echoed(engine: Engine, store: Path) -> None:
    def program() -> None:
        Record("top", store, "top", "one")
        Bundle("bundle", store)
        thing = Thing("thing", 3)
        pulumi.export("thing_id", thing.id)

    engine.up(program)

    assert list(engine.state) == [
        f"urn:pulumi:dev::recordstack::{RECORD_TYPE}::top",
        f"urn:pulumi:dev::recordstack::test:index:Bundle${RECORD_TYPE}::bundle-record",
    ]
    assert engine.exports == {"thing_id": "thing_id"}


def test_delete_before_replace_option_forces_the_order(engine: Engine, store: Path) -> None:
    key = {"value": "first"}

    def program() -> None:
        Record("r", store, key["value"], "v", opts=pulumi.ResourceOptions(delete_before_replace=True))

    engine.up(program)
    key["value"] = "second"
    engine.up(program)

    assert [(step.op, step.delete_before_replace) for step in engine.steps] == [("replace", True)]
    assert journal(store) == ["create first", "delete first", "create second"]


def test_duplicate_resource_names_fail_like_the_engine(engine: Engine, store: Path) -> None:
    def program() -> None:
        Record("twin", store, "one", "v")
        Record("twin", store, "two", "v")

    with pytest.raises(HarnessError, match="duplicate resource URN"):
        engine.up(program)


def test_final_exception_message_takes_the_last_exception_of_a_chain() -> None:
    details = (
        "Traceback (most recent call last):\n"
        '  File "p.py", line 3, in create\n'
        "    call()\n"
        "KeyError: 'id'\n"
        "\n"
        "During handling of the above exception, another exception occurred:\n"
        "\n"
        "Traceback (most recent call last):\n"
        '  File "p.py", line 5, in create\n'
        "    raise ApiError(...)\n"
        "client.ApiError: HTTP 400 AccountNotFound\n"
        "account 0000000000-00001 is unknown\n"
    )

    assert final_exception_message(details) == (
        "client.ApiError: HTTP 400 AccountNotFound\naccount 0000000000-00001 is unknown"
    )
    assert final_exception_message("plain failure text") == "plain failure text"
