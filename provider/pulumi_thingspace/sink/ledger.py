"""The label ledger: the last reported state of every label, built from the callbacks the sink stores.

ThingSpace has no endpoint to read labels back, but every label request on an account reports each
line's outcome to the account's CarrierService listener. The sink turns those reports into one row per
(account, device EID, label name): ``set`` with its value, or ``removed``. This module holds what both
stores share: which account a callback belongs to, which lines change the ledger, and how a query is
answered. The SQL lives beside each store (``ledger_sqlite.py``, ``ledger_postgres.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

ANY_ACCOUNT = ""
"""The account of callbacks received on the bare callback path: they count for every account."""

ACCOUNT_PARAM = "account_name"
"""The path parameter of ``{callback path}/{account_name}``."""

_ACCOUNT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ACCOUNT_RULE = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"

SET = "set"
REMOVED = "removed"


def account_route(callback_path: str) -> str:
    """The route that receives callbacks for one account: ``{callback_path}/{account_name}``."""
    return f"{callback_path.rstrip('/')}/{{{ACCOUNT_PARAM}}}"


def callback_account(path_params: dict[str, Any]) -> str | None:
    """The ledger account of a callback, from the URL it was posted to; None when the name is invalid.

    THE ACCOUNT RULE. A callback body names no account, so the account comes from the URL the
    CarrierService listener was registered with: ``{callback path}/{accountName}`` records under
    ``accountName``; the bare ``{callback path}`` records under ``ANY_ACCOUNT`` (""), which a query for
    any account also reads. Register one URL per account when one sink serves several accounts.
    """
    name = path_params.get(ACCOUNT_PARAM)
    if name is None:
        return ANY_ACCOUNT
    return name if isinstance(name, str) and _ACCOUNT.fullmatch(name) else None


def valid_account(name: object) -> bool:
    """True for an account name a ledger query may ask about."""
    return isinstance(name, str) and _ACCOUNT.fullmatch(name) is not None


class LedgerLine(NamedTuple):
    """One successful label line as the ledger records it."""

    device_id: str
    name: str
    state: str
    """``set`` or ``removed``."""
    value: str
    """The value set, or the value a remove named."""


def ledger_lines(body: dict[str, Any]) -> list[LedgerLine]:
    """The successful Set/Remove lines of a stored callback body, one per (device, name), sorted.

    Read tolerantly from the body as sent (no model per line): a line without a device, a label name
    or a known action, or whose ``lineStatus`` is not ``Success``, changes nothing. When a body reports
    one label twice, its last line wins. Sorting gives every writer the same lock order.
    """
    response = body.get("deviceResponse")
    labels = response.get("usageSegmentationLabelsResponse") if isinstance(response, dict) else None
    lines = labels.get("usageSegmentationLabels") if isinstance(labels, dict) else None
    if not isinstance(lines, list):
        return []
    found: dict[tuple[str, str], LedgerLine] = {}
    for line in lines:
        if not isinstance(line, dict) or str(line.get("lineStatus", "")).lower() != "success":
            continue
        state = {"set": SET, "remove": REMOVED}.get(str(line.get("action", "")).lower())
        ids, label = line.get("deviceIds"), line.get("label")
        if state is None or not isinstance(ids, list) or not ids or not isinstance(label, dict):
            continue
        device = ids[0].get("id") if isinstance(ids[0], dict) else None
        name, value = label.get("name"), label.get("value", "")
        if isinstance(device, str) and device and isinstance(name, str) and name and isinstance(value, str):
            found[(device, name)] = LedgerLine(device, name, state, value)
    return [found[k] for k in sorted(found)]


def split_key(key: str) -> tuple[str, str]:
    """``(eid, name)`` of a key ``"<eid>/<name>"`` (an EID holds no ``/``; a name may)."""
    device_id, _, name = key.partition("/")
    return device_id, name


def query_accounts(account: str) -> tuple[str, ...]:
    """The ledger accounts a query for ``account`` reads: its own and ``ANY_ACCOUNT``."""
    return (account,) if account == ANY_ACCOUNT else (account, ANY_ACCOUNT)


@dataclass(frozen=True)
class LedgerView:
    """The answer to a ledger query: labels set (with their values), labels removed, and keys never seen."""

    set: dict[str, str]
    removed: list[str]
    unseen: int

    def wire(self, account: str) -> dict[str, Any]:
        """The JSON answer of ``POST /ledger``."""
        return {"accountName": account, "set": self.set, "removed": self.removed, "unseen": self.unseen}


UPSERT_RULE = """ON CONFLICT (account, device_id, name) DO UPDATE SET
    state = excluded.state, value = excluded.value,
    request_id = excluded.request_id, observed_at = excluded.observed_at
WHERE label_ledger.observed_at <= excluded.observed_at
  AND (excluded.state = 'set' OR label_ledger.state = 'removed' OR label_ledger.value = excluded.value
       OR EXISTS (SELECT 1 FROM label_ledger AS anyone
                  WHERE anyone.account = '' AND anyone.device_id = excluded.device_id
                    AND anyone.name = excluded.name AND anyone.observed_at > label_ledger.observed_at
                    AND (anyone.state = 'removed' OR anyone.value = excluded.value)))"""
"""THE UPDATE RULE, the tail of both stores' upserts: a row changes only for an observation at least as
recent as the one it holds. A set always applies. A remove applies when the label it removes is the one
held: ThingSpace removes a label by name *and* value, so removing an old value (the first half of a
value change) never undoes the newer set, whichever callback arrives first. What is held is the row
itself, or the ``ANY_ACCOUNT`` row of the label when that one is more recent (see ``resolve``)."""

Row = tuple[str, str, str, str, str, float]
"""(device_id, name, account, state, value, observed_at) of a stored ledger row."""


Observation = tuple[float, bool, str, str]
"""(observed_at, row of the queried account itself, state, value)."""


def _fold(observations: list[Observation]) -> Observation:
    """Apply several rows of one key oldest first by the update rule; the result is the last applied."""
    ordered = sorted(observations, key=lambda o: o[:2])
    held = ordered[0]
    for obs in ordered[1:]:
        if obs[2] == SET or held[2] == REMOVED or held[3] == obs[3]:
            held = obs
    return held


def resolve(account: str, keys: Sequence[str], rows: Iterable[Row]) -> LedgerView:
    """Answer a query from the rows found for its keys.

    ``rows`` may hold a row of ``account`` and one of ``ANY_ACCOUNT`` for the same key: they are applied
    oldest first by the update rule (``UPSERT_RULE``), the account's own row last on equal times. So the
    most recent observation wins, except that removing a value never undoes a set of another value.
    """
    first: dict[str, Observation] = {}
    more: dict[str, list[Observation]] = {}
    for device_id, name, row_account, state, value, observed_at in rows:
        key = f"{device_id}/{name}"
        obs = (observed_at, row_account == account, state, value)
        if key in first:
            more.setdefault(key, [first[key]]).append(obs)
        else:
            first[key] = obs
    for key, observations in more.items():
        first[key] = _fold(observations)
    found = {key: obs[3] for key, obs in first.items() if obs[2] == SET}
    removed = sorted(key for key, obs in first.items() if obs[2] != SET)
    return LedgerView(found, removed, len(set(keys)) - len(found) - len(removed))
