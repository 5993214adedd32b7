"""ThingSpace error bodies: UWS ``{errorCode, errorMessage}`` and WSO2 gateway faults."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic.alias_generators import to_camel


class ApiError(Exception):
    """An error answer: HTTP status, JSON body and extra headers."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def uws_error(code: str, message: str, status: int = 400) -> ApiError:
    """A Connectivity Management error; ``code`` is the part after ``UnifiedWebService.``."""
    return ApiError(status, {"errorCode": f"UnifiedWebService.{code}", "errorMessage": message})


def gateway_fault(status: int, code: str, message: str, description: str) -> ApiError:
    """A WSO2 API gateway fault (bad path or bearer token)."""
    return ApiError(status, {"fault": {"code": code, "message": message, "description": description}})


def missing_credentials() -> ApiError:
    """No ``Authorization: Bearer`` header."""
    return gateway_fault(
        401,
        "900902",
        "Missing Credentials",
        "Required OAuth credentials not provided. Make sure your API invocation call has a header: "
        '"Authorization: Bearer ACCESS_TOKEN"',
    )


def invalid_credentials() -> ApiError:
    """Unknown, revoked or expired bearer token."""
    return gateway_fault(
        401,
        "900901",
        "Invalid Credentials",
        "Invalid Credentials. Make sure you have given the correct access token",
    )


def no_matching_resource() -> ApiError:
    """No API under this path and method."""
    return gateway_fault(
        400,
        "900906",
        "No matching resource found",
        "No matching resource found for given API Request",
    )


def session_expired() -> ApiError:
    """Missing, unknown, logged-out or idle-expired ``VZ-M2M-Token``."""
    return uws_error("REQUEST_FAILED.SessionToken.Expired", "The Session has expired.")


def account_not_found(account: str) -> ApiError:
    """The account does not exist."""
    return uws_error("REQUEST_FAILED.AccountNotFound", f"The account {account} was not found.")


def invalid_input(field: str, message: str) -> ApiError:
    """A body field breaks a documented rule."""
    return uws_error(f"INPUT_INVALID.{field}", message)


def from_validation(exc: ValidationError) -> ApiError:
    """The first pydantic error as ``INPUT_INVALID.<Field>`` with the field's path in the message."""
    first = exc.errors()[0]
    loc = first.get("loc", ())
    names = [str(p) for p in loc if isinstance(p, str)]
    field = _pascal(names[-1]) if names else "Body"
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".") or "body"
    return invalid_input(field, f"{path}: {first.get('msg', 'invalid value')}")


def oauth_error(status: int, error: str, description: str) -> ApiError:
    """An OAuth endpoint error in the standard ``{error, error_description}`` shape."""
    return ApiError(status, {"error": error, "error_description": description})


def _pascal(name: str) -> str:
    """``deviceIds`` or ``device_ids`` -> ``DeviceIds``."""
    camel = to_camel(name)
    return camel[:1].upper() + camel[1:]
