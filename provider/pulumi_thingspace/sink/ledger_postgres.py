"""The label ledger in the PostgreSQL store: its migration, the one-statement add, its query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

from .ledger import UPSERT_RULE, LedgerLine, LedgerView, query_accounts, resolve, split_key

MIGRATION: tuple[str, ...] = (
    """CREATE TABLE label_ledger (
        account TEXT NOT NULL,
        device_id TEXT NOT NULL,
        name TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('set', 'removed')),
        value TEXT NOT NULL,
        request_id TEXT NOT NULL,
        observed_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (account, device_id, name)
    )""",
)
"""Schema step 2: the ledger table (``store_postgres.MIGRATIONS`` lists it)."""

# One statement, so one round trip and one transaction: the callback insert, and (only when it
# inserted) the ledger upsert. Every part sees the snapshot from before the insert, so the first time
# this request id was stored is the earlier of the new row's time and what was stored before.
ADD_WITH_LEDGER = "".join(  # constant text only: no input reaches the statement
    (
        """
WITH ins AS (
    INSERT INTO callbacks (request_id, callback_count, digest, received_at, body)
    VALUES (%(request_id)s, %(count)s, %(digest)s, %(now)s, %(body)s)
    ON CONFLICT ON CONSTRAINT callbacks_natural_key DO NOTHING
    RETURNING received_at
), seen AS (
    SELECT LEAST(ins.received_at, (SELECT min(received_at) FROM callbacks WHERE request_id = %(request_id)s))
        AS observed_at
    FROM ins
), ledger AS (
    INSERT INTO label_ledger (account, device_id, name, state, value, request_id, observed_at)
    SELECT %(account)s, u.device_id, u.name, u.state, u.value, %(request_id)s, seen.observed_at
    FROM seen, unnest(%(devices)s::text[], %(names)s::text[], %(states)s::text[], %(values)s::text[])
        AS u(device_id, name, state, value)
""",
        UPSERT_RULE,
        """
)
SELECT count(*) FROM ins""",
    )
)

_QUERY = """
SELECT l.device_id, l.name, l.account, l.state, l.value, l.observed_at
FROM unnest(%s::text[], %s::text[]) AS q(device_id, name)
JOIN label_ledger AS l ON l.device_id = q.device_id AND l.name = q.name
WHERE l.account = ANY(%s::text[])
"""


def add_params(
    request_id: str, count: int, digest: str, now: float, body: str, account: str, lines: Sequence[LedgerLine]
) -> dict[str, Any]:
    """The parameters of ``ADD_WITH_LEDGER``."""
    return {
        "request_id": request_id,
        "count": count,
        "digest": digest,
        "now": now,
        "body": body,
        "account": account,
        "devices": [line.device_id for line in lines],
        "names": [line.name for line in lines],
        "states": [line.state for line in lines],
        "values": [line.value for line in lines],
    }


def query(conn: psycopg.Connection[Any], account: str, keys: Sequence[str]) -> LedgerView:
    """What the ledger holds for ``keys`` in ``account`` and ``ANY_ACCOUNT``: one round trip."""
    pairs = [split_key(key) for key in dict.fromkeys(keys)]
    devices = [device for device, _ in pairs]
    names = [name for _, name in pairs]
    rows = conn.execute(_QUERY, (devices, names, list(query_accounts(account)))).fetchall()
    return resolve(account, keys, rows)
