"""Request guards and body parsing shared by the API routes."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from ..errors import (
    account_not_found,
    from_validation,
    invalid_credentials,
    invalid_input,
    missing_credentials,
    session_expired,
)
from ..records import SimAccount
from ..state import SimulatorState

M = TypeVar("M", bound=BaseModel)


def sim(request: Request) -> SimulatorState:
    """The simulator state of the app serving ``request``."""
    state: SimulatorState = request.app.state.sim
    return state


def bearer_guard(request: Request) -> None:
    """Require a live OAuth access token (gateway faults 900902 / 900901 otherwise)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise missing_credentials()
    if not sim(request).identity.token_valid(token.strip()):
        raise invalid_credentials()


def session_guard(request: Request) -> None:
    """Require a live access token and a live ``VZ-M2M-Token`` session (which it keeps alive)."""
    bearer_guard(request)
    token = request.headers.get("vz-m2m-token", "").strip()
    if not token or not sim(request).identity.touch_session(token):
        raise session_expired()


async def read_json(request: Request) -> Any:
    """The JSON body, or ``INPUT_INVALID.Body`` when it is missing or not JSON."""
    raw = await request.body()
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        raise invalid_input("Body", "The request body is not valid JSON.") from None


async def parse(request: Request, model: type[M]) -> M:
    """The body validated by ``model``; validation failures become ``INPUT_INVALID.<Field>``."""
    body = await read_json(request)
    if not isinstance(body, dict):
        raise invalid_input("Body", "The request body must be a JSON object.")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise from_validation(exc) from None


def account_of(state: SimulatorState, name: str) -> SimAccount:
    """The account, or ``REQUEST_FAILED.AccountNotFound``."""
    account = state.fleet.account(name)
    if account is None:
        raise account_not_found(name)
    return account
