"""The compact label bundle at fleet size N: real CLI and provider-server path, against a bare string
provider (the floor of Pulumi itself) and the plain ``requests`` script.

Operations, in order, each on one stack: create, no-change up, one-change preview, K-change up
(K = min(5,000, N)), destroy. The bundle and the bare provider get the same text.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi_thingspace as thingspace
from bare_provider import BareLabelText
from baseline import PlainClient
from cli_runs import Peaks, run_sampled
from engine_path import BENCH_DIR, Provider, stack_config, timed, unwrap_pickler
from pulumi_thingspace.client.batching import LABELS_PER_REQUEST
from pulumi_thingspace.models.compact import label_line
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace
from report import Result, ceil_div
from simproc import LABEL_ACCOUNT, SimulatorProcess, api_counts, eids, fleet_seed, peak_memory_kib

PROJECT = BENCH_DIR / "compact_project"
EMPTY_PROJECT = BENCH_DIR / "empty_project"
CHUNK = LABELS_PER_REQUEST
MANY = 5000
KINDS = ("bundle", "bare")
TARGET_N = 100_000  # the stated targets are for this size
OPS = ("create", "no-change up", "one-change preview", "K-change up", "destroy")
REPEATS = {"no-change up": 3, "one-change preview": 3}
"""Operations that change nothing run three times under the CLI; the fastest run counts."""


def label_rows(n: int, changed: int = 0, tag: str = "T") -> list[tuple[str, str, str]]:
    """The bench label set: VIN on every device, the first ``changed`` tagged."""
    return [
        (eid, "VIN", f"{tag}{i:016d}" if i <= changed else f"V{i:016d}") for i, eid in enumerate(eids(n), 1)
    ]


def label_text(n: int, changed: int = 0, tag: str = "T") -> str:
    """The same set as one text (what the CLI project builds)."""
    return "\n".join(label_line(*row) for row in label_rows(n, changed, tag))


class CompactBench:
    """Every compact measurement for one N against one simulator process."""

    def __init__(self, n: int, sim: SimulatorProcess, cli: PulumiCli | None) -> None:
        self.n, self.sim, self.cli = n, sim, cli
        self.k = min(MANY, n)
        self.results: list[Result] = []
        self.seconds: dict[tuple[str, str, str], float] = {}

    def add(self, metric: str, value: float, unit: str, target: str | None = None) -> None:
        """Record one result; a target stated for 100,000 is attached only there."""
        self.results.append(Result(f"compact {metric}", self.n, value, unit, target))

    def bound(self, op: str) -> int:
        """The API's lower bound of label requests for ``op``."""
        return {
            "create": ceil_div(self.n, CHUNK),
            "K-change up": 2 * ceil_div(self.k, CHUNK),
            "destroy": ceil_div(self.n, CHUNK),
        }.get(op, 0)

    def op_name(self, op: str) -> str:
        """``K-change up`` with its K."""
        return op.replace("K", f"{self.k:,}")

    def plain(self) -> None:
        """The plain script: create (set N), the K-change (remove K, set K), destroy (remove N)."""
        client = PlainClient(self.sim.url)
        rows, changed = label_rows(self.n), label_rows(self.n, self.k, "U")
        self.sim.reset()
        self.seconds[("plain", "", "create")] = client.set_labels(LABEL_ACCOUNT, rows)
        self.sim.reset()
        delta = client.remove_labels(LABEL_ACCOUNT, rows[: self.k]) + client.set_labels(
            LABEL_ACCOUNT, changed[: self.k]
        )
        self.seconds[("plain", "", "K-change up")] = delta
        self.sim.reset()
        self.seconds[("plain", "", "destroy")] = client.remove_labels(LABEL_ACCOUNT, changed)
        client.close()
        for op in ("create", "K-change up", "destroy"):
            self.add(f"{self.op_name(op)}: plain requests script", self.seconds[("plain", "", op)], "s")

    def engine_path(self, kind: str) -> None:
        """The five operations through the SDK's provider server (offline harness), one process."""
        with Provider(self.sim.url, pythonpath=[BENCH_DIR]) as provider:
            engine = provider.engine()
            steps: list[tuple[str, Callable[[], object]]] = [
                ("create", lambda: engine.up(_program(kind, label_text(self.n)))),
                ("no-change up", lambda: engine.up(_program(kind, label_text(self.n)))),
                ("one-change preview", lambda: engine.preview(_program(kind, label_text(self.n, 1, "P")))),
                ("K-change up", lambda: engine.up(_program(kind, label_text(self.n, self.k, "U")))),
                ("destroy", engine.destroy),
            ]
            for op, action in steps:
                self.sim.reset()
                provider.stub.reset()
                seconds = timed(action)
                self.seconds[(kind, "engine", op)] = seconds
                self.add(f"{self.op_name(op)}: provider server, {kind}", seconds, "s")
                if op in ("create", "one-change preview"):
                    rpcs = ("Check", "Create") if op == "create" else ("Check", "Diff")
                    self.seconds[(kind, "rpc", op)] = provider.stub.total(*rpcs)
                    self.add(
                        f"{self.op_name(op)}: {'+'.join(rpcs)} RPCs, {kind}", provider.stub.total(*rpcs), "s"
                    )
                if kind == "bundle":
                    self.requests(op)
            rss = peak_memory_kib(provider.pid) / 1024
            target = "<= 250" if kind == "bundle" and self.n == TARGET_N else None
            self.add(f"provider peak RSS (provider server), {kind}", rss, "MiB", target)

    def requests(self, op: str) -> None:
        """API requests of the last operation against the lower bound."""
        sent = sum(api_counts(self.sim.counts()).values())
        self.add(f"{self.op_name(op)}: requests", sent, "requests", f"= {self.bound(op)}")

    def cli_floor(self, tmp: Path) -> None:
        """``pulumi up --yes`` of a program with no resources: what every ``up`` costs before a provider runs.

        No provider can create faster under the CLI than this floor plus the API's own time (the plain
        script), so ``floor + script`` over ``script`` is the lowest create ratio any provider reaches.
        """
        assert self.cli is not None
        ws = PulumiWorkspace(self.cli, EMPTY_PROJECT, tmp / "empty")
        seconds = min(run_sampled(ws, Peaks(), "up", "--yes")[0] for _ in range(REPEATS["no-change up"]))
        self.seconds[("empty", "cli", "create")] = seconds
        self.add("CLI floor: up of a program with no resources", seconds, "s")

    def real_cli(self, tmp: Path) -> None:
        """The five operations under the real ``pulumi`` CLI, the bundle and the bare provider in turn.

        Each operation runs on both stacks before the next one starts, alternating which goes first,
        so that a busy machine slows both alike; the peaks of the CLI and provider processes are kept.
        """
        assert self.cli is not None
        spaces, peaks = {}, {kind: Peaks() for kind in KINDS}
        for kind in KINDS:
            config: dict[str, Any] = {
                **stack_config(self.sim.url),
                "kind": kind,
                "count": str(self.n),
                "accountName": LABEL_ACCOUNT,
            }
            env = {"PYTHONPATH": str(BENCH_DIR)}
            spaces[kind] = PulumiWorkspace(self.cli, PROJECT, tmp / kind, config=config, env=env)
        steps: list[tuple[str, dict[str, str], tuple[str, ...]]] = [
            ("create", {}, ("up", "--yes")),
            ("no-change up", {}, ("up", "--yes")),
            ("one-change preview", {"changed": "1", "tag": "P"}, ("preview", "--diff")),
            ("K-change up", {"changed": str(self.k), "tag": "U"}, ("up", "--yes")),
            ("destroy", {}, ("destroy", "--yes")),
        ]
        for op, settings, args in steps:
            if op == "destroy":
                for kind, ws in spaces.items():
                    size = len(ws.run("stack", "export").stdout.encode()) / 1024
                    self.add(f"state size (pulumi stack export), {kind}", size, "KiB")
            times: dict[str, list[float]] = {kind: [] for kind in KINDS}
            for rep in range(REPEATS.get(op, 1)):  # a preview and a no-change up leave the stack as it was
                for kind in KINDS if rep % 2 == 0 else KINDS[::-1]:
                    for key, value in settings.items():
                        spaces[kind].set_config(key, value)
                    self.sim.reset()
                    times[kind].append(run_sampled(spaces[kind], peaks[kind], *args)[0])
                    if kind == "bundle" and rep == 0:
                        self.requests(op)
            for kind in KINDS:
                self.seconds[(kind, "cli", op)] = min(times[kind])
                self.add(f"{self.op_name(op)}: real CLI, {kind}", min(times[kind]), "s")
        for kind in KINDS:
            target = "<= 250" if kind == "bundle" and self.n == TARGET_N else None
            self.add(f"provider peak RSS (real CLI), {kind}", peaks[kind].mib("provider"), "MiB", target)
            self.add(f"CLI peak RSS (real CLI), {kind}", peaks[kind].mib("cli"), "MiB")

    def ratios(self) -> None:
        """Bundle against the bare string provider and against the plain script."""
        at_target = self.n == TARGET_N
        for path in ("engine", "cli") if self.cli else ("engine",):
            where = "real CLI" if path == "cli" else "provider server"
            for op in OPS:
                bundle, bare = self.seconds.get(("bundle", path, op)), self.seconds.get(("bare", path, op))
                if bundle and bare:
                    target = "<= 1.5" if at_target and op in ("no-change up", "one-change preview") else None
                    self.add(f"{self.op_name(op)}: bundle / bare ({where})", bundle / bare, "ratio", target)
            create = self.seconds.get(("bundle", path, "create"))
            if create:
                target = "<= 1.3" if at_target else None
                self.add(
                    f"create: bundle / plain script ({where})", create / self.plain_create, "ratio", target
                )
        floor = self.seconds.get(("empty", "cli", "create"))
        if floor:
            lowest = (floor + self.plain_create) / self.plain_create
            self.add("create: (CLI floor + plain script) / plain script (real CLI)", lowest, "ratio")
        rpcs = self.seconds[("bundle", "rpc", "create")]
        target = "<= 1.3" if at_target else None
        self.add("create: bundle Check+Create RPCs / plain script", rpcs / self.plain_create, "ratio", target)

    @property
    def plain_create(self) -> float:
        """Seconds the plain script takes to create the set."""
        return self.seconds[("plain", "", "create")]


def _program(kind: str, text: str) -> Callable[[], None]:
    def program() -> None:
        if kind == "bare":
            BareLabelText("fleet", LABEL_ACCOUNT, text)
            unwrap_pickler()  # plain pulumi.dynamic resources need the SDK workaround the package applies
        else:
            thingspace.UsageSegmentationLabelBundle("fleet", account_name=LABEL_ACCOUNT, labels=text)

    return program


def run_compact(n: int, cli: PulumiCli | None) -> list[Result]:
    """Every compact benchmark for N on a fresh simulator (the real-CLI part only with a CLI)."""
    with SimulatorProcess(fleet_seed(n)) as sim:
        bench = CompactBench(n, sim, cli)
        bench.plain()
        for kind in KINDS:
            bench.engine_path(kind)
        if cli is not None:
            with tempfile.TemporaryDirectory(prefix="ts-bench-cli-") as tmp:
                bench.cli_floor(Path(tmp))
                bench.real_cli(Path(tmp))
        bench.ratios()
        return bench.results
