"""The FastAPI application: API routes, admin routes, error shapes, request counting and faults."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from .config import SimulatorConfig
from .errors import ApiError, no_matching_resource, uws_error
from .routes import admin_control, admin_fleet, auth, callbacks, devices, fota, labels
from .seed import Seed, build_state
from .state import SimulatorState

API_PREFIX = "/api/"
UNAVAILABLE_XML = (
    '<am:fault xmlns:am="http://wso2.org/apimanager"><am:code>101503</am:code>'
    "<am:type>Status report</am:type><am:message>Runtime Error</am:message>"
    "<am:description>Error connecting to the back end</am:description></am:fault>"
)
REJECTED = uws_error("INPUT_INVALID.SimulatedRejection", "The request was rejected (simulated fault).")
"""The answer of a request that ``fail_next(status=400)`` rejects."""

SeedSource = SimulatorState | Seed | str | Path | dict[str, Any] | None


def create_app(state_or_seed: SeedSource = None, *, config: SimulatorConfig | None = None) -> FastAPI:
    """The simulator app serving ``state_or_seed``: a state, a seed, a seed file, or None (demo fleet)."""
    state = state_or_seed if isinstance(state_or_seed, SimulatorState) else build_state(state_or_seed, config)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.stop()

    app = FastAPI(
        title="ThingSpace simulator",
        lifespan=lifespan,
        docs_url="/_admin/docs",
        openapi_url="/_admin/openapi.json",
        redoc_url=None,
    )
    app.state.sim = state
    api_routers = [auth.router, labels.router, callbacks.router, devices.router, fota.router]
    for router in [*api_routers, admin_fleet.router, admin_control.router]:
        app.include_router(router)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.middleware("http")(_gate(EndpointNames(api_routers), state))
    return app


async def _api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    # The gateway answers any unknown path or method under /api with its own 400 fault.
    if request.url.path.startswith(API_PREFIX) and exc.status_code in (404, 405):
        return await _api_error(request, no_matching_resource())
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


class EndpointNames:
    """Names requests ``"METHOD /route/{template}"`` from the API routes (the raw path when none match)."""

    def __init__(self, routers: list[APIRouter]) -> None:
        self._routes = [
            (route.path_regex, route.methods or set(), route.path)
            for router in routers
            for route in router.routes
            if isinstance(route, APIRoute)
        ]

    def __call__(self, method: str, path: str) -> str:
        for regex, methods, template in self._routes:
            if method in methods and regex.match(path):
                return f"{method} {template}"
        return f"{method} {path}"


Handler = Callable[[Request], Awaitable[Response]]


def _gate(names: EndpointNames, state: SimulatorState) -> Callable[[Request, Handler], Awaitable[Response]]:
    """Middleware counting API requests and applying latency, throttling and outages."""

    async def gate(request: Request, call_next: Handler) -> Response:
        path = request.url.path
        if not path.startswith(API_PREFIX):
            return await call_next(request)
        state.count_request(names(request.method, path))
        delay = state.faults.latency_for(path)
        if delay > 0:
            await asyncio.sleep(delay)
        status = state.faults.decide(path)
        if status == 429:
            return JSONResponse(
                {
                    "errorCode": "UnifiedWebService.REQUEST_FAILED.TooManyRequests",
                    "errorMessage": "Too many requests. Retry after the time given in Retry-After.",
                },
                status_code=429,
                headers={"Retry-After": str(state.faults.settings.retry_after_seconds)},
            )
        if status == 400:
            return await _api_error(request, REJECTED)
        if status == 503:
            if state.faults.settings.unavailable_body == "empty":
                return Response(status_code=503)
            return Response(UNAVAILABLE_XML, status_code=503, media_type="application/xml")
        return await call_next(request)

    return gate
