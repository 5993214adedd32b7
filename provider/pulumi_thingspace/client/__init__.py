"""ThingSpace HTTP client: OAuth + M2M session, retries, one error hierarchy, one module per API family.

Usable without Pulumi::

    client = ThingSpaceClient(Credentials(client_id, client_secret, username, password))
    request_ids = client.set_labels("0000000000-00001", labels)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .auth import Credentials
    from .endpoints import DEFAULT_BASE_URL
    from .errors import (
        ApiError,
        AuthenticationError,
        ConnectionFailure,
        RetryExhaustedError,
        SessionExpiredError,
        ThingSpaceError,
        parse_error,
    )
    from .facade import ThingSpaceClient
    from .transport import RetryPolicy

# A library leaves output to the application: without its own handler, nothing is printed.
logging.getLogger("pulumi_thingspace.client").addHandler(logging.NullHandler())

_MODULES = {
    "DEFAULT_BASE_URL": ".endpoints",
    "ApiError": ".errors",
    "AuthenticationError": ".errors",
    "ConnectionFailure": ".errors",
    "Credentials": ".auth",
    "RetryExhaustedError": ".errors",
    "RetryPolicy": ".transport",
    "SessionExpiredError": ".errors",
    "ThingSpaceClient": ".facade",
    "ThingSpaceError": ".errors",
    "parse_error": ".errors",
}

__all__ = [
    "DEFAULT_BASE_URL",
    "ApiError",
    "AuthenticationError",
    "ConnectionFailure",
    "Credentials",
    "RetryExhaustedError",
    "RetryPolicy",
    "SessionExpiredError",
    "ThingSpaceClient",
    "ThingSpaceError",
    "parse_error",
]

__getattr__, __dir__ = lazy_exports(__name__, _MODULES)
