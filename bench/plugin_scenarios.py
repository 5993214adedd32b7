"""The provider plugin's per-device form at fleet size N, under the real CLI.

A Pulumi YAML program (runtime ``yaml``, in ``Main.yaml``) declares one
``thingspace:index:UsageSegmentationLabels`` with label VIN on each of N synthetic devices, as
``[{deviceId, name, value}, ...]``; the engine starts the plugin (``python -m pulumi_thingspace.plugin``)
installed with ``PulumiWorkspace.install_plugin()``.
Operations, in order, on one stack: create (``up``), no-change ``up``, one-change ``preview --diff``
(label 1's value changed), ``destroy``; each timed, with the API requests it sent and the peak RSS of
the plugin process and of the CLI.

The plugin is compared with the compact label bundle (no-change ``up``, one-change preview) and with the
bare dynamic provider (create) of ``compact_scenarios``: figures of the same run when there are any,
else those already in ``results.json``; or both measured here beside the plugin, alternating per
operation (``references=True``).

Run on its own to see where the time goes (nothing is written to ``results.json``)::

    python bench/plugin_scenarios.py --profile /tmp/plugin-profile --size 100000

The four operations then run twice with ``bench/plugin_profile`` on the plugin's ``PYTHONPATH``, whose
``sitecustomize`` times each RPC by phase, and in the second run profiles it with cProfile (see that
module), and the CLI with ``--profiling`` in the first run (its CPU profile read with ``go tool pprof``);
a summary per operation is printed.
"""

from __future__ import annotations

import argparse
import io
import json
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cli_runs import Peaks, run_sampled
from engine_path import BENCH_DIR, stack_config
from pulumi_thingspace.client.batching import LABELS_PER_REQUEST
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace, find_pulumi
from report import Result, ceil_div
from simproc import LABEL_ACCOUNT, SimulatorProcess, api_counts, eids, fleet_seed

COMPACT_PROJECT = BENCH_DIR / "compact_project"
TMP_PREFIX = "ts-bench-plugin-"
PROFILE_HOOK = BENCH_DIR / "plugin_profile"
PROFILE_ENV = "THINGSPACE_BENCH_PLUGIN_PROFILE"
"""Set to a directory (bench code only): the plugin process writes its phase timings there."""
CPROFILE_ENV = "THINGSPACE_BENCH_PLUGIN_CPROFILE"
"""Set to ``1`` besides PROFILE_ENV: the plugin process also writes cProfile files per RPC."""
FIX_ENV = "THINGSPACE_BENCH_PLUGIN_FIX"
"""Set to ``1`` besides PROFILE_ENV: the plugin runs with the hook's faster ``values.py`` conversions."""
TARGET_N = 100_000  # the no-change up and preview targets are stated for this size
OPS = ("create", "no-change up", "one-change preview", "destroy")
REPEATS = {"no-change up": 3, "one-change preview": 3}
"""Operations that change nothing run three times; the fastest run counts (as in compact_scenarios)."""
CHANGED_VALUE = "P0000000000000001"
"""Label 1's value in the one-change preview (the compact bench's ``changed=1, tag=P`` gives the same)."""
REFERENCES = {"no-change up": "bundle", "one-change preview": "bundle", "create": "bare"}
"""The form each plugin figure is compared with."""
BOUNDS = {"no-change up": 1.5, "one-change preview": 1.5, "create": 1.2}
"""The target for plugin / that form: create at every N, the others at TARGET_N."""


def value(i: int) -> str:
    """Label VIN's value on device ``i`` (1-based), as the compact bench's ``label_text`` has it."""
    return f"V{i:016d}"


PROJECT_FILE = """\
name: bench-plugin
runtime: yaml
description: One UsageSegmentationLabels of N devices through the provider plugin (program in Main.yaml)
config:
  accountName:
    type: string
  firstValue:
    type: string
    default: {first}
"""


def yaml_program(n: int) -> str:
    """``Main.yaml`` declaring one label set of ``n`` labels; label 1's value is config ``firstValue``."""
    head = [
        "resources:",
        "  fleet:",
        "    type: thingspace:index:UsageSegmentationLabels",
        "    properties:",
        "      accountName: ${accountName}",
        "      labels:",
    ]
    rows = [
        f'        - {{deviceId: "{eid}", name: VIN, value: "{"${firstValue}" if i == 1 else value(i)}"}}'
        for i, eid in enumerate(eids(n), 1)
    ]
    return "\n".join(head + rows) + "\n"


def write_project(n: int, where: Path) -> Path:
    """The YAML project directory for ``n`` labels under ``where``.

    The program is in ``Main.yaml`` beside a small ``Pulumi.yaml`` (the YAML host reads ``Main.yaml``
    first): the CLI loads ``Pulumi.yaml`` in every command. With the 100,000 labels in ``Pulumi.yaml``,
    ``pulumi config get`` took 25 s and ``config set`` 31 s (0.2 s each beside ``Main.yaml``), and
    ``pulumi up`` spent over 50 s before it started the program.
    """
    project = where / "plugin_project"
    project.mkdir(parents=True, exist_ok=True)
    (project / "Pulumi.yaml").write_text(PROJECT_FILE.format(first=value(1)), encoding="utf-8")
    (project / "Main.yaml").write_text(yaml_program(n), encoding="utf-8")
    return project


def label(kind: str) -> str:
    """How a form is named in a metric: the bundle and the bare provider measured here say so."""
    return kind if kind == "plugin" else f"{kind} (this run)"


def changed_keys(preview: str) -> list[str]:
    """Label keys a ``preview --diff`` shows as changed (``~ <eid>/<name>: old => new``)."""
    return re.findall(r"^\s*~ (\d+/\w+): .* => .*$", preview, flags=re.MULTILINE)


@dataclass
class Stack:
    """One form's stack under the real CLI, and the settings that make its one-change preview."""

    kind: str
    ws: PulumiWorkspace
    preview_settings: dict[str, str]
    peaks: Peaks = field(default_factory=Peaks)


def reference_records(path: Path) -> dict[tuple[str, int], float]:
    """``(metric, n) -> value`` of the records already in ``path`` (empty when there is none)."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {(r["metric"], int(r["n"])): float(r["value"]) for r in records if isinstance(r, dict)}


def compact_metric(op: str, kind: str) -> str:
    """The compact bench's metric for ``op`` under the real CLI of ``kind`` (bundle or bare)."""
    return f"compact {op}: real CLI, {kind}"


class PluginBench:
    """Every plugin measurement for one N against one simulator process."""

    def __init__(
        self,
        n: int,
        sim: SimulatorProcess,
        cli: PulumiCli,
        env: Mapping[str, str] | None = None,
        repeats: Mapping[str, int] = REPEATS,
        cli_args: Sequence[str] = (),
    ) -> None:
        self.n, self.sim, self.cli = n, sim, cli
        self.env = dict(env or {})
        self.repeats = repeats
        self.cli_args = tuple(cli_args)
        self.results: list[Result] = []
        self.seconds: dict[tuple[str, str], float] = {}
        self.outputs: dict[tuple[str, str], str] = {}
        self.spans: dict[tuple[str, str], tuple[float, float]] = {}
        """(kind, op) -> wall-clock start and end (epoch seconds) of its first run."""

    def add(self, metric: str, value: float, unit: str, target: str | None = None) -> None:
        """Record one result."""
        self.results.append(Result(f"plugin {metric}", self.n, value, unit, target))

    def bound(self, op: str) -> int:
        """The API's lower bound of label requests for ``op``: ceil(N / labels per request) to set or
        remove the set, nothing when nothing changes."""
        return ceil_div(self.n, LABELS_PER_REQUEST) if op in ("create", "destroy") else 0

    def stacks(self, tmp: Path, references: bool) -> list[Stack]:
        """The plugin's stack (plugin installed), and the bundle's and bare provider's when measured here."""
        config: dict[str, Any] = {**stack_config(self.sim.url), "accountName": LABEL_ACCOUNT}
        project = write_project(self.n, tmp)
        plugin_ws = PulumiWorkspace(self.cli, project, tmp / "plugin", config, env=self.env)
        plugin_ws.install_plugin()
        stacks = [Stack("plugin", plugin_ws, {"firstValue": CHANGED_VALUE})]
        for kind in ("bundle", "bare") if references else ():
            settings = {**config, "kind": kind, "count": str(self.n)}
            env = {"PYTHONPATH": str(BENCH_DIR)}
            ws = PulumiWorkspace(self.cli, COMPACT_PROJECT, tmp / kind, config=settings, env=env)
            stacks.append(Stack(kind, ws, {"changed": "1", "tag": "P"}))
        return stacks

    def run(self, tmp: Path, references: bool = False, after: Callable[[str], None] | None = None) -> None:
        """The four operations, each on every stack before the next starts, alternating which goes first;
        ``after(op)`` is called once each operation ran."""
        stacks = self.stacks(tmp, references)
        for op in OPS:
            if op == "destroy":
                size = len(stacks[0].ws.run("stack", "export").stdout.encode()) / 1024
                self.add("state size (pulumi stack export)", size, "KiB")
            args = {"create": ("up", "--yes"), "destroy": ("destroy", "--yes")}.get(op, ())
            args = args or (("preview", "--diff") if op == "one-change preview" else ("up", "--yes"))
            times: dict[str, list[float]] = {s.kind: [] for s in stacks}
            used: dict[str, dict[str, float]] = {}
            for rep in range(self.repeats.get(op, 1)):
                for stack in stacks if rep % 2 == 0 else stacks[::-1]:
                    if op == "one-change preview" and rep == 0:
                        for key, setting in stack.preview_settings.items():
                            stack.ws.set_config(key, setting)
                    self.sim.reset()
                    began = time.time()
                    seconds, output = run_sampled(stack.ws, stack.peaks, *args, *self.cli_args)
                    self.spans.setdefault((stack.kind, op), (began, time.time()))
                    times[stack.kind].append(seconds)
                    if rep == 0:
                        used[stack.kind] = stack.peaks.cpu_seconds()
                        self.outputs[(stack.kind, op)] = output
                        if stack.kind == "plugin":
                            sent = sum(api_counts(self.sim.counts()).values())
                            self.add(f"{op}: requests", sent, "requests", f"= {self.bound(op)}")
            for kind, runs in times.items():
                self.seconds[(kind, op)] = min(runs)
                self.add(f"{op}: real CLI, {label(kind)}", min(runs), "s")
                for role in ("cli", "provider", "language"):
                    self.add(f"{op}: {role} CPU (real CLI), {label(kind)}", used[kind].get(role, 0.0), "s")
            if after is not None:
                after(op)
        self.check_preview()
        for stack in stacks:
            self.add(f"provider peak RSS (real CLI), {label(stack.kind)}", stack.peaks.mib("provider"), "MiB")
            self.add(f"CLI peak RSS (real CLI), {label(stack.kind)}", stack.peaks.mib("cli"), "MiB")

    def check_preview(self) -> None:
        """The one-change preview must show label 1 and nothing else, or its time measures something else."""
        keys = changed_keys(self.outputs[("plugin", "one-change preview")])
        if keys != [f"{eids(1)[0]}/VIN"]:
            raise RuntimeError(f"the plugin's one-change preview showed {keys[:5]} ({len(keys)} keys)")

    def ratios(self, known: Mapping[tuple[str, int], float]) -> None:
        """The plugin against the bundle and the bare provider: this run's figures first, else ``known``."""
        for op, kind in REFERENCES.items():
            mine = self.seconds[("plugin", op)]
            theirs, source = self.seconds.get((kind, op)), "this run"
            if theirs is None:
                theirs, source = known.get((compact_metric(op, kind), self.n)), "results.json"
            if not theirs:
                continue
            at_target = op == "create" or self.n == TARGET_N
            target = f"<= {BOUNDS[op]}" if at_target else None
            metric = f"{op}: plugin / {kind} (real CLI, {kind} from {source})"
            self.add(metric, mine / theirs, "ratio", target)


def run_plugin(
    n: int,
    cli: PulumiCli,
    known: Mapping[tuple[str, int], float],
    references: bool = False,
    env: Mapping[str, str] | None = None,
) -> list[Result]:
    """Every plugin benchmark for N on a fresh simulator.

    ``known`` maps ``(metric, n)`` to figures measured before (this run's compact suite or
    ``results.json``); with ``references`` the bundle and the bare provider run here beside the plugin.
    """
    wanted = [(compact_metric(op, kind), n) for op, kind in REFERENCES.items()]
    references = references or any(key not in known for key in wanted)
    with SimulatorProcess(fleet_seed(n)) as sim, tempfile.TemporaryDirectory(prefix=TMP_PREFIX) as tmp:
        bench = PluginBench(n, sim, cli, env)
        bench.run(Path(tmp), references)
        bench.ratios(known)
        return bench.results


PHASES = ("unmarshal", "names.inputs", "lifecycle", "detailed_diff", "names.outputs", "marshal")


def timeline(entries: list[dict[str, Any]], span: tuple[float, float]) -> str:
    """When, within the command's ``span``, each plugin process started and served each RPC (seconds
    from the command's start); the time between is the CLI's, the language host's or start-up."""
    began, ended = span
    out = [f"  {0:7.2f}  command started"]
    for e in entries:
        at = e["at"] - began
        if e["phase"] == "interpreter started":
            out.append(f"  {at - e['seconds']:7.2f}  plugin {e['pid']} process started")
        elif e["phase"] == "plugin modules imported":
            out.append(f"  {at:7.2f}  plugin {e['pid']} modules imported ({e['seconds']:.2f} s)")
        elif e["phase"] == "rpc" and e["seconds"] >= 0.05:
            out.append(f"  {at - e['seconds']:7.2f}  plugin {e['pid']} {e['rpc']} until {at:.2f}")
    out.append(f"  {ended - began:7.2f}  command ended")
    return "\n".join(sorted(out, key=lambda line: float(line.split()[0])))


def summarise(folder: Path, span: tuple[float, float] | None = None, top: int = 15) -> str:
    """The hook's timings of one operation (``folder/timings.jsonl``) per RPC and phase, its timeline
    when ``span`` is given, then the functions with the most own time in its cProfile files, if any."""
    rows: dict[str, dict[str, float]] = {}
    lines = (folder / "timings.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    for entry in entries:
        row = rows.setdefault(entry["rpc"], {})
        row[entry["phase"]] = row.get(entry["phase"], 0.0) + entry["seconds"]
        if entry["phase"] == "rpc":
            row["calls"] = row.get("calls", 0) + 1
    head = ("rpc", "calls", "KiB in", "total s", *PHASES, "rest")
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rpc, row in rows.items():
        if "rpc" not in row:
            continue  # start-up entries
        rest = row.get("rpc", 0.0) - sum(row.get(p, 0.0) for p in PHASES)
        cells = [rpc, f"{row.get('calls', 0):.0f}", f"{row.get('request bytes', 0) / 1024:,.0f}"]
        cells += [f"{row.get(p, 0.0):.3f}" for p in ("rpc", *PHASES)] + [f"{rest:.3f}"]
        out.append("| " + " | ".join(cells) + " |")
    if span is not None:
        out.append("\nTimeline (RPCs of 0.05 s or more):\n")
        out.append(timeline(entries, span))
    profiles = sorted(folder.glob("*.prof"))
    if profiles:
        text = io.StringIO()
        stats = pstats.Stats(*map(str, profiles), stream=text)
        stats.sort_stats("tottime").print_stats(top)
        out.append("\n   ncalls" + text.getvalue().split("ncalls", 1)[-1])  # past the list of files
    return "\n".join(out)


def go_profile(binary: Path, cpu: Path, top: int = 30) -> str:
    """``go tool pprof -top -cum`` of a CLI CPU profile (or why not)."""
    go = shutil.which("go") or "/usr/local/go/bin/go"
    command = [go, "tool", "pprof", "-top", "-cum", f"-nodecount={top}", str(binary), str(cpu)]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except OSError as exc:
        return f"(no go tool pprof: {exc})"
    return proc.stdout if proc.returncode == 0 else f"(go tool pprof failed: {proc.stderr[-500:]})"


def profile(n: int, out: Path, cprofile_pass: bool = True, fix: bool = False) -> None:
    """Run the four operations once with the plugin timed (and once more profiled) into ``out``; print
    each operation's time, its CPU per process and the plugin's time per RPC and phase. ``fix``: with the
    faster ``values.py`` conversions of the hook (``THINGSPACE_BENCH_PLUGIN_FIX``)."""
    for cprofile in (False, True) if cprofile_pass else (False,):
        where = out / ("cprofile" if cprofile else "timings")
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
        env = {PROFILE_ENV: str(where), CPROFILE_ENV: "1" if cprofile else "", FIX_ENV: "1" if fix else ""}
        env["PYTHONPATH"] = str(PROFILE_HOOK)

        def collect(op: str, where: Path = where) -> None:
            folder = where / op.replace(" ", "-")
            folder.mkdir()
            for path in [*where.glob("*.prof"), *where.glob("cli.*"), where / "timings.jsonl"]:
                if path.suffix == ".trace":
                    path.unlink()  # the CLI's execution trace: large, and not read here
                elif path.exists():
                    path.rename(folder / path.name)

        with (
            SimulatorProcess(fleet_seed(n)) as sim,
            tempfile.TemporaryDirectory(prefix=TMP_PREFIX) as tmp,
        ):
            cli = find_pulumi()
            cli_args = () if cprofile else ("--profiling", str(where / "cli"))
            bench = PluginBench(n, sim, cli, env, repeats={}, cli_args=cli_args)
            bench.run(Path(tmp), after=collect)
        print(f"\n## N = {n:,}, plugin {'profiled with cProfile' if cprofile else 'timed by phase'}\n")
        for r in bench.results:
            print(f"{r.metric}: {r.value:,.3f} {r.unit}")
        for op in OPS:
            print(f"\n### {op}\n")
            print(summarise(where / op.replace(" ", "-"), bench.spans.get(("plugin", op))))
            for cpu in sorted((where / op.replace(" ", "-")).glob("cli.*.cpu")):
                print(f"\nCLI CPU profile {cpu.name} (pulumi --profiling), by cumulative time:\n")
                print(go_profile(cli.path, cpu))


def main(argv: Sequence[str] | None = None) -> int:
    """``--profile DIR [--size N]``: profiled runs of the plugin (results.json is not touched)."""
    parser = argparse.ArgumentParser(description="Profile the plugin's per-device form under the real CLI")
    parser.add_argument("--profile", type=Path, required=True, help="directory for timings and profiles")
    parser.add_argument("--size", type=int, default=TARGET_N, help="labels N (default 100000)")
    parser.add_argument("--no-cprofile", action="store_true", help="the timed run only, no cProfile run")
    parser.add_argument("--fix", action="store_true", help="with the hook's faster values.py conversions")
    args = parser.parse_args(argv)
    profile(args.size, args.profile, not args.no_cprofile, args.fix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
