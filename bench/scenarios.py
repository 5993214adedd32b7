"""Benchmarks for one fleet size N: request counts, delta updates, create-time ratio, preview, memory."""

from __future__ import annotations

import io
import statistics
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr

import pulumi_thingspace as thingspace
from baseline import PlainClient
from engine_path import Provider, direct_label_provider, timed
from pulumi_thingspace.client.batching import DEFAULT_LICENSE_CHUNK, DEVICES_PER_DELETE, LABELS_PER_REQUEST
from pulumi_thingspace.testing import Engine
from report import Result, ceil_div
from simproc import (
    AUTH_ENDPOINTS,
    LABEL_ACCOUNT,
    RETIRE_ACCOUNT,
    SimulatorProcess,
    api_counts,
    eids,
    fleet_seed,
    imeis,
    peak_memory_kib,
    retire_iccids,
)

LABEL_CHUNK = LABELS_PER_REQUEST
DELETE_CHUNK = DEVICES_PER_DELETE
LIST_PAGE = 2000
DELTAS = (1, 100, 5000)
DEVICES_DELETE = "POST /api/m2m/v1/devices/actions/delete"
DEVICES_LIST = "POST /api/m2m/v1/devices/actions/list"


def label_program(eid_list: list[str], values: list[str]) -> Callable[[], None]:
    """A program declaring one UsageSegmentationLabels resource with label VIN on every device."""
    labels = [{"device_id": e, "name": "VIN", "value": v} for e, v in zip(eid_list, values, strict=True)]

    def program() -> None:
        thingspace.UsageSegmentationLabels("fleet", account_name=LABEL_ACCOUNT, labels=list(labels))

    return program


class SizeBench:
    """Every per-N measurement, run in order against one simulator and one provider process."""

    def __init__(self, n: int, sim: SimulatorProcess, provider: Provider) -> None:
        self.n = n
        self.sim = sim
        self.provider = provider
        self.results: list[Result] = []
        self.auth = dict.fromkeys(AUTH_ENDPOINTS, 0)
        self.eids = eids(n)
        self.values = [f"V{i:016d}" for i in range(n)]

    def add(self, metric: str, value: float, unit: str, target: str | None = None) -> None:
        """Record one result."""
        self.results.append(Result(metric, self.n, value, unit, target))

    def measure(self, action: Callable[[], object]) -> tuple[float, int]:
        """(wall seconds, API requests) of a provider-path action; its logins are tallied per process."""
        self.sim.reset()
        seconds = timed(action)
        counts = self.sim.counts()
        for endpoint in AUTH_ENDPOINTS:
            self.auth[endpoint] += counts.get(endpoint, 0)
        return seconds, sum(api_counts(counts).values())

    def labels(self, reps: int) -> None:
        """Create, compare with plain requests, delta updates, unchanged up, preview, destroy."""
        n = self.n
        engine = self.provider.engine()
        seconds, sent = self.measure(lambda: engine.up(label_program(self.eids, self.values)))
        self.add("labels create: requests", sent, "requests", f"= {ceil_div(n, LABEL_CHUNK)}")
        self.add("labels create: wall time", seconds, "s")
        self.create_ratio(reps)
        for step, k in enumerate(DELTAS):
            if k > n:
                continue
            self.values[:k] = [f"S{step}{i:015d}" for i in range(k)]
            program = label_program(self.eids, self.values)
            seconds, sent = self.measure(lambda p=program: _expect(engine.up(p), "update"))  # type: ignore[misc]
            self.add(f"delta k={k}: requests (remove + set)", sent, "requests", f"= {2 * ceil_div(k, 2000)}")
            self.add(f"delta k={k}: wall time", seconds, "s")
        program = label_program(self.eids, self.values)
        self.sim.reset()
        seconds = timed(lambda: _expect(engine.up(program), "same"))
        self.add("unchanged up: requests (all)", sum(self.sim.counts().values()), "requests", "= 0")
        self.add("unchanged up: wall time", seconds, "s")
        self.preview(engine)
        seconds, sent = self.measure(engine.destroy)
        self.add("labels destroy: requests", sent, "requests", f"= {ceil_div(n, LABEL_CHUNK)}")

    def create_ratio(self, reps: int) -> None:
        """Median wall time of the N-label create: engine path and bare provider classes versus plain."""
        plain = PlainClient(self.sim.url)
        direct = direct_label_provider(self.sim.url)
        labels = [(e, "VIN", v) for e, v in zip(self.eids, self.values, strict=True)]
        program = label_program(self.eids, self.values)
        declared = [{"device_id": e, "name": name, "value": v} for e, name, v in labels]
        news = {"account_name": LABEL_ACCOUNT, "labels": declared}
        times: dict[str, list[float]] = {"plain": [], "engine": [], "rpcs": [], "direct": []}
        paths = ["plain", "engine", "direct"]
        # The timed stacks run in a process of their own: a provider process keeps what each of its
        # resources set (a delete leaves another resource's labels alone), and these stacks declare the
        # labels of the measured stack too. Warm it up (imports, token, login) outside the measurement.
        spare = Provider(self.sim.url)
        spare.engine().up(label_program(self.eids[:1], ["WARM0000000000000"]))
        for rep in range(reps):
            # Rotate which path goes first so that drift in the simulator favours none of them.
            for path in paths[rep % 3 :] + paths[: rep % 3]:
                self.sim.reset()
                if path == "plain":
                    times["plain"].append(plain.set_labels(LABEL_ACCOUNT, labels))
                elif path == "direct":
                    # The provider's one-time "outcomes are not verified" notice would clutter the report.
                    with redirect_stderr(io.StringIO()):
                        times["direct"].append(timed(lambda: direct.create(direct.check({}, news).inputs)))
                else:
                    engine = spare.engine()
                    spare.stub.reset()
                    times["engine"].append(self.measure(lambda e=engine: e.up(program))[0])  # type: ignore[misc]
                    times["rpcs"].append(spare.stub.total("Check", "Create"))
                    del engine
        spare.close()
        plain.close()
        base, full, rpcs, classes = (
            statistics.median(times[k]) for k in ("plain", "engine", "rpcs", "direct")
        )
        self.add("create: plain requests script", base, "s")
        self.add("create: engine path (pulumi up)", full, "s")
        self.add("create ratio: engine path / plain", full / base, "ratio", "<= 1.2")
        self.add("create ratio: provider Check+Create RPCs / plain", rpcs / base, "ratio", "<= 1.2")
        self.add("create ratio: provider classes, no engine / plain", classes / base, "ratio", "<= 1.2")

    def preview(self, engine: Engine) -> None:
        """Preview of the N-label resource with one label changed: wall time and Check+Diff time."""
        values = [*self.values]
        values[-1] = "PREVIEW0000000000"
        self.provider.stub.reset()
        seconds, sent = self.measure(
            lambda: _expect(engine.preview(label_program(self.eids, values)), "update")
        )
        self.add("preview (1 change): wall time", seconds, "s")
        self.add("preview (1 change): Check+Diff RPC time", self.provider.stub.total("Check", "Diff"), "s")
        self.add("preview: requests", sent, "requests", "= 0")

    def licenses(self) -> None:
        """Assign a license to N IMEIs, then destroy (remove them)."""
        engine = self.provider.engine()
        imei_list = imeis(self.n)

        def program() -> None:
            thingspace.FotaLicenseAssignment("fota", account_name=LABEL_ACCOUNT, device_imeis=imei_list)

        bound = f"= {ceil_div(self.n, DEFAULT_LICENSE_CHUNK)}"
        seconds, sent = self.measure(lambda: engine.up(program))
        self.add(f"licenses assign: requests (chunk {DEFAULT_LICENSE_CHUNK})", sent, "requests", bound)
        self.add("licenses assign: wall time", seconds, "s")
        seconds, sent = self.measure(engine.destroy)
        self.add(f"licenses remove: requests (chunk {DEFAULT_LICENSE_CHUNK})", sent, "requests", bound)

    def retirement(self) -> None:
        """Retire N deactive devices: one paged account listing, then deletes of 100."""
        engine = self.provider.engine()
        devices = [{"kind": "iccid", "id": i} for i in retire_iccids(self.n)]

        def program() -> None:
            thingspace.DeviceRetirement("retire", account_name=RETIRE_ACCOUNT, devices=devices)

        self.sim.reset()
        seconds = timed(lambda: engine.up(program))
        counts = self.sim.counts()
        for endpoint in AUTH_ENDPOINTS:
            self.auth[endpoint] += counts.get(endpoint, 0)
        self.add(
            "retirement: delete requests",
            counts.get(DEVICES_DELETE, 0),
            "requests",
            f"= {ceil_div(self.n, DELETE_CHUNK)}",
        )
        self.add(
            "retirement: device-list reads",
            counts.get(DEVICES_LIST, 0),
            "requests",
            f"= {ceil_div(self.n, LIST_PAGE)}",
        )
        self.add("retirement: wall time", seconds, "s")

    def process_totals(self) -> None:
        """Logins per provider process over every scenario, and the processes' peak memory."""
        token, login = (self.auth[e] for e in AUTH_ENDPOINTS)
        self.add("token requests per provider process", token, "requests", "<= 1")
        self.add("login requests per provider process", login, "requests", "<= 1")
        self.add("provider process peak RSS", peak_memory_kib(self.provider.pid) / 1024, "MiB")
        self.add("simulator process peak RSS", self.sim.rss_peak_kib() / 1024, "MiB")


def _expect(steps: Sequence[object], op: str) -> None:
    ops = {getattr(s, "op", None) for s in steps}
    if ops != {op}:
        raise RuntimeError(f"expected only {op!r} steps, got {sorted(map(str, ops))}")


def run_size(n: int, reps: int) -> list[Result]:
    """Every per-N benchmark against a fresh simulator and a fresh provider process."""
    with SimulatorProcess(fleet_seed(n)) as sim, Provider(sim.url) as provider:
        bench = SizeBench(n, sim, provider)
        bench.labels(reps)
        bench.licenses()
        bench.retirement()
        bench.process_totals()
        return bench.results
