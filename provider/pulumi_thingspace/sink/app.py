"""The sink's HTTP API: receive CarrierService callbacks, serve them back by request id."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ..models.labels import CarrierCallback
from .logs import event
from .rejections import RejectionLog
from .settings import SinkSettings
from .store import CallbackStore

MAX_BODY_BYTES = 16 * 1024 * 1024
"""Larger bodies are refused; a 2,000-label callback is well under 1 MiB."""

MAX_REQUEST_ID_LENGTH = 200

CREDENTIAL_FIELDS = ("username", "password")


def _same(given: Any, expected: bytes) -> bool:
    """Constant-time comparison of an untrusted value with a configured secret."""
    return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8"), expected)


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
    async def receive_callback(request: Request) -> JSONResponse:
        """Store one CarrierService callback durably, then acknowledge it with 200."""
        client = request.client.host if request.client else None
        declared = request.headers.get("content-length", "")
        # Refuse an announced oversize body before reading it into memory.
        too_large = declared.isdigit() and int(declared) > MAX_BODY_BYTES
        raw = b"" if too_large else await request.body()
        if too_large or len(raw) > MAX_BODY_BYTES:
            event(logging.WARNING, "callback rejected", reason="too_large", client=client)
            return _error(413, "callback body too large")
        try:
            body = json.loads(raw)
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
        try:
            callback = CarrierCallback.model_validate(body)
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})
            event(logging.WARNING, "callback rejected", reason="invalid_body", client=client, fields=fields)
            rejections.note(body, "invalid_body")
            return _error(422, "callback body does not match the CarrierService shape", fields=fields)
        request_id = callback.request_id
        if not request_id.strip() or len(request_id) > MAX_REQUEST_ID_LENGTH:
            event(logging.WARNING, "callback rejected", reason="invalid_request_id", client=client)
            return _error(422, "requestId must be 1-200 characters", fields=["requestId"])
        stored = {k: v for k, v in body.items() if k not in CREDENTIAL_FIELDS}
        try:
            added = await run_in_threadpool(store.add, request_id, callback.callback_count, stored)
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
            bodies = await run_in_threadpool(store.get, request_id)
        except Exception as exc:
            event(logging.ERROR, "read failed", request_id=request_id, error=type(exc).__name__)
            return _error(503, "callbacks could not be read; try again")
        event(logging.DEBUG, "read", request_id=request_id, callbacks=len(bodies))
        answer: dict[str, Any] = {"requestId": request_id, "callbacks": bodies}
        rejected = None if bodies else rejections.get(request_id)
        if rejected:
            answer["rejected"] = rejected
        return JSONResponse(answer, status_code=200 if bodies else 404)

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
