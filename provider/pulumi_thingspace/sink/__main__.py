"""``thingspace-callback-sink``: receive ThingSpace CarrierService callbacks and serve them by request id.

Secrets can come from the environment (THINGSPACE_SINK_CALLBACK_PASSWORD, THINGSPACE_SINK_READ_TOKEN, ...)
so none needs to be on the command line. The first line on stdout is the listening URL.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from ..serving import bind_socket, socket_url
from .logs import configure_logging, event
from .server import uvicorn_server
from .settings import SOURCES, SinkSettings, env_name
from .store import StoreUnavailable
from .stores import open_store

_HELP = {
    "host": "interface to listen on (default 127.0.0.1)",
    "port": "TCP port, 0 for a free one (default 8651)",
    "db_path": "SQLite database file, or a postgresql://user:password@host/db URL shared by several "
    "replicas (default ./thingspace-callbacks.db)",
    "db_timeout": "seconds to wait for a PostgreSQL connection before answering 503 (default 5)",
    "callback_username": "username registered with the CarrierService listener",
    "callback_password": "password registered with the CarrierService listener (prefer the env var)",
    "read_token": "bearer token the provider uses to read results (prefer the env var)",
    "retention_days": "delete callbacks older than this many days (default 30)",
    "callback_path": "path that receives callbacks (default /callbacks)",
}


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser; every option falls back to its THINGSPACE_SINK_* variable."""
    parser = argparse.ArgumentParser(
        prog="thingspace-callback-sink",
        description="Receive ThingSpace CarrierService callbacks and serve them by request id.",
    )
    for name, (option, _) in SOURCES.items():
        metavar = "FILE_OR_URL" if name == "db_path" else option.lstrip("-").upper().replace("-", "_")
        parser.add_argument(
            option, dest=name, default=None, metavar=metavar, help=f"{_HELP[name]}; env {env_name(name)}"
        )
    parser.add_argument(
        "--log-level",
        default="INFO",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="logging level (default INFO)",
    )
    return parser


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    # uvicorn re-raises the stop signal after its graceful shutdown; end with status 0 instead of dying.
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sink until interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = SinkSettings.from_sources(vars(args))
    except ValueError as exc:
        parser.error(str(exc))
    configure_logging(args.log_level)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_cleanly)
    try:
        store = open_store(settings.database, timeout=settings.db_timeout)
        sock = bind_socket(settings.host, settings.port)
    except (OSError, StoreUnavailable) as exc:
        print(f"thingspace-callback-sink: cannot start: {exc}", file=sys.stderr)
        return 1
    try:
        url = socket_url(sock)
        print(url, flush=True)
        event(
            logging.INFO,
            "listening",
            url=url,
            callback_url=url + settings.callback_path,
            store=settings.database_label,
        )
        uvicorn_server(settings, store).run(sockets=[sock])
    finally:
        store.close()
        event(logging.INFO, "stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
