"""Sink processes (the ``thingspace-callback-sink`` console script) for tests that kill or restart them."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
from pathlib import Path

from kits.stack import HOOK_PASSWORD, HOOK_USER, READ_TOKEN

SCRIPT = Path(sys.executable).with_name("thingspace-callback-sink")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "pulumi_thingspace.sink"]
SECRET_ENV = {
    "THINGSPACE_SINK_CALLBACK_USERNAME": HOOK_USER,
    "THINGSPACE_SINK_CALLBACK_PASSWORD": HOOK_PASSWORD,
    "THINGSPACE_SINK_READ_TOKEN": READ_TOKEN,
}


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any THINGSPACE_SINK_* variable, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("THINGSPACE_SINK_")}
    env.update(extra or {})
    return env


class Sink:
    """A sink process on a free port, secrets in its environment only.

    A SQLite ``db`` (a Path) goes on the command line as ``--db``; a PostgreSQL URL (a str, with its
    password) goes in THINGSPACE_SINK_DB so it stays out of process listings.
    """

    def __init__(
        self,
        db: Path | str,
        log: Path,
        env: dict[str, str] | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        full_env = clean_env(SECRET_ENV if env is None else env)
        full_env.update(extra_env or {})
        self.args = [*COMMAND, "--port", "0"]
        if isinstance(db, Path):
            self.args += ["--db", str(db)]
        else:
            full_env["THINGSPACE_SINK_DB"] = db
        self._log = log.open("ab")
        self.proc = subprocess.Popen(self.args, env=full_env, stdout=subprocess.PIPE, stderr=self._log)
        self.url = self._first_line()

    def _first_line(self) -> str:
        assert self.proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout=20):
                self.proc.kill()
                raise AssertionError("the sink printed no URL within 20 s")
        return self.proc.stdout.readline().decode().strip()

    @property
    def callback_url(self) -> str:
        """Where this sink receives callbacks."""
        return self.url + "/callbacks"

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` and wait for the exit status."""
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=20)
        self._log.close()
        return code
