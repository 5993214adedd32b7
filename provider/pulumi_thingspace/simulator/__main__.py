"""``thingspace-simulator``: serve the ThingSpace simulator until interrupted."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from ..serving import bind_socket, socket_url
from .app import create_app
from .config import SimulatorConfig
from .seed import build_state


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="thingspace-simulator",
        description="Local simulator of the Verizon ThingSpace API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8650, help="port; 0 picks a free one (default 8650)")
    parser.add_argument("--seed", metavar="FILE", help="seed file (JSON); the demo fleet when omitted")
    parser.add_argument("--session-idle-seconds", type=float, default=1200.0, help="session idle expiry")
    parser.add_argument("--callback-resend-seconds", type=float, default=0.5, help="wait before a resend")
    parser.add_argument("--deactivate-delay-seconds", type=float, default=0.2, help="deactivation delay")
    parser.add_argument("--device-page-size", type=int, default=2000, help="devices per list page")
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug", "trace"]
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the simulator; the first line on stdout names the bound URL."""
    args = parse_args(argv)
    config = SimulatorConfig(
        session_idle_seconds=args.session_idle_seconds,
        callback_resend_seconds=args.callback_resend_seconds,
        deactivate_delay_seconds=args.deactivate_delay_seconds,
        device_page_size=args.device_page_size,
    )
    try:
        state = build_state(args.seed, config)
    except (OSError, ValueError) as exc:
        print(f"thingspace-simulator: cannot load seed {args.seed}: {exc}", file=sys.stderr)
        return 2
    sock = bind_socket(args.host, args.port)
    print(f"thingspace-simulator listening on {socket_url(sock)}", flush=True)
    server = uvicorn.Server(uvicorn.Config(create_app(state), log_level=args.log_level))
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
