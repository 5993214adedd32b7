"""The ThingSpace simulator in its own process, seeded with a synthetic fleet, driven by its admin API.

The simulator runs in a separate process so that neither the provider process nor the plain-requests
baseline shares an interpreter (and its GIL) with it: both clients see the same loopback server.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import requests

from pulumi_thingspace.simulator.seed import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from pulumi_thingspace.simulator.synthetic import eid_for, iccid_for, imei_for

LABEL_ACCOUNT = "0000000000-00001"
"""Account whose N active devices get labels and licenses."""
RETIRE_ACCOUNT = "0000000000-00002"
"""Account whose N deactive devices are retired."""
AUTH_ENDPOINTS = ("POST /api/ts/v1/oauth2/token", "POST /api/m2m/v1/session/login")


def fleet_seed(n: int) -> dict[str, Any]:
    """Demo credentials; N active devices with a pool of N licenses, and N deactive devices to retire."""
    return {
        "clients": [{"clientId": DEMO_CLIENT_ID, "clientSecret": DEMO_CLIENT_SECRET}],
        "users": [{"username": DEMO_USERNAME, "password": DEMO_PASSWORD}],
        "accounts": [
            {"accountName": LABEL_ACCOUNT, "licCount": n, "generate": {"count": n, "start": 1}},
            {
                "accountName": RETIRE_ACCOUNT,
                "generate": {"count": n, "start": n + 1, "state": "deactive"},
            },
        ],
    }


def eids(n: int) -> list[str]:
    """EIDs of the N devices in LABEL_ACCOUNT."""
    return [eid_for(s) for s in range(1, n + 1)]


def imeis(n: int) -> list[str]:
    """IMEIs of the N devices in LABEL_ACCOUNT."""
    return [imei_for(s) for s in range(1, n + 1)]


def retire_iccids(n: int) -> list[str]:
    """ICCIDs of the N deactive devices in RETIRE_ACCOUNT."""
    return [iccid_for(s) for s in range(n + 1, 2 * n + 1)]


class SimulatorProcess:
    """``thingspace-simulator`` on a free loopback port, seeded from a temporary seed file."""

    def __init__(self, seed: dict[str, Any]) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="ts-bench-")
        seed_path = Path(self._dir.name) / "seed.json"
        seed_path.write_text(json.dumps(seed), encoding="utf-8")
        self._log = (Path(self._dir.name) / "simulator.log").open("wb")
        command = [sys.executable, "-m", "pulumi_thingspace.simulator", "--seed", str(seed_path)]
        self.proc = subprocess.Popen(
            [*command, "--port", "0", "--log-level", "warning"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline().decode().strip()
        if "http://" not in first:
            self.close()
            raise RuntimeError(f"the simulator did not start: {first!r}")
        self.url = first[first.index("http://") :]
        # Keep reading stdout so that the simulator can never block on a full pipe.
        threading.Thread(target=_drain, args=(self.proc.stdout,), daemon=True).start()
        self.http = requests.Session()
        self.http.trust_env = False

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call ``/_admin/<path>`` and return the decoded JSON answer.

        Each call has a connection of its own: the simulator closes idle keep-alive connections after a
        few seconds, and a long operation between two admin calls could otherwise race that close.
        """
        response = self.http.request(
            method, f"{self.url}/_admin/{path}", timeout=600, headers={"Connection": "close"}, **kwargs
        )
        response.raise_for_status()
        return response.json()

    def counts(self) -> dict[str, int]:
        """API requests per endpoint since the last reset."""
        counts: dict[str, int] = self.admin("GET", "requests")
        return counts

    def reset(self) -> None:
        """Wait for asynchronous work to finish, then start counting requests from zero."""
        self.wait_idle()
        self.admin("DELETE", "requests")

    def wait_idle(self, timeout: float = 300.0) -> None:
        """Wait until the simulator applied every accepted label change."""
        if not self.admin("POST", "wait-idle", params={"timeout": timeout})["idle"]:
            raise RuntimeError("the simulator did not become idle")

    def rss_peak_kib(self) -> int:
        """Peak resident memory of the simulator process (VmHWM), in KiB."""
        return peak_memory_kib(self.proc.pid)

    def close(self) -> None:
        """Stop the simulator process (it is ours: terminate by pid, then kill if it lingers)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        self._dir.cleanup()

    def __enter__(self) -> SimulatorProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def peak_memory_kib(pid: int) -> int:
    """VmHWM (peak resident set size) of process ``pid`` in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for process {pid}")


def api_counts(counts: dict[str, int]) -> dict[str, int]:
    """Request counts without authentication."""
    return {k: v for k, v in counts.items() if k not in AUTH_ENDPOINTS}


def _drain(stream: IO[bytes]) -> None:
    for _ in stream:
        pass
