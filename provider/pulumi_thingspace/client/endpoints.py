"""Where the API lives, kept free of HTTP imports: settings name the default without loading a client."""

from __future__ import annotations

DEFAULT_BASE_URL = "https://thingspace.verizon.com"
"""ThingSpace production host; every API path starts with ``/api/``."""
