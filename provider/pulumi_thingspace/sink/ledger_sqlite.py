"""The label ledger in the SQLite store: its table, its update inside ``add``'s transaction, its query."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from .ledger import ANY_ACCOUNT, UPSERT_RULE, LedgerLine, LedgerView, Row, resolve

SCHEMA = """
CREATE TABLE IF NOT EXISTS label_ledger (
    account TEXT NOT NULL,
    device_id TEXT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('set', 'removed')),
    value TEXT NOT NULL,
    request_id TEXT NOT NULL,
    observed_at REAL NOT NULL,
    PRIMARY KEY (account, device_id, name)
) WITHOUT ROWID;
"""

_UPSERT = (
    "INSERT INTO label_ledger (account, device_id, name, state, value, request_id, observed_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) " + UPSERT_RULE
)

# The keys arrive as one JSON array; each is split into (eid, name) at its first '/' and looked up
# through the primary key (CROSS JOIN keeps the keys as the outer loop) in both accounts read.
_QUERY = """
WITH q(device_id, name) AS (
    SELECT substr(value, 1, instr(value, '/') - 1), substr(value, instr(value, '/') + 1)
    FROM json_each(?)
)
SELECT l.device_id, l.name, l.account, l.state, l.value, l.observed_at
FROM q CROSS JOIN label_ledger AS l
  ON l.account IN (?, ?) AND l.device_id = q.device_id AND l.name = q.name
"""


def record(db: sqlite3.Connection, account: str, request_id: str, lines: Sequence[LedgerLine]) -> None:
    """Apply a stored callback's lines; run inside the transaction that inserted the callback.

    The observation time is when the sink first stored a callback of ``request_id`` (this one included).
    """
    (observed_at,) = db.execute(
        "SELECT MIN(received_at) FROM callbacks WHERE request_id = ?", (request_id,)
    ).fetchone()
    db.executemany(_UPSERT, [(account, *line, request_id, observed_at) for line in lines])


def query(db: sqlite3.Connection, account: str, keys: Sequence[str]) -> LedgerView:
    """What the ledger holds for ``keys`` (``"<eid>/<name>"``) in ``account`` and ``ANY_ACCOUNT``."""
    wanted = json.dumps(list(dict.fromkeys(keys)))
    rows: list[Row] = db.execute(_QUERY, (wanted, account, ANY_ACCOUNT)).fetchall()
    return resolve(account, keys, rows)
