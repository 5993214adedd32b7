"""The real ``pulumi`` CLI: find it, and run its commands on a project with local, throwaway state.

:func:`find_pulumi` is the one place that decides which CLI runs: a ``pulumi`` on ``PATH`` at a
compatible version (a user's own install) first, else the one ``make pulumi`` built into
``.tools/pulumi-<version>/bin`` of this repository. :class:`PulumiWorkspace` copies a Pulumi project
into a temporary directory and runs ``pulumi`` there with a ``file://`` backend, a private
``PULUMI_HOME`` and a random passphrase, so no Pulumi account is needed and nothing outside that
directory is written::

    cli = find_pulumi()
    with PulumiWorkspace(cli, "examples/quickstart", tmp_path, config={...}) as ws:
        print(ws.run("preview", "--diff").stdout)
        ws.run("up", "--yes")
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any

from .values import Secret

REPO = Path(__file__).resolve().parents[3]
TOOLS_MODULE = REPO / ".tools" / "pulumi" / "go.mod"
COMMAND_TIMEOUT = 600.0
TAIL_LINES = 30
PROGRESS = ("@ ", "Updating (", "Destroying (", "Previewing ", "Outputs:", "Duration:")
"""Line starts of the CLI's progress output, left out of error messages."""
_VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")


class PulumiNotFoundError(RuntimeError):
    """No compatible ``pulumi`` CLI is on PATH or built; the message says how to get one."""


@dataclass(frozen=True)
class PulumiCli:
    """A ``pulumi`` executable, its version and the folder its plugins are found in."""

    path: Path
    version: str

    @property
    def bin_dir(self) -> Path:
        """The folder that holds ``pulumi`` and, for a built CLI, the language host and plugin scripts."""
        return self.path.parent


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``v3.276.0`` (or ``3.276.0-dev``) as a tuple; None when it is not a version."""
    match = _VERSION.search(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def pinned_version() -> str | None:
    """The CLI version ``make pulumi`` builds: the pkg/v3 requirement of ``.tools/pulumi/go.mod``."""
    if not TOOLS_MODULE.is_file():
        return None
    for line in TOOLS_MODULE.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "github.com/pulumi/pulumi/pkg/v3":
            return parts[1]
    return None


def minimum_version() -> tuple[int, int, int]:
    """The oldest compatible CLI: the installed Python SDK's release (the CLI is backward compatible)."""
    return parse_version(metadata.version("pulumi")) or (3, 0, 0)


def built_cli_path() -> Path | None:
    """Where ``make pulumi`` puts the pinned CLI, when this is a source checkout."""
    version = pinned_version()
    return REPO / ".tools" / f"pulumi-{version}" / "bin" / "pulumi" if version else None


def cli_version(path: Path | str) -> str | None:
    """What ``pulumi version`` prints, or None when it cannot be run."""
    try:
        proc = subprocess.run([str(path), "version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


CLI_OVERRIDE = "THINGSPACE_PULUMI_CLI"
"""Environment variable naming the one ``pulumi`` to use (empty: none, which forces the harness)."""


def find_pulumi() -> PulumiCli:
    """A compatible ``pulumi`` on PATH, else the built one; raise :class:`PulumiNotFoundError`.

    ``THINGSPACE_PULUMI_CLI``, when set, is the only candidate.
    """
    minimum = minimum_version()
    seen: list[str] = []
    if CLI_OVERRIDE in os.environ:
        candidates = [Path(os.environ[CLI_OVERRIDE])] if os.environ[CLI_OVERRIDE] else []
    else:
        candidates = [Path(p) for p in (shutil.which("pulumi"), built_cli_path()) if p]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        version = cli_version(candidate)
        parsed = parse_version(version or "")
        if parsed and parsed[0] == 3 and parsed >= minimum:
            return PulumiCli(candidate.resolve(), version or "")
        seen.append(f"{candidate} ({version or 'does not run'})")
    wanted = ".".join(map(str, minimum))
    found = f"; found {', '.join(seen)}" if seen else ""
    raise PulumiNotFoundError(
        f"no Pulumi CLI >= {wanted} on PATH and none built{found}: run `make pulumi` (needs Go) "
        "or install the Pulumi CLI"
    )


def pulumi_env(cli: PulumiCli, workdir: Path) -> dict[str, str]:
    """The environment for every command: file backend, private home, random passphrase, this Python."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "THINGSPACE_"))}
    (workdir / "state").mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "PULUMI_BACKEND_URL": (workdir / "state").as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": secrets.token_urlsafe(24),
            "PULUMI_HOME": str(workdir / "pulumi-home"),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            # The language host and the dynamic provider script both start this interpreter.
            "PULUMI_PYTHON_CMD": sys.executable,
            "PATH": os.pathsep.join(
                [str(cli.bin_dir), str(Path(sys.executable).parent), env.get("PATH", "")]
            ),
        }
    )
    return env


class PulumiWorkspace:
    """A copy of a Pulumi project with its own stack, run through the real CLI."""

    def __init__(
        self,
        cli: PulumiCli,
        project_dir: Path | str,
        workdir: Path,
        config: Mapping[str, Any] | None = None,
        stack: str = "dev",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.cli = cli
        self.stack = stack
        self.dir = workdir / Path(project_dir).name
        # A copy keeps stack files and caches out of the project directory.
        shutil.copytree(
            project_dir,
            self.dir,
            ignore=shutil.ignore_patterns("Pulumi.*.yaml", "venv", ".venv", "__pycache__"),
        )
        self.env = pulumi_env(cli, workdir)
        self.env.update(env or {})
        self.run("stack", "init", stack)
        for key, value in (config or {}).items():
            self.set_config(key, value)

    def command(self, *args: str) -> list[str]:
        """The argument vector of ``pulumi <args>`` (on the selected stack), never interactive, uncoloured."""
        return [str(self.cli.path), *args, "--non-interactive", "--color", "never"]

    def run(
        self, *args: str, check: bool = True, stdin: str = "", timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi <args>``; raise :class:`PulumiCommandError` on a non-zero exit when ``check``."""
        proc = subprocess.run(
            self.command(*args),
            cwd=self.dir,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise PulumiCommandError(args, proc)
        return proc

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start ``pulumi <args>`` without waiting (for interrupting it); output goes to pipes."""
        return subprocess.Popen(
            self.command(*args),
            cwd=self.dir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def set_config(self, key: str, value: Any) -> None:
        """``pulumi config set`` (``--secret`` for :class:`Secret` values); the value goes through stdin."""
        text = str(value.value if isinstance(value, Secret) else value)
        flag = "--secret" if isinstance(value, Secret) else "--plaintext"
        self.run("config", "set", key, flag, stdin=text)

    def install_plugin(self) -> None:
        """Install the ThingSpace provider plugin of this Python into the workspace's private home, as a
        user would: ``pulumi plugin install resource thingspace <version> --file <archive>``."""
        from ..plugin.install import version, write_archive

        archive = write_archive(self.dir.parent / "thingspace-plugin.tar.gz")
        self.run("plugin", "install", "resource", "thingspace", version(), "--file", str(archive))

    def close(self) -> None:
        """Nothing to stop: every command has finished; the caller removes the work directory."""

    def __enter__(self) -> PulumiWorkspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class PulumiCommandError(RuntimeError):
    """A ``pulumi`` command exited non-zero; the message carries the tail of its output."""

    def __init__(self, args: Sequence[str], proc: subprocess.CompletedProcess[str]) -> None:
        self.args_run = list(args)
        self.proc = proc
        lines = [
            line for line in (proc.stdout + proc.stderr).strip().splitlines() if not line.startswith(PROGRESS)
        ]
        tail = "\n".join("  " + line for line in lines[-TAIL_LINES:])
        super().__init__(f"`pulumi {' '.join(args[:2])}` failed (exit {proc.returncode}):\n{tail}")


def interrupt(proc: subprocess.Popen[str], grace: float = 120.0) -> str:
    """Send SIGINT as Ctrl-C would, wait for the CLI to stop, and return everything it printed."""
    proc.send_signal(signal.SIGINT)
    deadline = time.monotonic() + grace
    try:
        out, _ = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    return out
