"""Compact device sets: a whole fleet as one text value, parsed and validated in one pass.

A compact set crosses Pulumi as one string instead of one map entry per device. Its canonical text has
one entry per line, sorted by key, without duplicates or a final newline:

* labels: a JSON array per line, ``["<eid>","<name>","<value>"]``; key ``<eid>/<name>``
* IMEIs: one IMEI per line; key the IMEI
* devices: ``<kind>:<id>`` per line, kind in lower case; key the line

Why lines: ``pulumi preview --diff`` shows a changed multi-line string as a line diff with two lines of
context, so a one-label change shows as one removed and one added line. (A single JSON document would be
decoded and printed with every unchanged entry.) Inputs may be in any order, hold duplicates and blank
lines; labels may also be CSV text with the header ``device_id,name,value``. Errors name the line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from .identifiers import LABEL_NAME_MAX, LABEL_VALUE_MAX, DeviceKind, all_match, check_identifier, parse_kind

MAX_PROBLEMS = 10
"""Invalid lines reported by name; the rest are counted."""
SUMMARY = "change_summary"
"""The input a bundle resource's check adds: ``{"set", "removed", "first_set", "first_removed"}``."""
SAMPLE = 10
"""Keys listed in ``first_set`` / ``first_removed`` of a change summary."""
CSV_HEADER = ("device_id", "name", "value")

Problem = tuple[int, str]


class CompactSetError(ValueError):
    """Invalid entries of a compact set, each as (line number, what is wrong)."""

    def __init__(self, field: str, problems: list[Problem]) -> None:
        self.field = field
        self.problems = sorted(problems)
        super().__init__("; ".join(self.reasons()))

    def reasons(self) -> list[str]:
        """One reason per reported line, each starting with ``<field> line <n>``."""
        shown = [f"{self.field} line {n}: {msg}" if n else f"{self.field}: {msg}" for n, msg in self.problems]
        if len(shown) > MAX_PROBLEMS:
            more = len(shown) - MAX_PROBLEMS
            shown = [*shown[:MAX_PROBLEMS], f"{self.field}: {more} more invalid line(s)"]
        return shown


@dataclass(frozen=True)
class CompactSet:
    """A validated set in canonical form: its text, how many entries it holds, and its first keys."""

    text: str
    count: int
    first_keys: list[str]

    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of the canonical text: what diff compares."""
        return sha256_text(self.text)


def sha256_text(text: str) -> str:
    """SHA-256 (hex) of ``text`` in UTF-8."""
    return hashlib.sha256(text.encode()).hexdigest()


def _numbered(text: str) -> tuple[list[str], list[int]]:
    """Non-blank lines (stripped) and their 1-based line numbers."""
    body = text.strip()
    start = text[: len(text) - len(text.lstrip())].count("\n") + 1
    lines = body.split("\n") if body else []
    if "\n\n" not in body and "\r" not in body and " " not in body and "\t" not in body:
        return lines, list(range(start, start + len(lines)))  # the common case: nothing to strip
    kept = [(n, line.strip()) for n, line in enumerate(lines, start) if line.strip()]
    return [line for _, line in kept], [n for n, _ in kept]


def _require_entries(field: str, what: str, count: int) -> None:
    if not count:
        raise CompactSetError(field, [(0, f"must hold at least one {what}")])


# Labels


def label_line(device_id: str, name: str, value: str) -> str:
    """The canonical line of one label."""
    return f"[{encode_basestring(device_id)},{encode_basestring(name)},{encode_basestring(value)}]"


def label_text(rows: Iterable[tuple[str, str, str]]) -> str:
    """Label text in the given order (check sorts it); one JSON array per line."""
    return "\n".join(label_line(*row) for row in rows)


def label_key(line: str) -> str:
    """The key ``<eid>/<name>`` of a canonical label line."""
    device_id, name, _ = json.loads(line)
    return f"{device_id}/{name}"


def parse_labels(field: str, text: str) -> CompactSet:
    """Validate label text (JSON lines or CSV) and return it in canonical form."""
    _require_entries(field, "label", len(text.strip()))
    if _CANONICAL_LABELS.fullmatch(text):  # every line valid and canonically encoded: one regex pass
        keys = _LABEL_KEYS.findall(text)
        if all(map(operator.lt, keys, islice(keys, 1, None))):  # sorted, no key twice
            return CompactSet(text, len(keys), [k.replace('","', "/", 1) for k in keys[:SAMPLE]])
    if text.lstrip().startswith("["):
        rows, numbers = _json_rows(field, text)
    else:
        rows, numbers = _csv_rows(field, text)
    _require_entries(field, "label", len(rows))
    if not _labels_valid(rows):
        raise CompactSetError(field, _label_problems(rows, numbers))
    device_ids = list(map(operator.itemgetter(0), rows))
    names = list(map(operator.itemgetter(1), rows))
    values = list(map(operator.itemgetter(2), rows))
    keys = [f"{d}/{n}" for d, n in zip(device_ids, names, strict=True)]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    unique = _distinct(field, order, keys, values, numbers)
    canonical = "\n".join(label_line(device_ids[i], names[i], values[i]) for i in unique)
    return CompactSet(canonical, len(unique), [keys[i] for i in unique[:SAMPLE]])


# A canonical label line: the EID, and a name and value JSON encodes as themselves (no quote,
# backslash or control character), within their lengths.
_TEXT_CHAR = r'[^"\\\x00-\x1f]'
_LABEL_LINE = rf'\["\d{{32}}","{_TEXT_CHAR}{{1,{LABEL_NAME_MAX}}}","{_TEXT_CHAR}{{1,{LABEL_VALUE_MAX}}}"\]'
_CANONICAL_LABELS = re.compile(f"(?:{_LABEL_LINE}\n)*{_LABEL_LINE}", re.ASCII)
_LABEL_KEYS = re.compile(r'^\["(\d{32}","[^"]*)"', re.MULTILINE | re.ASCII)


def _json_rows(field: str, text: str) -> tuple[list[Any], list[int]]:
    lines, numbers = _numbered(text)
    try:
        rows: list[Any] = json.loads("[" + ",".join(lines) + "]")
        if len(rows) == len(lines):
            return rows, numbers
    except ValueError:
        pass
    rows, problems = [], []
    for n, line in zip(numbers, lines, strict=True):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append((n, f"not a JSON array [device_id, name, value]: {exc.msg}"))
    if problems:
        raise CompactSetError(field, problems)
    return rows, numbers


def _csv_rows(field: str, text: str) -> tuple[list[Any], list[int]]:
    reader = csv.reader(io.StringIO(text))
    header: list[str] = []
    for header in reader:
        if any(cell.strip() for cell in header):
            break
    if tuple(cell.strip().lower() for cell in header) != CSV_HEADER:
        line = reader.line_num or 1
        wanted = ",".join(CSV_HEADER)
        raise CompactSetError(field, [(line, f"expected JSON lines or a CSV header {wanted!r}")])
    rows: list[Any] = []
    numbers: list[int] = []
    for row in reader:
        cells = [cell.strip() for cell in row]
        if any(cells):
            rows.append(cells)
            numbers.append(reader.line_num)
    return rows, numbers


def _labels_valid(rows: list[Any]) -> bool:
    """Every rule at once, column by column (no per-label model)."""
    if set(map(type, rows)) != {list} or set(map(len, rows)) != {3}:
        return False
    columns = [list(map(operator.itemgetter(i), rows)) for i in range(3)]
    if any(set(map(type, col)) != {str} for col in columns):
        return False
    device_ids, names, values = columns
    return (
        all_match(DeviceKind.EID, device_ids)
        and 1 <= min(map(len, names)) <= max(map(len, names)) <= LABEL_NAME_MAX
        and 1 <= min(map(len, values)) <= max(map(len, values)) <= LABEL_VALUE_MAX
    )


def _label_problems(rows: list[Any], numbers: list[int]) -> list[Problem]:
    """What is wrong with each invalid row (only run once a rule failed)."""
    problems: list[Problem] = []
    for n, row in zip(numbers, rows, strict=True):
        if not isinstance(row, list) or len(row) != 3 or not all(isinstance(c, str) for c in row):
            problems.append((n, "expected three strings: device_id, name, value"))
            continue
        device_id, name, value = row
        try:
            check_identifier(DeviceKind.EID, device_id)
        except ValueError as exc:
            problems.append((n, f"device_id {exc}"))
        if not 1 <= len(name) <= LABEL_NAME_MAX:
            problems.append((n, f"name {name!r} must be 1 to {LABEL_NAME_MAX} characters"))
        if not 1 <= len(value) <= LABEL_VALUE_MAX:
            problems.append((n, f"value {value!r} must be 1 to {LABEL_VALUE_MAX} characters"))
    return problems


def _distinct(
    field: str, order: list[int], keys: list[str], values: list[str], numbers: list[int]
) -> list[int]:
    """``order`` without repeated labels; a key given two values fails naming both lines."""
    unique: list[int] = []
    problems: list[Problem] = []
    for i in order:
        if unique and keys[unique[-1]] == keys[i]:
            j = unique[-1]
            if values[j] != values[i]:
                problems.append(
                    (
                        numbers[i],
                        f"{keys[i]} is given both {values[j]!r} (line {numbers[j]}) and {values[i]!r}",
                    )
                )
            continue
        unique.append(i)
    if problems:
        raise CompactSetError(field, problems)
    return unique


# IMEIs and device identifiers


def parse_imeis(field: str, text: str) -> CompactSet:
    """Validate IMEI text (one per line) and return it in canonical form."""
    lines, numbers = _numbered(text)
    _require_entries(field, "IMEI", len(lines))
    if not all_match(DeviceKind.IMEI, lines):
        raise CompactSetError(field, _id_problems(DeviceKind.IMEI, lines, numbers))
    return _canonical_lines(text, lines)


def parse_devices(field: str, text: str) -> CompactSet:
    """Validate ``<kind>:<id>`` text (one device per line) and return it in canonical form."""
    lines, numbers = _numbered(text)
    _require_entries(field, "device", len(lines))
    by_kind: dict[str, list[str]] = {}
    for line in lines:
        kind, _, ident = line.partition(":")
        by_kind.setdefault(kind, []).append(ident)
    try:
        kinds = {kind: parse_kind(kind) for kind in by_kind}
        valid = all(all_match(kinds[kind], idents) for kind, idents in by_kind.items())
    except ValueError:
        valid = False
    if not valid:
        raise CompactSetError(field, _device_problems(lines, numbers))
    if all(kind == kinds[kind].value for kind in kinds):
        return _canonical_lines(text, lines)
    return _canonical_lines(
        "", [f"{kinds[kind].value}:{i}" for kind, idents in by_kind.items() for i in idents]
    )


def _canonical_lines(text: str, lines: list[str]) -> CompactSet:
    """Sorted distinct ``lines``; ``text`` itself when it already is exactly that."""
    if not all(map(operator.lt, lines, islice(lines, 1, None))):
        lines = sorted(set(lines))
    canonical = "\n".join(lines)
    return CompactSet(text if text == canonical else canonical, len(lines), lines[:SAMPLE])


def _device_problems(lines: list[str], numbers: list[int]) -> list[Problem]:
    problems: list[Problem] = []
    for n, line in zip(numbers, lines, strict=True):
        kind, sep, ident = line.partition(":")
        try:
            if not sep:
                raise ValueError(f"{line!r} is not <kind>:<id>, e.g. iccid:89148000000800000015")
            check_identifier(parse_kind(kind), ident)
        except ValueError as exc:
            problems.append((n, str(exc)))
    return problems


def _id_problems(kind: DeviceKind, idents: list[str], numbers: list[int]) -> list[Problem]:
    problems: list[Problem] = []
    for n, ident in zip(numbers, idents, strict=True):
        try:
            check_identifier(kind, ident)
        except ValueError as exc:
            problems.append((n, str(exc)))
    return problems
