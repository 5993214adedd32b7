"""The ``thingspace-simulator`` console script."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kits.simulator import ACCOUNT, Api

SCRIPT = Path(sys.executable).with_name("thingspace-simulator")


def command(*args: str) -> list[str]:
    if SCRIPT.exists():
        return [str(SCRIPT), *args]
    return [sys.executable, "-m", "pulumi_thingspace.simulator", *args]


@contextmanager
def simulator(*args: str) -> Iterator[str]:
    proc = subprocess.Popen(
        command("--port", "0", "--log-level", "warning", *args), stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first.startswith("thingspace-simulator listening on http://127.0.0.1:")
        yield first.rsplit(" ", 1)[1]
    finally:
        proc.terminate()
        proc.wait(10)


def test_console_script_serves_the_demo_fleet() -> None:
    with simulator("--session-idle-seconds", "1") as url:
        api = Api(url)
        assert api.token().status_code == 200
        assert api.login().status_code == 200
        assert (
            len(api.post("/api/m2m/v1/devices/actions/list", {"accountName": ACCOUNT}).json()["devices"])
            == 12
        )
        time.sleep(1.3)
        expired = api.post("/api/m2m/v1/devices/actions/list", {"accountName": ACCOUNT})
        assert expired.json()["errorCode"] == "UnifiedWebService.REQUEST_FAILED.SessionToken.Expired"


def test_console_script_loads_a_seed(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"clients": [{"clientId": "c", "clientSecret": "s"}]}))
    with simulator("--seed", str(seed)) as url:
        assert Api(url).token("c", "s").status_code == 200
        assert Api(url).token().status_code == 401


def test_console_script_rejects_a_bad_seed(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text("{not json")
    result = subprocess.run(
        command("--port", "0", "--seed", str(seed)), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "cannot load seed" in result.stderr
