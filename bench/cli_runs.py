"""Real ``pulumi`` CLI commands, timed, with the peak memory of the CLI and of the provider it starts."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pulumi_thingspace.testing.cli import PulumiWorkspace

SAMPLE_SECONDS = 0.05
TICKS = os.sysconf("SC_CLK_TCK")
PROVIDER_MARKS = ("pulumi.dynamic", "pulumi_thingspace.plugin")
"""Command-line words of a provider process: the dynamic provider server, or the ThingSpace plugin."""


@dataclass
class Peaks:
    """Peak resident memory (VmHWM, KiB) seen per role over every sampled command."""

    kib: dict[str, int] = field(default_factory=dict)
    cpu: dict[int, tuple[str, float]] = field(default_factory=dict)
    """Per pid of the last command: its role and the CPU seconds (user + system) last seen."""

    def note(self, role: str, value: int) -> None:
        """Keep the larger of the known and the new peak."""
        self.kib[role] = max(self.kib.get(role, 0), value)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds per role in the last command, as last sampled (up to one interval short)."""
        total: dict[str, float] = {}
        for role, seconds in self.cpu.values():
            total[role] = total.get(role, 0.0) + seconds
        return total

    def mib(self, role: str) -> float:
        """The peak of ``role`` in MiB (0 when never seen)."""
        return self.kib.get(role, 0) / 1024


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        text = _read(stat)
        if text is None:
            continue
        ppid = int(text.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(stat.parent.name))
    return tree


def _descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        kids = tree.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def _hwm(pid: int) -> int:
    for line in (_read(Path(f"/proc/{pid}/status")) or "").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _cpu(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` so far (0 when it is gone)."""
    text = _read(Path(f"/proc/{pid}/stat"))
    if text is None:
        return 0.0
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _role(pid: int, cli_pid: int) -> str:
    if pid == cli_pid:
        return "cli"
    cmdline = (_read(Path(f"/proc/{pid}/cmdline")) or "").replace("\0", " ")
    if any(mark in cmdline for mark in PROVIDER_MARKS):
        return "provider"
    return "language" if "pulumi-language-" in cmdline else "other"


def run_sampled(ws: PulumiWorkspace, peaks: Peaks, *args: str, timeout: float = 1800.0) -> tuple[float, str]:
    """Run ``pulumi <args>``; (wall seconds, output). Raises on a non-zero exit."""
    start = time.perf_counter()
    proc = ws.start(*args)
    peaks.cpu.clear()
    chunks: list[str] = []
    assert proc.stdout is not None
    reader = threading.Thread(target=_drain, args=(proc.stdout, chunks), daemon=True)
    reader.start()
    while proc.poll() is None:
        for pid in [proc.pid, *_descendants(proc.pid)]:
            known = peaks.cpu.get(pid)
            role = _role(pid, proc.pid)
            if known and role == "other":
                role = known[0]  # an exited process (not yet reaped) has no command line left
            peaks.note(role, _hwm(pid))
            peaks.cpu[pid] = (role, max(_cpu(pid), known[1] if known else 0.0))
        if time.perf_counter() - start > timeout:
            proc.kill()
            raise RuntimeError(f"pulumi {' '.join(args)} timed out after {timeout:.0f} s")
        time.sleep(SAMPLE_SECONDS)
    seconds = time.perf_counter() - start
    reader.join()
    output = "".join(chunks)
    if proc.returncode != 0:
        raise RuntimeError(f"pulumi {' '.join(args)} failed ({proc.returncode}):\n{output[-4000:]}")
    return seconds, output


def _drain(stream: IO[str], chunks: list[str]) -> None:
    chunks.append(stream.read())
