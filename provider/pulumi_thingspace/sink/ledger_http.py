"""``POST /ledger``: what the label ledger holds for a list of label keys (bearer read token required)."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from .ledger import ACCOUNT_RULE, LedgerView, valid_account
from .limits import BodyIncomplete, BodyTooLarge, NestedTooDeeply, parse_json, read_body
from .logs import event
from .store import CallbackStore

LEDGER_PATH = "/ledger"

MAX_LEDGER_BODY_BYTES = 32 * 1024 * 1024
"""A query of 100,000 keys is about 4 MiB; the route is authenticated, so it may take more than a callback."""

MAX_LEDGER_KEYS = 500_000
"""Keys per query; a reader asks for more in several queries."""

MAX_KEY_LENGTH = 200
KEY_RULE = f"a string '<eid>/<name>' of at most {MAX_KEY_LENGTH} characters, both parts non-empty"


def _key_ok(key: object) -> bool:
    return type(key) is str and 0 < key.find("/") < len(key) - 1 and len(key) <= MAX_KEY_LENGTH


def _text_ok(text: str) -> bool:
    """True when every store can hold ``text`` (no NUL, no lone surrogate)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_query(raw: bytes | bytearray) -> tuple[str, list[str]]:
    """``(accountName, keys)`` of a query body; ValueError naming the field and the rule otherwise."""
    try:
        body = parse_json(raw)
    except NestedTooDeeply:
        raise ValueError("the body is nested too deeply: send {accountName, keys}") from None
    except ValueError:
        raise ValueError("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ValueError('the body must be a JSON object {"accountName": ..., "keys": [...]}')
    account = body.get("accountName")
    if not valid_account(account):
        raise ValueError(f"accountName must be {ACCOUNT_RULE}")
    keys = body.get("keys")
    if not isinstance(keys, list):
        raise ValueError(f"keys must be a JSON array; each entry {KEY_RULE}")
    if len(keys) > MAX_LEDGER_KEYS:
        raise ValueError(f"keys holds {len(keys)} entries; at most {MAX_LEDGER_KEYS} per query")
    # One pass over every key in the common case; the slow search only names the first bad one.
    if not all(map(_key_ok, keys)) or not _text_ok("".join(keys)):
        index = next(i for i, key in enumerate(keys) if not (_key_ok(key) and _text_ok(key)))
        raise ValueError(f"keys[{index}] must be {KEY_RULE}")
    return str(account), keys


def _authorized(request: Request, read_token: bytes) -> bool:
    """True when the request carries ``Authorization: Bearer <read token>`` (compared in constant time)."""
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    given = token.strip().encode("utf-8", "surrogatepass")
    return scheme.lower() == "bearer" and hmac.compare_digest(given, read_token)


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def add_ledger_route(app: FastAPI, store: CallbackStore, read_token: str) -> None:
    """Serve ``POST /ledger`` on ``app`` from ``store``'s ledger."""
    token = read_token.encode("utf-8")

    @app.post(LEDGER_PATH)
    async def query_ledger(request: Request) -> JSONResponse:
        """Answer ``{accountName, set, removed, unseen}`` for ``{"accountName", "keys"}``.

        401 without the read token, 400 for a malformed body (naming the field and the rule), 413 over
        32 MiB, 503 when the store is away.
        """
        client = request.client.host if request.client else None
        if not _authorized(request, token):
            event(logging.WARNING, "ledger query rejected", reason="bad_token", client=client)
            return _error(
                401,
                "a valid read token is required: Authorization: Bearer <token>",
                **{"WWW-Authenticate": "Bearer"},
            )
        try:
            raw = await read_body(request, MAX_LEDGER_BODY_BYTES)
        except BodyTooLarge:
            event(logging.WARNING, "ledger query rejected", reason="too_large", client=client)
            return _error(
                413, f"query body larger than {MAX_LEDGER_BODY_BYTES} bytes: send fewer keys per query",
                Connection="close",
            )  # fmt: skip
        except BodyIncomplete:
            return _error(400, "query body incomplete: the client disconnected")
        try:
            account, keys = await run_in_threadpool(parse_query, raw)
        except ValueError as exc:
            event(logging.WARNING, "ledger query rejected", reason="invalid_body", client=client)
            return _error(400, str(exc))
        try:
            view: LedgerView = await run_in_threadpool(store.ledger, account, keys)
        except Exception as exc:
            event(logging.ERROR, "ledger query failed", account=account, error=type(exc).__name__)
            return _error(503, "the ledger could not be read; try again")
        event(
            logging.INFO,
            "ledger query",
            account=account,
            keys=len(keys),
            set=len(view.set),
            removed=len(view.removed),
            unseen=view.unseen,
            client=client,
        )
        answer: dict[str, Any] = view.wire(account)
        return JSONResponse(answer)
