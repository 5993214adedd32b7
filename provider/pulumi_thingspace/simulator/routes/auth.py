"""OAuth token (client credentials) and M2M session login/logout."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request

from ...models.auth import LoginRequest
from ..errors import oauth_error, session_expired, uws_error
from ..identity import LoginOutcome
from .common import bearer_guard, parse, sim

router = APIRouter()

_BAD_CLIENT = ("invalid_client", "Client authentication failed")


def _basic_credentials(request: Request) -> tuple[str, str]:
    """``(client_id, client_secret)`` from ``Authorization: Basic``; 401 invalid_client otherwise."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        raise oauth_error(401, *_BAD_CLIENT)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise oauth_error(401, *_BAD_CLIENT) from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise oauth_error(401, *_BAD_CLIENT)
    return client_id, secret


async def _form(request: Request) -> dict[str, str]:
    raw = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(raw).items()}


@router.post("/api/ts/v1/oauth2/token")
async def token(request: Request) -> dict[str, object]:
    """Issue (or re-issue, with a shorter ``expires_in``) the client's access token."""
    client_id, secret = _basic_credentials(request)
    form = await _form(request)
    grant = form.get("grant_type")
    if grant is None:
        raise oauth_error(400, "invalid_request", "Missing grant_type parameter value")
    if grant != "client_credentials":
        raise oauth_error(400, "unsupported_grant_type", "Unsupported grant_type value")
    issued = sim(request).identity.issue_token(client_id, secret)
    if issued is None:
        raise oauth_error(401, *_BAD_CLIENT)
    value, expires_in = issued
    return {"access_token": value, "token_type": "Bearer", "expires_in": expires_in, "scope": "default"}


@router.post("/api/ts/v1/oauth2/revoke")
async def revoke(request: Request) -> dict[str, object]:
    """Revoke a token; the next token request returns a new one."""
    client_id, secret = _basic_credentials(request)
    form = await _form(request)
    if not form.get("token"):
        raise oauth_error(400, "invalid_request", "Missing token parameter value")
    if not sim(request).identity.revoke_token(client_id, secret, form["token"]):
        raise oauth_error(401, *_BAD_CLIENT)
    return {}


@router.post("/api/m2m/v1/session/login", dependencies=[Depends(bearer_guard)])
async def login(request: Request) -> dict[str, str]:
    """Start a session; wrong credentials count towards the lockout."""
    body = await parse(request, LoginRequest)
    outcome, session = sim(request).identity.login(body.username, body.password.get_secret_value())
    if outcome is LoginOutcome.LOCKED:
        raise uws_error(
            "AUTHENTICATION_FAILED.UserLocked",
            "The user is locked after too many failed login attempts. Contact Verizon support to unlock it.",
            401,
        )
    if outcome is LoginOutcome.INVALID or session is None:
        raise uws_error("AUTHENTICATION_FAILED.InvalidCredentials", "Invalid username or password", 401)
    return {"sessionToken": session}


@router.post("/api/m2m/v1/session/logout", dependencies=[Depends(bearer_guard)])
async def logout(request: Request) -> dict[str, str]:
    """End the session named by ``VZ-M2M-Token``."""
    token = request.headers.get("vz-m2m-token", "").strip()
    if not token or not sim(request).identity.touch_session(token):
        raise session_expired()
    sim(request).identity.logout(token)
    return {"sessionToken": token}
