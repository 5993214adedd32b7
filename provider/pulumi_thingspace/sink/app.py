"""The sink's HTTP API: receive CarrierService callbacks, serve them back by request id."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ..models.labels import CarrierCallback
from .ledger import ACCOUNT_RULE, account_route, callback_account
from .ledger_http import add_ledger_route
from .limits import (
    BIGINT_RANGE,
    MAX_BODY_BYTES,
    MAX_DEPTH,
    MAX_REQUEST_ID_LENGTH,
    BodyIncomplete,
    BodyTooLarge,
    NestedTooDeeply,
    parse_json,
    printable,
    read_body,
    storable_request_id,
    unstorable_fields,
)
from .logs import event
from .rejections import RejectionLog
from .settings import SinkSettings
from .store import CallbackStore

CREDENTIAL_FIELDS = ("username", "password")


def _same(given: Any, expected: bytes) -> bool:
    """Constant-time comparison of an untrusted value with a configured secret."""
    # surrogatepass: a lone surrogate in the body is a mismatch, not an encoding error (500).
    return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected)


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def create_app(settings: SinkSettings, store: CallbackStore) -> FastAPI:
    """Build the sink application on ``store``; retention purges run at startup and periodically."""
    username = settings.callback_username.encode("utf-8")
    password = settings.callback_password.encode("utf-8")
    read_token = settings.read_token.encode("utf-8")
    rejections = RejectionLog()

    def purge() -> None:
        try:
            removed = store.purge(settings.retention_seconds)
        except Exception as exc:
            event(logging.ERROR, "retention purge failed", error=type(exc).__name__)
            return
        event(logging.INFO, "retention purge", removed=removed, retention_days=settings.retention_days)

    async def purge_periodically() -> None:
        while True:
            await asyncio.sleep(settings.purge_interval_seconds)
            await run_in_threadpool(purge)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(purge)
        task = asyncio.create_task(purge_periodically())
        event(logging.INFO, "sink ready", callback_path=settings.callback_path)
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="ThingSpace callback sink",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    @app.post(settings.callback_path)
    @app.post(account_route(settings.callback_path))
    async def receive_callback(request: Request) -> JSONResponse:
        """Store one CarrierService callback durably, then acknowledge it with 200.

        Its label lines update the ledger of the account the URL names (see ``ledger.callback_account``).
        """
        client = request.client.host if request.client else None
        try:
            raw = await read_body(request, MAX_BODY_BYTES)
        except BodyTooLarge:
            # The rest of the body is never read; closing the connection stops the sender too.
            event(logging.WARNING, "callback rejected", reason="too_large", client=client)
            return JSONResponse(
                {"error": f"callback body larger than {MAX_BODY_BYTES} bytes"},
                status_code=413,
                headers={"Connection": "close"},
            )
        except BodyIncomplete:
            event(logging.WARNING, "callback rejected", reason="incomplete_body", client=client)
            return _error(400, "callback body incomplete: the client disconnected")
        try:
            # Off the event loop: a large hostile body costs CPU, and other requests go on meanwhile.
            body = await run_in_threadpool(parse_json, raw)
        except NestedTooDeeply:
            event(logging.WARNING, "callback rejected", reason="too_deep", client=client)
            return _error(400, f"callback body is nested too deeply (more than {MAX_DEPTH} levels)")
        except ValueError:
            event(logging.WARNING, "callback rejected", reason="malformed_json", client=client)
            return _error(400, "callback body is not valid JSON")
        if not isinstance(body, dict):
            event(logging.WARNING, "callback rejected", reason="not_an_object", client=client)
            return _error(400, "callback body must be a JSON object")
        # Credentials first, so an unauthenticated caller learns nothing about the body rules.
        if not (_same(body.get("username"), username) & _same(body.get("password"), password)):
            event(logging.WARNING, "callback rejected", reason="bad_credentials", client=client)
            rejections.note(body, "bad_credentials")
            return _error(401, "username or password does not match the registered listener")
        account = callback_account(request.path_params)
        if account is None:
            event(logging.WARNING, "callback rejected", reason="invalid_account", client=client)
            return _error(400, f"the account name after the callback path must be {ACCOUNT_RULE}")
        stored = {k: v for k, v in body.items() if k not in CREDENTIAL_FIELDS}
        # Checked before the model and the store, the same for every store: a callback no store can hold
        # is refused for good (4xx) rather than answered 503, which would make ThingSpace resend it.
        unstorable = unstorable_fields(stored)
        if unstorable:
            event(
                logging.WARNING,
                "callback rejected",
                reason="unstorable_text",
                client=client,
                fields=unstorable,
            )
            rejections.note(body, "unstorable_text")
            return _error(
                422,
                "callback body holds a NUL character or a lone surrogate, which cannot be stored",
                fields=unstorable,
            )
        try:
            callback = CarrierCallback.model_validate(body)
        except ValidationError as exc:
            fields = sorted({".".join(printable(str(p)) for p in err["loc"]) for err in exc.errors()})
            event(logging.WARNING, "callback rejected", reason="invalid_body", client=client, fields=fields)
            rejections.note(body, "invalid_body")
            return _error(422, "callback body does not match the CarrierService shape", fields=fields)
        request_id = callback.request_id
        if not request_id.strip() or len(request_id) > MAX_REQUEST_ID_LENGTH:
            event(logging.WARNING, "callback rejected", reason="invalid_request_id", client=client)
            return _error(422, "requestId must be 1-200 characters", fields=["requestId"])
        if callback.callback_count not in BIGINT_RANGE:
            event(
                logging.WARNING,
                "callback rejected",
                reason="invalid_body",
                client=client,
                fields=["callbackCount"],
            )
            rejections.note(body, "invalid_body")
            return _error(422, "callbackCount is out of range", fields=["callbackCount"])
        try:
            added = await run_in_threadpool(store.add, request_id, callback.callback_count, stored, account)
        except Exception as exc:
            # Not acknowledging makes ThingSpace send the callback again.
            event(logging.ERROR, "callback not stored", request_id=request_id, error=type(exc).__name__)
            return _error(503, "callback could not be stored; send it again")
        event(
            logging.INFO,
            "callback stored" if added else "duplicate callback ignored",
            request_id=request_id,
            callback_count=callback.callback_count,
            lines=len(callback.label_lines),
            account=account,
            client=client,
        )
        return JSONResponse({"requestId": request_id, "stored": added})

    @app.get("/requests/{request_id:path}")
    async def read_request(request_id: str, request: Request) -> JSONResponse:
        """Every callback received for ``request_id`` (bearer read token required); 404 while none.

        A 404 also says how many callbacks for this id this replica rejected, and why, if any.
        """
        scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        if not (
            scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode("utf-8"), read_token)
        ):
            client = request.client.host if request.client else None
            event(logging.WARNING, "read rejected", reason="bad_token", client=client)
            return JSONResponse(
                {"error": "a valid read token is required: Authorization: Bearer <token>"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            # An id no store can hold has no callbacks: answered without asking the store, alike for all.
            bodies = await run_in_threadpool(store.get, request_id) if storable_request_id(request_id) else []
        except Exception as exc:
            event(logging.ERROR, "read failed", request_id=request_id, error=type(exc).__name__)
            return _error(503, "callbacks could not be read; try again")
        event(logging.DEBUG, "read", request_id=request_id, callbacks=len(bodies))
        answer: dict[str, Any] = {"requestId": request_id, "callbacks": bodies}
        rejected = None if bodies else rejections.get(request_id)
        if rejected:
            answer["rejected"] = rejected
        return JSONResponse(answer, status_code=200 if bodies else 404)

    add_ledger_route(app, store, settings.read_token)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        """200 while the store answers, 503 otherwise."""
        try:
            await run_in_threadpool(store.ping)
        except Exception as exc:
            event(logging.ERROR, "health check failed", error=type(exc).__name__)
            return _error(503, "store unavailable")
        return JSONResponse({"status": "ok"})

    return app
