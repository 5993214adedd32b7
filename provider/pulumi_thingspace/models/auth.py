"""OAuth token and M2M session bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from .base import WireRequest, WireResponse


class TokenResponse(BaseModel):
    """``POST /api/ts/v1/oauth2/token`` answer (OAuth field names are snake_case on the wire)."""

    model_config = ConfigDict(extra="allow")

    access_token: SecretStr
    token_type: str = "Bearer"
    expires_in: float = 3600
    scope: str | None = None


class LoginRequest(WireRequest):
    """``POST /api/m2m/v1/session/login`` body."""

    username: str
    password: SecretStr

    def wire(self) -> dict[str, str]:
        """Return the body with the password revealed, for the HTTP call only."""
        return {"username": self.username, "password": self.password.get_secret_value()}


class LoginResponse(WireResponse):
    """Session login answer; ``expiresIn`` is not documented and therefore optional."""

    session_token: SecretStr
    expires_in: float | None = Field(default=None)


class RequestIdResponse(WireResponse):
    """The synchronous answer of an asynchronous ThingSpace action."""

    request_id: str
