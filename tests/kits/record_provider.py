"""A tiny dynamic provider for the engine harness tests: each record is a JSON file in a directory.

Inputs: ``store`` (directory), ``key`` (file name; a change replaces, create-before-delete),
``slot`` (a change replaces, delete-before-replace), ``value`` (updated in place). Every operation
appends ``"<op> <key>"`` to ``<store>/journal.log`` so tests see the order the provider ran in.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

FIELDS = ("store", "key", "slot", "value")
PROJECT = "recordstack"
"""The Pulumi project the tests run as (see programs/recordstack/Pulumi.yaml)."""
TOKEN = "t0p-secret-token"
"""The secret stack config value `recordstack:token` of the tests."""


def _journal(store: str, entry: str) -> None:
    with (Path(store) / "journal.log").open("a") as handle:
        handle.write(entry + "\n")


def journal(store: Path) -> list[str]:
    """The operations the provider ran against ``store``, oldest first."""
    path = store / "journal.log"
    return path.read_text().splitlines() if path.exists() else []


def _write(props: dict[str, Any], revision: int) -> dict[str, Any]:
    record = {field: props[field] for field in FIELDS}
    record["revision"] = revision
    record["digest"] = hashlib.sha256(str(props["value"]).encode()).hexdigest()[:12]
    (Path(props["store"]) / f"{props['key']}.json").write_text(json.dumps(record))
    return record


class RecordProvider(ResourceProvider):
    """Stores records as files; diff compares only its own fields."""

    def configure(self, req: ConfigureRequest) -> None:
        token = req.config.get("token")
        # A digest, so the test can tell an unwrapped secret from a wrapped one without logging it.
        digest = hashlib.sha256(str(token).encode()).hexdigest()
        print(f"configure: token_sha256={digest} greeting={req.config.get('greeting')}", file=sys.stderr)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        key = news.get("key")
        if not isinstance(key, str) or not key.isalnum():
            failures.append(CheckFailure("key", "key must be alphanumeric"))
        value = news.get("value")
        # In preview a value computed from another resource arrives as an Unknown: nothing to check yet.
        if isinstance(value, str) and len(value) > 12:
            failures.append(CheckFailure("value", "value must be at most 12 characters"))
        inputs = {field: news[field] for field in FIELDS if field in news}
        inputs.setdefault("slot", "a")
        return CheckResult(inputs, failures)

    def diff(self, id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [field for field in FIELDS if olds.get(field) != news.get(field)]
        replaces = [field for field in changed if field in ("key", "slot")]
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=True if "slot" in replaces else None,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        if props["value"] == "explode":
            raise RuntimeError(f"backend rejected record {props['key']}")
        _journal(props["store"], f"create {props['key']}")
        return CreateResult(f"rec-{props['key']}", _write(props, 1))

    def read(self, id: str, props: dict[str, Any]) -> ReadResult:
        path = Path(props["store"]) / f"{props['key']}.json"
        if not path.exists():
            return ReadResult(None, {})
        record = json.loads(path.read_text())
        return ReadResult(id, record, {field: record[field] for field in FIELDS})

    def update(self, id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        _journal(news["store"], f"update {news['key']}")
        return UpdateResult(_write(news, int(olds["revision"]) + 1))

    def delete(self, id: str, props: dict[str, Any]) -> None:
        _journal(props["store"], f"delete {props['key']}")
        (Path(props["store"]) / f"{props['key']}.json").unlink(missing_ok=True)


class LooseRecordProvider(RecordProvider):
    """The same records with the SDK's default diff (DIFF_UNKNOWN: the engine compares inputs)."""

    def diff(self, id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult()


class Record(Resource, module="fixture", name="Record"):
    """A record file; ``revision`` and ``digest`` are output-only."""

    key: pulumi.Output[str]
    value: pulumi.Output[str]
    slot: pulumi.Output[str]
    revision: pulumi.Output[float]
    digest: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        store: Path | str,
        key: pulumi.Input[str],
        value: pulumi.Input[str],
        slot: pulumi.Input[str] = "a",
        opts: pulumi.ResourceOptions | None = None,
        provider: ResourceProvider | None = None,
    ) -> None:
        props = {
            "store": str(store),
            "key": key,
            "value": value,
            "slot": slot,
            "revision": None,
            "digest": None,
        }
        super().__init__(provider or RecordProvider(), name, props, opts)
