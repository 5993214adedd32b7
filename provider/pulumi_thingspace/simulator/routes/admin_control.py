"""Admin API (``/_admin``): request counters, credentials, callbacks and fault injection."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .common import sim

router = APIRouter(prefix="/_admin", tags=["admin"])


class FailNextBody(BaseModel):
    """Fail ``count`` API requests with ``status``, after ``after`` more were served normally."""

    model_config = ConfigDict(extra="forbid")

    count: int = Field(ge=1)
    status: Literal[400, 429, 503] = 503
    after: int = Field(default=0, ge=0)


class ReasonBody(BaseModel):
    """Why a forced per-device failure fails."""

    model_config = ConfigDict(extra="forbid")

    reason: str = "Simulated failure"


class ReleaseBody(BaseModel):
    """Order in which held callbacks are sent."""

    model_config = ConfigDict(extra="forbid")

    order: Literal["fifo", "reverse"] = "fifo"


@router.get("/requests")
def request_counts(request: Request) -> dict[str, int]:
    """API requests per endpoint (``"METHOD /path/template"``), faulted ones included."""
    return sim(request).request_counts()


@router.delete("/requests")
def reset_request_counts(request: Request) -> dict[str, int]:
    """Reset the request counters."""
    sim(request).reset_request_counts()
    return {}


@router.get("/users")
def users(request: Request) -> list[dict[str, Any]]:
    """Users with their failed-login counters and lock flags."""
    return sim(request).users()


@router.post("/users/{username}/unlock")
def unlock(username: str, request: Request) -> list[dict[str, Any]]:
    """Unlock a user and reset its failed-login counter."""
    if not sim(request).unlock_user(username):
        raise HTTPException(status_code=404, detail="user not found")
    return users(request)


@router.post("/sessions/expire")
def expire_sessions(request: Request) -> dict[str, int]:
    """Expire every M2M session now."""
    return {"expired": sim(request).expire_sessions()}


@router.post("/tokens/expire")
def expire_tokens(request: Request) -> dict[str, int]:
    """Expire every OAuth access token now."""
    return {"expired": sim(request).expire_tokens()}


@router.get("/callbacks")
def callbacks(request: Request, account: str | None = None) -> list[dict[str, str]]:
    """Registered listeners (passwords masked)."""
    return sim(request).registered_callbacks(account)


@router.get("/deliveries")
def deliveries(
    request: Request, request_id: str | None = Query(default=None, alias="requestId")
) -> list[dict[str, Any]]:
    """Callback messages with bodies and attempts, optionally of one ``request_id``."""
    return sim(request).deliveries(request_id)


@router.delete("/deliveries")
def clear_deliveries(request: Request) -> dict[str, int]:
    """Forget the delivery log."""
    sim(request).clear_deliveries()
    return {}


@router.post("/callbacks/hold")
def hold(request: Request) -> dict[str, Any]:
    """Hold new callbacks until released."""
    sim(request).hold_callbacks(True)
    return sim(request).faults.view()


@router.post("/callbacks/release")
def release(request: Request, body: ReleaseBody | None = None) -> dict[str, int]:
    """Send held callbacks in order (``fifo``) or reversed (``reverse``) and stop holding."""
    order = body.order if body else "fifo"
    return {"released": sim(request).release_callbacks(reverse=order == "reverse")}


@router.post("/wait-idle")
def wait_idle(request: Request, timeout: float = 10.0) -> dict[str, bool]:
    """Wait until pending asynchronous actions and callback sends are done."""
    return {"idle": sim(request).wait_idle(timeout)}


@router.get("/faults")
def faults(request: Request) -> dict[str, Any]:
    """Current fault knobs, queued failures and per-device failures."""
    return sim(request).faults.view()


@router.api_route("/faults", methods=["PUT", "PATCH"])
def configure_faults(request: Request, body: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """Change some fault knobs (camelCase names), keeping the others."""
    try:
        return sim(request).configure_faults(**body)
    except ValidationError as exc:
        raise HTTPException(status_code=400, detail=exc.errors(include_url=False)) from None


@router.delete("/faults")
def reset_faults(request: Request) -> dict[str, Any]:
    """Remove every fault (held callbacks are released in order)."""
    sim(request).reset_faults()
    return sim(request).faults.view()


@router.post("/faults/fail-next")
def fail_next(body: FailNextBody, request: Request) -> dict[str, Any]:
    """Answer ``count`` API requests with 400, 429 or 503, after ``after`` served normally."""
    sim(request).fail_next(body.count, body.status, body.after)
    return sim(request).faults.view()


@router.put("/faults/devices/{device_id}")
def fail_device(device_id: str, body: ReasonBody, request: Request) -> dict[str, Any]:
    """Make label, license, deactivate and delete actions on this device fail with ``reason``."""
    sim(request).fail_device(device_id, body.reason)
    return sim(request).faults.view()


@router.delete("/faults/devices")
def clear_device_failures(request: Request) -> dict[str, Any]:
    """Forget every forced per-device failure."""
    sim(request).clear_device_failures()
    return sim(request).faults.view()
