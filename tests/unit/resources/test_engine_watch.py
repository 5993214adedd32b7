"""A provider whose engine is gone stops between two ThingSpace requests instead of sending on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from kits.resources import ACCOUNT, BASE, SINK, api_calls, with_provider
from pulumi_thingspace.errors import UserError
from pulumi_thingspace.resources import engine
from pulumi_thingspace.resources.engine import EngineGoneError, EngineWatch
from pulumi_thingspace.resources.labels import LabelSetProvider

PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
ENGINE, SHIM = 4100, 4200


class Parents:
    """Fake ``getppid``/``parent_of``: the chain engine -> shim -> provider until ``kill`` is called."""

    def __init__(self, alive_for: int = 10**9) -> None:
        self.alive_for = alive_for
        self.asked = 0

    def getppid(self) -> int:
        self.asked += 1
        return SHIM  # the shim lives on after the engine: it waits for its Python child

    def parent_of(self, pid: int) -> int | None:
        return ENGINE if self.asked <= self.alive_for else 1  # re-parented to init once "killed"


@pytest.fixture
def watch() -> Iterator[None]:
    """Restore the process's real watch (none in a test process) afterwards."""
    yield
    engine.watch(None)


def eid(n: int) -> str:
    return f"8904903200000100{n:016d}"


def test_a_shim_reparented_after_its_engine_died_means_gone() -> None:
    parents = Parents(alive_for=2)
    watch = EngineWatch(SHIM, ENGINE, parent_of=parents.parent_of, getppid=parents.getppid)
    assert not watch.gone() and not watch.gone()
    assert watch.gone()


def test_a_direct_parent_change_means_gone_and_an_unreadable_chain_does_not() -> None:
    assert EngineWatch(ENGINE, ENGINE, getppid=lambda: 1).gone()
    assert not EngineWatch(ENGINE, ENGINE, getppid=lambda: ENGINE).gone()
    unreadable = EngineWatch(SHIM, ENGINE, parent_of=lambda _pid: None, getppid=lambda: SHIM)
    assert not unreadable.gone()  # no /proc: never stop a change by mistake


def test_keep_going_raises_only_once_the_engine_is_gone(watch: None) -> None:
    engine.keep_going()  # nothing watched: never stops
    engine.watch(EngineWatch(ENGINE, ENGINE, getppid=lambda: ENGINE))
    engine.keep_going()
    engine.watch(EngineWatch(ENGINE, ENGINE, getppid=lambda: 1))
    with pytest.raises(EngineGoneError, match=r"Pulumi engine \(pid 4100\) .* is gone"):
        engine.keep_going()


CHILD = """
import os, sys, time
from pulumi_thingspace.resources.engine import EngineWatch
watch = EngineWatch.at_startup()
print(watch.parent, watch.engine, flush=True)
deadline = time.monotonic() + float(sys.argv[1])
while not watch.gone() and time.monotonic() < deadline:
    time.sleep(0.05)
print("gone" if watch.gone() else "still there", flush=True)
"""


def run_under_shim(tmp_path: Path, wait: float) -> list[str]:
    """The shim as the engine runs it: a shell script named like Pulumi's that runs Python without exec."""
    shim = tmp_path / "pulumi-resource-pulumi-python"
    shim.write_text(f'#!/bin/sh\n"{sys.executable}" -u -c "$@"\n')
    shim.chmod(0o755)
    return [str(shim), CHILD, str(wait)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process chain from /proc")
def test_at_startup_the_engine_is_the_shims_parent(tmp_path: Path) -> None:
    command = run_under_shim(tmp_path, wait=0)
    proc = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    parent, engine_pid = map(int, proc.stdout.split()[:2])
    assert engine_pid == os.getpid() != parent  # the parent is the shim, the engine this test


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process chain from /proc")
def test_a_killed_engine_is_noticed_by_the_provider_under_its_shim(tmp_path: Path) -> None:
    # A stand-in engine starts the shim, as `pulumi` does, and is then killed with SIGKILL.
    stand_in = textwrap.dedent(
        f"""
        import subprocess, sys, time
        subprocess.Popen({run_under_shim(tmp_path, wait=30)!r})
        time.sleep(60)
        """
    )
    fake_engine = subprocess.Popen(
        [sys.executable, "-c", stand_in], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert fake_engine.stdout is not None
    first = fake_engine.stdout.readline().split()
    assert int(first[1]) == fake_engine.pid  # the provider recorded the stand-in as its engine
    fake_engine.send_signal(signal.SIGKILL)
    fake_engine.wait(timeout=10)
    assert fake_engine.stdout.readline().strip() == "gone"  # the provider saw it within its loop


def test_a_create_stops_between_chunks_once_the_engine_is_gone(
    api: responses.RequestsMock, watch: None
) -> None:
    api.post(f"{BASE}{PATH}", json={"requestId": "req-set"})
    parents = Parents(alive_for=1)  # asked once per request: the first chunk goes out, then it is gone
    engine.watch(EngineWatch(SHIM, ENGINE, parent_of=parents.parent_of, getppid=parents.getppid))
    labels = {f"{eid(i)}/VIN": "v" for i in range(4500)}
    with pytest.raises(EngineGoneError):
        LabelSetProvider().create(with_provider({"account_name": ACCOUNT, "labels": labels}))
    assert [len(body["labels"]) for body in api_calls(api, PATH)] == [2000]


def test_waiting_for_results_stops_once_the_engine_is_gone_and_sends_nothing_more(
    mocked_sink: responses.RequestsMock, watch: None
) -> None:
    mocked_sink.post(f"{BASE}{PATH}", json={"requestId": "req-set"})
    mocked_sink.delete(f"{BASE}{PATH}", json={"requestId": "req-remove"})
    mocked_sink.get(f"{SINK}/requests/req-set", status=404)
    parents = Parents(alive_for=1)  # the set goes out; the first round of polls finds the engine gone
    engine.watch(EngineWatch(SHIM, ENGINE, parent_of=parents.parent_of, getppid=parents.getppid))
    with pytest.raises(UserError, match="Pulumi engine"):
        LabelSetProvider().create(with_provider({"account_name": ACCOUNT, "labels": {f"{eid(1)}/VIN": "v"}}))
    assert len(api_calls(mocked_sink, PATH)) == 1  # no undo, no retry: nothing after the engine left
    assert [c.request.url for c in mocked_sink.calls if c.request.url.startswith(SINK)] == []


def test_an_orphaned_provider_exits_once_idle_but_never_during_a_request() -> None:
    alive = [True]
    orphan = EngineWatch(ENGINE, ENGINE, getppid=lambda: ENGINE if alive[0] else 1)
    exits: list[int] = []
    request = engine._with_urn(lambda self, request, context: exits_while_serving.append(list(exits)))
    exits_while_serving: list[list[int]] = []
    thread = threading.Thread(
        target=engine.exit_when_engine_gone,
        args=(orphan,),
        kwargs={"interval": 0.01, "exit_": exits.append},
        daemon=True,
    )
    with engine._IN_FLIGHT_LOCK:
        engine._IN_FLIGHT[0] += 1  # a request is being served
    thread.start()
    time.sleep(0.1)
    assert exits == []  # the engine is there
    alive[0] = False
    time.sleep(0.1)
    assert exits == []  # gone, but a request is still in flight
    with engine._IN_FLIGHT_LOCK:
        engine._IN_FLIGHT[0] -= 1
    thread.join(timeout=2)
    assert exits == [0]
    request(None, type("Request", (), {"urn": "urn:x"})(), None)
    assert exits_while_serving == [[0]] and engine._IN_FLIGHT[0] == 0  # the wrapper counts in and out
