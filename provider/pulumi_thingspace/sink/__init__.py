"""Callback sink: receives ThingSpace CarrierService callbacks and serves them back by request id.

``POST {callback path}`` (default ``/callbacks``) takes the callback, checks the echoed username and
password and stores the body (without them) durably before answering 200.
``GET /requests/{requestId}`` with ``Authorization: Bearer <read token>`` answers
200 ``{"requestId": ..., "callbacks": [body, ...]}`` (arrival order) or 404 while none arrived.
``POST /ledger`` (same token) answers what the label ledger, built from every stored callback, holds
for a list of ``"<eid>/<name>"`` keys; ``POST {callback path}/{accountName}`` files a callback's label
results under that account (see ``ledger.py``).
See ``docs.md`` next to this file for the full read contract and deployment notes.
"""

from ..serving import require_server_extra

require_server_extra("callback sink")

from .app import create_app
from .server import SinkServer
from .settings import SinkSettings
from .store import CallbackStore, StoreUnavailable
from .store_sqlite import SQLiteStore
from .stores import open_store

__all__ = [
    "CallbackStore",
    "SQLiteStore",
    "SinkServer",
    "SinkSettings",
    "StoreUnavailable",
    "create_app",
    "open_store",
]
