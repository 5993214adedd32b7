"""Callback listeners: register (or replace), list and deregister, per account and service."""

from __future__ import annotations

from urllib.parse import quote

from pydantic import SecretStr

from ..models import CallbackActionResult, CallbackListenerInfo, RegisterCallbackRequest, check_account_name
from .requestor import Reply, Requestor, parse, unexpected


def callbacks_path(account_name: str) -> str:
    """``/api/m2m/v1/callbacks/{account}``."""
    return f"/api/m2m/v1/callbacks/{check_account_name(account_name)}"


def register_callback(
    api: Requestor,
    account_name: str,
    service_name: str,
    url: str,
    username: str | None = None,
    password: str | None = None,
) -> CallbackActionResult:
    """Register the listener for a service (the request field is ``name``); replaces an existing one."""
    body = RegisterCallbackRequest(
        name=service_name,
        url=url,
        username=username,
        password=SecretStr(password) if password is not None else None,
    )
    reply = api.call("POST", callbacks_path(account_name), "callbacks.register", body.wire())
    return parse(CallbackActionResult, reply)


def list_callbacks(api: Requestor, account_name: str) -> list[CallbackListenerInfo]:
    """Every listener registered through the REST API for the account (a JSON array)."""
    reply = api.call("GET", callbacks_path(account_name), "callbacks.list")
    items = reply.body if reply.body is not None else []
    if isinstance(items, dict):  # tolerate a single listener sent as an object
        items = [items]
    if not isinstance(items, list):
        raise unexpected(reply, what="callback list is not a JSON array")
    return [parse(CallbackListenerInfo, Reply(reply.status, item, reply.endpoint)) for item in items]


def deregister_callback(api: Requestor, account_name: str, service_name: str) -> None:
    """Remove the service's listener; an unregistered service raises ApiError (``...CallbackNotFound``)."""
    path = f"{callbacks_path(account_name)}/name/{quote(service_name, safe='')}"
    api.call("DELETE", path, "callbacks.deregister")
