"""Benchmark results: one record per measurement, printed as a table and written as JSON."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    """One measurement. ``target`` is a comparison such as ``"= 50"`` or ``"<= 1.2"``, or None.

    ``meets_target`` is computed from ``value`` and ``target`` (None when there is no target).
    """

    metric: str
    n: int
    value: float
    unit: str
    target: str | None = None

    @property
    def meets_target(self) -> bool | None:
        """Whether ``value`` satisfies ``target``."""
        if self.target is None:
            return None
        op, _, bound = self.target.partition(" ")
        limit = float(bound)
        if op == "=":
            return math.isclose(self.value, limit)
        if op == "<=":
            return self.value <= limit
        if op == ">=":
            return self.value >= limit
        raise ValueError(f"unknown comparison in target {self.target!r}")

    def record(self) -> dict[str, object]:
        """The JSON object written to ``results.json``."""
        return {**asdict(self), "meets_target": self.meets_target}


def ceil_div(n: int, size: int) -> int:
    """``ceil(n / size)``."""
    return -(-n // size)


def _value(result: Result) -> str:
    if result.unit in ("requests", "KiB"):
        return f"{result.value:,.0f}"
    if result.unit == "MiB":
        return f"{result.value:,.1f}"
    return f"{result.value:,.3f}" if result.value < 10 else f"{result.value:,.2f}"


def table(results: list[Result]) -> str:
    """A Markdown table of the results, in measurement order."""
    rows = [("metric", "N", "value", "unit", "target", "met")]
    for r in results:
        met = {None: "", True: "yes", False: "**no**"}[r.meets_target]
        rows.append((r.metric, f"{r.n:,}", _value(r), r.unit, r.target or "", met))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write_json(results: list[Result], path: Path) -> None:
    """Write every result as a JSON list of objects."""
    path.write_text(json.dumps([r.record() for r in results], indent=2) + "\n", encoding="utf-8")


def merge_json(results: list[Result], path: Path, prefix: str = "") -> None:
    """Write ``results`` into the JSON list at ``path``, keeping the records of other runs: a record of
    the same metric and N is replaced, and with ``prefix`` so is every record whose metric starts with
    it at an N of ``results`` (a partial run updates its own figures only)."""
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        existing = []
    fresh = [r.record() for r in results]
    keys = {(r["metric"], r["n"]) for r in fresh}
    sizes = {r["n"] for r in fresh}

    def replaced(record: dict[str, object]) -> bool:
        metric = str(record.get("metric", ""))
        if prefix and metric.startswith(prefix) and record.get("n") in sizes:
            return True
        return (metric, record.get("n")) in keys

    kept = [r for r in existing if not replaced(r)]
    path.write_text(json.dumps(kept + fresh, indent=2) + "\n", encoding="utf-8")
