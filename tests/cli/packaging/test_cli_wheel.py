"""The wheel as a user gets it: built from this checkout, installed with ``pip`` into a fresh virtualenv
outside it, and a Pulumi program that imports it run by the real CLI with nothing of the checkout in sight.

The wheel is built from a copy of what an sdist holds (``pyproject.toml``, ``README.md``, ``provider/``):
an in-tree ``pip wheel .`` writes ``build/`` and ``*.egg-info`` into the checkout, and setuptools packs
whatever an earlier build left in ``build/lib``. The dependencies come from the package index once and are
kept in pytest's cache (``.pytest_cache/d/wheel-test-deps``; pip's own HTTP cache stores nothing when the
index sends no caching headers): later runs install with ``--no-index`` from there, and go back to the
index only when that fails, e.g. after a requirement changed. ``pytest --cache-clear`` forces the index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
import yaml

from kits.ci import skip_or_fail
from kits.paths import REPO
from pulumi_thingspace.simulator import (
    DEMO_ACCOUNT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from pulumi_thingspace.testing import secret
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

SDIST = ("pyproject.toml", "README.md", "provider")
"""What the wheel is built from: the files an sdist of the project carries."""
DEPS_CACHE = "wheel-test-deps"
PIP_TIMEOUT = 600.0
NETWORK_ERRORS = ("NewConnectionError", "Failed to establish", "name resolution", "ProxyError", "unreachable")
LABEL = "WHEEL"
LABELS = {
    "89049032000000000000000000000163": "w1",  # demo fleet devices 1 and 2 (EIDs)
    "89049032000000000000000000000260": "w2",
}
IMEIS = ["350000000000030", "350000000000048"]  # demo fleet devices 3 and 4: unlicensed at the start
PROGRAM = '''"""Labels and FOTA licenses on demo-fleet devices, through the installed wheel."""

import pulumi

import pulumi_thingspace as thingspace

config = pulumi.Config()
account = config.require("accountName")
name = config.require("labelName")
labels = thingspace.UsageSegmentationLabels(
    "labels",
    account_name=account,
    labels=[
        {"device_id": eid, "name": name, "value": value}
        for eid, value in config.require_object("labels").items()
    ],
)
imeis = config.require_object("imeis")
fota = thingspace.FotaLicenseAssignment("fota", account_name=account, device_imeis=imeis)
pulumi.export("labels", labels.labels)
pulumi.export("licensedImeis", fota.device_imeis)
pulumi.export("providerModule", thingspace.__file__)
'''


def pip(python: Path | str, *args: str, needs_index: bool = False) -> subprocess.CompletedProcess[str]:
    """``<python> -m pip <args>``; a failure fails the test, or skips it when the index is unreachable."""
    proc = subprocess.run(
        [str(python), "-m", "pip", *args],
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        check=False,
    )
    output = proc.stdout + proc.stderr
    if proc.returncode != 0 and needs_index and any(error in output for error in NETWORK_ERRORS):
        skip_or_fail(f"the package index is unreachable:\n{output[-2000:]}")
    assert proc.returncode == 0, f"pip {' '.join(args[:2])} failed:\n{output[-4000:]}"
    return proc


def build_wheel(workdir: Path) -> Path:
    """The project's wheel, built by ``pip wheel`` (isolated build: the pyproject's backend) from a copy."""
    source = workdir / "source"
    source.mkdir(parents=True)
    for name in SDIST:
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            shutil.copy2(REPO / name, source / name)
    pip(
        sys.executable,
        "wheel",
        str(source),
        "--no-deps",
        "--wheel-dir",
        str(workdir / "dist"),
        needs_index=True,
    )
    (wheel,) = (workdir / "dist").glob("pulumi_thingspace-*.whl")
    return wheel


def install(venv: Path, wheel: Path, deps: Path) -> str:
    """``pip install '<wheel>[server]'`` into ``venv``, dependencies from ``deps`` (filled from the index
    when it lacks one); return where they came from."""
    python, requirement = venv / "bin" / "python", f"{wheel}[server]"
    offline = ["install", "--no-index", "--find-links", str(deps), requirement]
    if deps.is_dir():
        quick = subprocess.run(
            [str(python), "-m", "pip", *offline], capture_output=True, timeout=PIP_TIMEOUT, check=False
        )
        if quick.returncode == 0:
            return f"dependencies from {deps}"
    pip(python, "download", "--dest", str(deps), requirement, needs_index=True)
    for own in deps.glob("pulumi_thingspace-*"):
        own.unlink()  # the wheel under test is always the one just built
    pip(python, *offline)
    return "dependencies downloaded from the package index"


@contextmanager
def simulator(venv: Path, workdir: Path) -> Iterator[str]:
    """The venv's ``thingspace-simulator`` on a free loopback port (demo fleet); yield its URL once it
    answers."""
    log = workdir / "simulator.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(venv / "bin" / "thingspace-simulator"), "--port", "0", "--log-level", "warning"],
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url, deadline = "", time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            first = log.read_text().partition("\n")[0]
            if first.startswith("thingspace-simulator listening on ") and not url:
                url = first.rsplit(" ", 1)[1]
            if url:
                try:
                    if requests.get(f"{url}/_admin/accounts", timeout=5).ok:
                        break
                except requests.ConnectionError:
                    pass
            time.sleep(0.1)
        else:
            pytest.fail(f"thingspace-simulator did not answer:\n{log.read_text()}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def held(url: str) -> tuple[dict[str, dict[str, str]], set[str]]:
    """The demo account's labels (``{eid: {name: value}}``) and licensed IMEIs, read from the simulator
    once its asynchronous work is done."""
    requests.post(f"{url}/_admin/wait-idle", timeout=30).raise_for_status()
    labels = requests.get(f"{url}/_admin/accounts/{DEMO_ACCOUNT}/labels", timeout=10).json()
    licenses = requests.get(f"{url}/_admin/accounts/{DEMO_ACCOUNT}/licenses", timeout=10).json()
    return labels, set(licenses["devices"])


def program_env(cli: PulumiCli, venv: Path) -> dict[str, str]:
    """PATH with the CLI and the fresh venv and nothing else of the checkout; that venv's Python."""
    outside = [
        p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not Path(p).is_relative_to(REPO)
    ]
    return {
        "PATH": os.pathsep.join([str(cli.bin_dir), str(venv / "bin"), *outside]),
        "PULUMI_PYTHON_CMD": str(venv / "bin" / "python"),
    }


@pytest.mark.timeout(1200)
def test_the_wheel_installed_in_a_fresh_venv_runs_a_program_under_the_real_cli(
    pulumi_cli: PulumiCli, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Everything run from the fresh venv sees it only: no PYTHONPATH, and (program_env) no checkout on PATH.
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        monkeypatch.delenv(name, raising=False)
    started = time.monotonic()
    wheel = build_wheel(tmp_path / "build")
    built = time.monotonic()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    cache = getattr(request.config, "cache", None)
    deps = cache.mkdir(DEPS_CACHE) if cache is not None else tmp_path / "deps"
    source = install(venv, wheel, deps)
    installed = time.monotonic()

    version = subprocess.run(
        [str(venv / "bin" / "thingspace-plugin"), "version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.strip() == wheel.name.split("-")[1]

    project = tmp_path / "wheel-check"
    project.mkdir()
    (project / "__main__.py").write_text(PROGRAM)
    runtime = {"name": "python", "options": {"virtualenv": str(venv)}}
    (project / "Pulumi.yaml").write_text(yaml.safe_dump({"name": "wheel-check", "runtime": runtime}))

    with simulator(venv, tmp_path) as url:
        labels_before, licensed_before = held(url)
        assert not set(IMEIS) & licensed_before
        config = {
            "thingspace:baseUrl": url,
            "thingspace:clientId": DEMO_CLIENT_ID,
            "thingspace:clientSecret": secret(DEMO_CLIENT_SECRET),
            "thingspace:username": DEMO_USERNAME,
            "thingspace:password": secret(DEMO_PASSWORD),
            "accountName": DEMO_ACCOUNT,
            "labelName": LABEL,
            "labels": json.dumps(LABELS),
            "imeis": json.dumps(IMEIS),
        }
        ws = PulumiWorkspace(
            pulumi_cli, project, tmp_path / "pulumi", config, env=program_env(pulumi_cli, venv)
        )
        ws.run("up", "--yes", "--skip-preview")
        outputs = json.loads(ws.run("stack", "output", "--json").stdout)
        assert Path(outputs["providerModule"]).resolve().is_relative_to(venv.resolve())
        assert outputs["labels"] == {f"{eid}/{LABEL}": value for eid, value in LABELS.items()}
        assert outputs["licensedImeis"] == dict.fromkeys(IMEIS, True)
        labels, licensed = held(url)
        assert {eid: labels.get(eid, {}).get(LABEL) for eid in LABELS} == LABELS
        assert licensed == licensed_before | set(IMEIS)

        ws.run("destroy", "--yes", "--skip-preview")
        assert held(url) == (labels_before, licensed_before)
    print(
        f"wheel built in {built - started:.1f} s; installed in {installed - built:.1f} s ({source}); "
        f"whole test {time.monotonic() - started:.1f} s"
    )
