"""``pulumi-resource-thingspace <engine address>``: the provider plugin process the engine starts."""

from __future__ import annotations

import sys
from importlib import metadata

from ..resources import engine
from ..schema.generate import build_schema, dump
from .provider import ThingSpacePlugin
from .server import serve


def main() -> None:
    """Serve the plugin to the engine; exit once the engine is gone and nothing is in flight."""
    engine.watch_engine()
    schema = dump(build_schema())  # the text of the checked-in schema.json (a test keeps them equal)
    serve(metadata.version("pulumi-thingspace"), ThingSpacePlugin(schema), sys.argv[1:])


if __name__ == "__main__":
    main()
