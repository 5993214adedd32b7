"""Durable storage of received CarrierService callbacks, keyed by request id: interface and shared helpers.

Two implementations share it: ``store_sqlite.SQLiteStore`` (one embedded file, one replica) and
``store_postgres.PostgresStore`` (one database shared by several replicas); ``stores.open_store`` opens
either. This module imports neither, so they can import it without a circle.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from .ledger import ANY_ACCOUNT, LedgerView


class StoreUnavailable(Exception):
    """The store could not be opened; the message never contains a database password."""


def canonical_json(body: dict[str, Any]) -> str:
    """The body as compact JSON with sorted keys, so equal bodies give equal text."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def callback_record(body: dict[str, Any]) -> tuple[str, str]:
    """``(digest, text)`` of a body: the digest ignores key order, the text keeps the order sent."""
    digest = hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()
    return digest, json.dumps(body, separators=(",", ":"), ensure_ascii=False)


class CallbackStore(ABC):
    """Where the sink keeps callback bodies until the provider has read them.

    Every implementation keeps the same uniqueness rule: one record per (request id, ``callbackCount``,
    digest of the body), so a callback received twice, by one replica or by two, is stored once.
    """

    @abstractmethod
    def add(
        self, request_id: str, callback_count: int, body: dict[str, Any], account: str = ANY_ACCOUNT
    ) -> bool:
        """Store ``body`` durably (committed) before returning; False when the same callback is stored.

        A callback is the same when its request id, its ``callbackCount`` and its content are equal:
        ThingSpace's resends carry a higher ``callbackCount`` and are kept as separate records, while a
        different callback that shares a request id and count (one per device for deactivations) is
        never mistaken for a resend.

        A callback that is stored updates the label ledger of ``account`` (see ``ledger.py``) in the same
        transaction; one that was stored already changes nothing.
        """

    @abstractmethod
    def ledger(self, account: str, keys: Sequence[str]) -> LedgerView:
        """The ledger's answer for label keys ``"<eid>/<name>"`` of ``account`` (and of ``ANY_ACCOUNT``).

        Purging callbacks never purges the ledger.
        """

    @abstractmethod
    def get(self, request_id: str) -> list[dict[str, Any]]:
        """Every stored body for ``request_id`` in arrival order (empty when none arrived)."""

    @abstractmethod
    def purge(self, older_than_seconds: float) -> int:
        """Delete records received more than ``older_than_seconds`` ago; return how many were deleted.

        The label ledger is kept: it holds one row per label, not per callback.
        """

    @abstractmethod
    def close(self) -> None:
        """Release the store's resources."""

    def ping(self) -> None:
        """Raise when the store cannot be used (health checks); the default reads an unused id."""
        self.get("")
