"""A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl on a free loopback port.

It uses Debian's (or any) PostgreSQL binaries: ``initdb`` on PATH or under /usr/lib/postgresql/<ver>/bin.
As root it runs the server as the ``postgres`` user, because initdb refuses root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

SUPERUSER = "sink_admin"
PASSWORD = "pg-Secr3t-9vQz"  # shows up in DSNs; tests assert it never leaks


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl, newest version first; None when not installed."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.insert(0, str(Path(on_path).resolve().parent))
    for directory in candidates:
        if (Path(directory) / "initdb").exists() and (Path(directory) / "pg_ctl").exists():
            return Path(directory)
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_user() -> str | None:
    """The account that runs the server: ourselves unless root, then ``postgres`` (or ``nobody``)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


class PostgresServer:
    """One PostgreSQL cluster in a private temporary directory, listening on 127.0.0.1 only.

    ``fsync`` stays on unless ``fast=True`` (tests: durability across a crash of the *machine* is not
    what they check; crashes of the sink are).
    """

    def __init__(self, bindir: Path, *, fast: bool = True) -> None:
        """Create the cluster (initdb); nothing listens until ``start()``."""
        self.bindir = bindir
        self.port = free_port()
        self.user = _server_user()
        self.root = Path(tempfile.mkdtemp(prefix="sink-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._fast = fast
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        self._chown(self.root, pwfile)
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--pwfile", str(pwfile), "-A", "scram-sha-256",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        pwfile.unlink()

    @property
    def _ctl(self) -> list[str]:
        return ["-D", str(self.data), "-w", "-t", "60"]

    def _chown(self, *paths: Path) -> None:
        if self.user is not None:
            for path in paths:
                shutil.chown(path, self.user, self.user)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, timeout=120, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = [
            "-c listen_addresses=127.0.0.1",
            f"-c port={self.port}",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=200",
        ]
        if self._fast:
            options += ["-c fsync=off", "-c full_page_writes=off"]
        self._run("pg_ctl", *self._ctl, "-l", str(self.log), "-o", " ".join(options), "start")

    def stop(self) -> None:
        """Stop the server fast (open sessions are disconnected, committed data stays)."""
        self._run("pg_ctl", *self._ctl, "-m", "fast", "stop")

    def url(self, database: str = "postgres") -> str:
        """The connection URL of ``database``, password included."""
        return f"postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "sink") -> str:
        """A new empty place for a sink's tables; returns its URL.

        It is a schema of its own in the ``postgres`` database, selected through the URL's search_path
        (a millisecond, where CREATE DATABASE takes a third of a second).
        """
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")  # type: ignore[arg-type]
        return f"{self.url()}?options=-csearch_path%3D{name}"

    def destroy(self) -> None:
        """Stop the server if it runs and delete its files."""
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
