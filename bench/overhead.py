"""Per-resource overhead: many single-label resources, the real provider versus a bare dynamic provider."""

from __future__ import annotations

import statistics
from collections.abc import Callable

import pulumi_thingspace as thingspace
from bare_provider import BareLabel
from engine_path import BENCH_DIR, Provider, timed, unwrap_pickler
from report import Result
from simproc import LABEL_ACCOUNT, SimulatorProcess, api_counts, eids, fleet_seed

METRIC = "single-label resources"


def real_program(eid_list: list[str], tag: str) -> Callable[[], None]:
    """``len(eid_list)`` UsageSegmentationLabel resources, one per device."""

    def program() -> None:
        for i, eid in enumerate(eid_list):
            thingspace.UsageSegmentationLabel(
                f"l{i}", account_name=LABEL_ACCOUNT, device_id=eid, name="SEGMENT", value=f"{tag}{i}"
            )

    return program


def bare_program(eid_list: list[str], tag: str) -> Callable[[], None]:
    """The same labels through :class:`BareLabel`."""

    def program() -> None:
        for i, eid in enumerate(eid_list):
            BareLabel(f"l{i}", LABEL_ACCOUNT, eid, "SEGMENT", f"{tag}{i}")
            unwrap_pickler()  # plain pulumi.dynamic resources need the SDK workaround the package applies

    return program


def run_overhead(count: int, reps: int) -> list[Result]:
    """Median ``up`` time of ``count`` single-label resources on each provider; and requests per run."""
    eid_list = eids(count)
    with (
        SimulatorProcess(fleet_seed(count)) as sim,
        Provider(sim.url) as real,
        Provider(sim.url, pythonpath=[BENCH_DIR]) as bare,
    ):
        # Warm both processes up (imports, token, login) outside the measurement.
        real.engine().up(real_program(eid_list[:1], "warm"))
        bare.engine().up(bare_program(eid_list[:1], "warm"))
        times: dict[str, list[float]] = {"real": [], "bare": []}
        sent: dict[str, list[int]] = {"real": [], "bare": []}
        for rep in range(reps):
            for which in ("bare", "real") if rep % 2 == 0 else ("real", "bare"):
                provider, build = (real, real_program) if which == "real" else (bare, bare_program)
                engine = provider.engine()
                program = build(eid_list, f"r{rep}-")
                sim.reset()
                times[which].append(timed(lambda e=engine, p=program: e.up(p)))  # type: ignore[misc]
                sent[which].append(sum(api_counts(sim.counts()).values()))
        real_s, bare_s = statistics.median(times["real"]), statistics.median(times["bare"])
        return [
            Result(
                f"{METRIC}: requests per up (real provider)",
                count,
                max(sent["real"]),
                "requests",
                f"= {count}",
            ),
            Result(f"{METRIC}: up, bare dynamic provider", count, bare_s, "s"),
            Result(f"{METRIC}: up, thingspace provider", count, real_s, "s"),
            Result(f"{METRIC}: overhead per resource", count, (real_s - bare_s) / count * 1000, "ms"),
            Result(f"{METRIC}: ratio thingspace / bare", count, real_s / bare_s, "ratio", "<= 1.3"),
        ]
