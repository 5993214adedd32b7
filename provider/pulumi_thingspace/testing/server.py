"""The SDK's dynamic provider server, started the way the Pulumi engine starts it.

The engine runs ``pulumi-resource-pulumi-python``, a shell shim for ``python -u -m pulumi.dynamic``,
with the project directory as working directory and ``PULUMI_PROJECT`` set. The server prints its
port as the first stdout line and then serves the ``ResourceProvider`` gRPC service on 127.0.0.1.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import grpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from .errors import ProviderServerError
from .values import to_struct

__all__ = ["ProviderServer", "module_root"]

_STDERR_TAIL = 40
# The engine accepts provider messages of up to 400 MB (gRPC's default is 4 MB); large device sets need it.
_CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]


def module_root(obj: Any) -> Path:
    """Return the directory a provider's module is imported from (what must be on the server's path).

    Providers defined in an importable module are pickled *by reference* (module and class name), so
    the server process must import the same dotted module path. ``obj`` is a module, class or instance.
    """
    module = obj if isinstance(obj, types.ModuleType) else sys.modules[getattr(obj, "__module__", "")]
    if module.__file__ is None:
        raise ValueError(f"module {module.__name__!r} has no file")
    root = Path(module.__file__).resolve().parent
    depth = module.__name__.count(".") + (1 if Path(module.__file__).name == "__init__.py" else 0)
    for _ in range(depth):
        root = root.parent
    return root


class ProviderServer:
    """A running ``python -u -m pulumi.dynamic`` process and a gRPC stub connected to it.

    Args:
        cwd: Working directory of the server, i.e. the Pulumi project directory. With ``-m`` it is
            ``sys.path[0]``, so provider modules under it are importable.
        project: Value of ``PULUMI_PROJECT``; ``dynamic.Config`` resolves un-namespaced keys with it.
        python: Interpreter to run; the current one by default.
        env: Extra environment variables (on top of ``os.environ``).
        pythonpath: Directories prepended to ``PYTHONPATH``.
        startup_timeout: Seconds to wait for the port line.

    Attributes:
        stub: ``ResourceProviderStub`` for direct gRPC calls.
        stdout_lines, stderr_lines: Output of the provider process, drained continuously.
    """

    def __init__(
        self,
        cwd: str | os.PathLike[str],
        project: str = "test",
        *,
        python: str | None = None,
        env: Mapping[str, str] | None = None,
        pythonpath: Sequence[str | os.PathLike[str]] = (),
        startup_timeout: float = 30.0,
    ) -> None:
        self.project = project
        self.cwd = Path(cwd)
        self.stdout_lines: list[str] = []
        self.stderr_lines: list[str] = []
        self._configured: dict[str, Any] | None = None
        full_env = {**os.environ, **(env or {}), "PULUMI_PROJECT": project}
        paths = [str(Path(p).resolve()) for p in pythonpath]
        if full_env.get("PYTHONPATH"):
            paths.append(full_env["PYTHONPATH"])
        if paths:
            full_env["PYTHONPATH"] = os.pathsep.join(paths)
        self.process = subprocess.Popen(
            [python or sys.executable, "-u", "-m", "pulumi.dynamic", "127.0.0.1:0"],
            cwd=self.cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        first_line: queue.Queue[str] = queue.Queue(maxsize=1)
        assert self.process.stdout is not None and self.process.stderr is not None
        self._threads = [
            threading.Thread(target=self._drain, args=(self.process.stdout, self.stdout_lines, first_line)),
            threading.Thread(target=self._drain, args=(self.process.stderr, self.stderr_lines, None)),
        ]
        for thread in self._threads:
            thread.daemon = True
            thread.start()
        self.port = self._read_port(first_line, startup_timeout)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=_CHANNEL_OPTIONS)
        try:
            grpc.channel_ready_future(self.channel).result(timeout=startup_timeout)
        except grpc.FutureTimeoutError:
            self.close()
            raise ProviderServerError(
                f"provider server on port {self.port} did not accept connections"
            ) from None
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    @staticmethod
    def _drain(stream: IO[bytes], sink: list[str], first: queue.Queue[str] | None) -> None:
        # The first stdout line is the port; everything else is the provider's own output.
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if first is not None:
                first.put(line)
                first = None
            else:
                sink.append(line)
        if first is not None:
            first.put("")

    def _read_port(self, first_line: queue.Queue[str], timeout: float) -> int:
        try:
            line = first_line.get(timeout=timeout).strip()
        except queue.Empty:
            line = "<no output>"
        if line.isdigit():
            return int(line)
        self._stop()
        self._threads[1].join(timeout=5)
        stderr = "\n".join(self.stderr_lines[-_STDERR_TAIL:]) or "<empty>"
        raise ProviderServerError(
            f"`python -m pulumi.dynamic` (cwd={self.cwd}) did not print a port; first stdout line: "
            f"{line!r}; exit code {self.process.poll()}; stderr:\n{stderr}"
        )

    def configure(self, args: Mapping[str, Any]) -> None:
        """Send ``Configure`` with namespaced stack config (secret values wrapped), once per server.

        The server configures each distinct provider blob once per process and caches the instance,
        so a second, different configuration could not take effect: it raises instead.
        """
        wanted = dict(args)
        if self._configured is not None:
            if self._configured != wanted:
                raise ProviderServerError(
                    "this provider server was already configured with different stack config; providers "
                    "are configured once per process, so start a new ProviderServer"
                )
            return
        request = provider_pb2.ConfigureRequest(
            args=to_struct(wanted), acceptSecrets=True, acceptResources=True
        )
        try:
            self.stub.Configure(request)
        except grpc.RpcError as exc:
            raise ProviderServerError(f"Configure failed: {exc.code().name}: {exc.details()}") from None
        self._configured = wanted

    def stderr_text(self) -> str:
        """The provider process's stderr so far, one line per provider output line."""
        return "\n".join(self.stderr_lines)

    def _stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def close(self) -> None:
        """Close the channel and stop the server process (idempotent)."""
        channel = getattr(self, "channel", None)
        if channel is not None:
            channel.close()
        self._stop()
        for thread in self._threads:
            thread.join(timeout=2)

    def __enter__(self) -> ProviderServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        port = getattr(self, "port", None)
        return f"ProviderServer(project={self.project!r}, cwd={str(self.cwd)!r}, port={port})"
