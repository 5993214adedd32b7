"""The real ``pulumi`` CLI: find it, and run its commands on a project with local, throwaway state.

:func:`find_pulumi` is the one place that decides which CLI runs, in this order:

1. ``THINGSPACE_PULUMI_CLI``, when set, and nothing else (set but empty: no CLI at all);
2. a ``pulumi`` on ``PATH`` (a user's own install);
3. in a pulumi-thingspace source checkout, the one ``make pulumi`` built into
   ``<checkout>/.tools/pulumi-<version>/bin`` (see :func:`find_checkout`).

Each must be 3.x and not older than the installed ``pulumi`` Python SDK. An installed wheel has no
checkout, so there it is the first two. :class:`PulumiWorkspace` copies a Pulumi project
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

TOOLS_MODULE = Path(".tools", "pulumi", "go.mod")
"""Where, under a checkout's root, the Go module that pins the CLI ``make pulumi`` builds lives."""
COMMAND_TIMEOUT = 600.0
TAIL_LINES = 30
PROGRESS = ("@ ", "Updating (", "Destroying (", "Previewing ", "Outputs:", "Duration:")
"""Line starts of the CLI's progress output, left out of error messages."""
_VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")
_PROJECT_NAME = re.compile(r"^name\s*=\s*[\"']pulumi-thingspace[\"']\s*$", re.MULTILINE)


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


def is_checkout(folder: Path) -> bool:
    """True when ``folder`` is the root of a pulumi-thingspace source checkout: it holds
    ``.tools/pulumi/go.mod`` and a ``pyproject.toml`` whose project is ``pulumi-thingspace``."""
    pyproject = folder / "pyproject.toml"
    if not (folder / TOOLS_MODULE).is_file() or not pyproject.is_file():
        return False
    try:
        return _PROJECT_NAME.search(pyproject.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False


def find_checkout(start: Path | None = None) -> Path | None:
    """The root of the pulumi-thingspace checkout ``start`` (default: the working directory) is in, else
    of the checkout this package is imported from (an editable install); None for neither.

    Each is found by walking up to the first folder :func:`is_checkout` accepts, so an installed wheel
    outside any checkout has none, and a wheel's own location never counts unless it is inside one.
    """
    for origin in (start or Path.cwd(), Path(__file__)):
        here = origin.resolve()
        for folder in (here, *here.parents):
            if is_checkout(folder):
                return folder
    return None


def pinned_version(checkout: Path | None = None) -> str | None:
    """The CLI version ``make pulumi`` builds: the pkg/v3 requirement of the checkout's
    ``.tools/pulumi/go.mod`` (default: :func:`find_checkout`); None outside a checkout."""
    root = checkout or find_checkout()
    if root is None or not (root / TOOLS_MODULE).is_file():
        return None
    for line in (root / TOOLS_MODULE).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "github.com/pulumi/pulumi/pkg/v3":
            return parts[1]
    return None


def minimum_version() -> tuple[int, int, int]:
    """The oldest compatible CLI: the installed Python SDK's release (the CLI is backward compatible)."""
    return parse_version(metadata.version("pulumi")) or (3, 0, 0)


def built_cli_path(checkout: Path | None = None) -> Path | None:
    """Where ``make pulumi`` puts the pinned CLI in the checkout (default: :func:`find_checkout`);
    None outside a checkout."""
    root = checkout or find_checkout()
    version = pinned_version(root) if root else None
    return root / ".tools" / f"pulumi-{version}" / "bin" / "pulumi" if root and version else None


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
    """The ``pulumi`` to run: ``THINGSPACE_PULUMI_CLI`` alone when set, else a compatible one on ``PATH``,
    else the checkout's built one (see the module docstring); raise :class:`PulumiNotFoundError`."""
    minimum = minimum_version()
    checkout = find_checkout()
    seen: list[str] = []
    if CLI_OVERRIDE in os.environ:
        candidates = [Path(os.environ[CLI_OVERRIDE])] if os.environ[CLI_OVERRIDE] else []
    else:
        built = built_cli_path(checkout) if checkout else None
        candidates = [Path(p) for p in (shutil.which("pulumi"), built) if p]
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
    built_note = f"none built in {checkout}" if checkout else "no pulumi-thingspace checkout to build one in"
    raise PulumiNotFoundError(
        f"no Pulumi CLI >= {wanted} on PATH and {built_note}{found}: install the Pulumi CLI, set "
        f"{CLI_OVERRIDE} to one, or run `make pulumi` (needs Go) in a pulumi-thingspace checkout"
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
