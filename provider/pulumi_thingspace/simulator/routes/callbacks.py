"""Callback listener registration, listing and deregistration."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request

from ...models.callbacks import RegisterCallbackRequest
from ..errors import invalid_input, uws_error
from .common import account_of, parse, session_guard, sim

router = APIRouter(dependencies=[Depends(session_guard)])

SERVICE_NAMES = frozenset(
    {
        "AlertsService",
        "AlertService",
        "CarrierService",
        "DevicePRLInformation",
        "DeviceProfileService",
        "DevicePromoUsage",
        "DeviceService",
        "DeviceSuspensionStatus",
        "DeviceUsage",
        "DiagnosticsService",
        "EnhancedConnectivityService",
        "ExtendedEnhancedConnectivityService",
        "ExternalProvisioningChanges",
        "IntelligenceService",
        "NetworkEventService",
        "NiddService",
        "PromoChanges",
        "PwnService",
        "QoS",
        "ResumeTrackingNotification",
        "SMSDeliveryConfirmation",
        "StateService",
        "SubscriptionNotificationService",
        "VIPCallbackService",
    }
)


@router.post("/api/m2m/v1/callbacks/{account}")
async def register(account: str, request: Request) -> dict[str, str]:
    """Register (or replace) the account's listener for one service."""
    state = sim(request)
    body = await parse(request, RegisterCallbackRequest)
    if body.name not in SERVICE_NAMES:
        raise invalid_input("ServiceName", f"name: {body.name!r} is not a callback service name")
    url = urlsplit(body.url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise invalid_input("Url", "url: an absolute http or https URL is required")
    account_of(state, account)
    password = body.password.get_secret_value() if body.password else ""
    state.callbacks.register(account, body.name, body.url, body.username or "", password)
    return {"accountName": account, "serviceName": body.name}


@router.get("/api/m2m/v1/callbacks/{account}")
async def list_listeners(account: str, request: Request) -> list[dict[str, str]]:
    """The account's registered listeners."""
    state = sim(request)
    account_of(state, account)
    return [r.wire() for r in state.callbacks.registrations(account)]


@router.delete("/api/m2m/v1/callbacks/{account}/name/{service}")
async def deregister(account: str, service: str, request: Request) -> dict[str, str]:
    """Remove the account's listener for one service."""
    state = sim(request)
    account_of(state, account)
    if not state.callbacks.deregister(account, service):
        raise uws_error("REQUEST_FAILED.CallbackNotFound", f"No callback is registered for {service}.")
    return {"accountName": account, "serviceName": service}
