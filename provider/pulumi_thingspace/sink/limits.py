"""What the sink takes from the internet: bounded bodies, bounded nesting, text every store can hold.

Each check runs before the next, costlier step: the size while the body streams in, the nesting depth
before parsing, the text after parsing and before any store is touched. So reading a body never holds
more than ``MAX_BODY_BYTES``, no nesting ends in a RecursionError, and no callback that a store can
never hold gets a 503 (which would make ThingSpace resend it until its threshold).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from starlette.requests import ClientDisconnect, Request

MAX_BODY_BYTES = 4 * 1024 * 1024
"""Larger bodies are refused while they stream in; a 2,000-label callback (the most one label request
can report) is about 0.5 MiB, and every byte of an unauthenticated body costs parsing time."""

MAX_DEPTH = 64
"""Deepest nesting of JSON arrays and objects accepted; a CarrierService callback nests 6 deep."""

MAX_REQUEST_ID_LENGTH = 200

BIGINT_RANGE = range(-(2**63), 2**63)
"""Integers both stores keep in an integer column (``callbackCount``): PostgreSQL BIGINT, SQLite INTEGER."""


class BodyTooLarge(Exception):
    """The body passed the size limit; the rest of it was not read."""


class BodyIncomplete(Exception):
    """The client went away before sending the whole body."""


class NestedTooDeeply(ValueError):
    """The JSON text nests arrays and objects deeper than the limit."""


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytearray:
    """The request body, read chunk by chunk; BodyTooLarge as soon as it passes ``limit`` bytes.

    At most ``limit`` bytes are ever held: the chunk that would pass the limit is dropped and the
    stream is not read further. A declared ``Content-Length`` above the limit fails before any read.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    try:
        async for chunk in request.stream():
            if len(body) + len(chunk) > limit:
                raise BodyTooLarge
            body += chunk
    except ClientDisconnect:
        raise BodyIncomplete from None
    return body


_DELETE_ALL_BUT_MARKS = bytes(b for b in range(256) if b not in b'[]{}"')
_SQUARE = bytes.maketrans(b"{}", b"[]")
_RUNS = re.compile(rb"\[+|\]+")
_CHUNK = 1 << 20
_MANY_RUNS = 1_000_000


def _brackets_outside_strings(raw: bytes | bytearray) -> bytes:
    """The ``[`` and ``]`` (``{``/``}`` become these) of ``raw`` that are not inside a JSON string."""
    # Escaped backslashes, then escaped quotes, go first: every quote left opens or closes a string.
    text = bytes(raw).replace(b"\\\\", b"").replace(b'\\"', b"")
    # Two adjacent quotes enclose nothing either way; dropping them keeps every other quote's parity.
    marks = text.translate(_SQUARE, _DELETE_ALL_BUT_MARKS).replace(b'""', b"")
    if b'"' not in marks:
        return marks
    outside: list[bytes] = []
    inside = False
    for start in range(0, len(marks), _CHUNK):  # in chunks: one list item per quote
        parts = marks[start : start + _CHUNK].split(b'"')
        outside.append(b"".join(parts[1 if inside else 0 :: 2]))
        inside ^= len(parts) % 2 == 0  # an odd number of quotes in the chunk
    return b"".join(outside)


def nesting_exceeds(raw: bytes | bytearray, limit: int = MAX_DEPTH) -> bool:
    """True when the JSON text ``raw`` nests arrays and objects more than ``limit`` levels deep.

    Checked on the bytes, before parsing and in time linear in their length (C-speed passes, then one
    loop over runs of brackets). Malformed text may be misjudged, which is harmless: the parser refuses
    it anyway. Text in UTF-16 or UTF-32 (a NUL among the first bytes) is left to ``parse_json``.
    """
    if 0 in raw[:4]:
        return False
    marks = _brackets_outside_strings(raw)
    removed = 0
    # While there are many runs, strip innermost pairs (each pass lowers every remaining depth by one).
    while marks.count(b"[]") + marks.count(b"][") > _MANY_RUNS:
        if b"[" * (limit + 1 - removed) in marks:
            return True
        marks = marks.replace(b"[]", b"")
        removed += 1
    depth = removed
    for run in _RUNS.finditer(marks):
        length = run.end() - run.start()
        if marks[run.start()] == 0x5B:  # "["
            depth += length
            if depth > limit:
                return True
        else:
            depth -= length
    return False


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"number {text[:40]} is out of range")
    return number


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes | bytearray, depth_limit: int = MAX_DEPTH) -> Any:
    """Parse strict JSON: ValueError when malformed, NestedTooDeeply when nested too deep.

    ``NaN``, ``Infinity`` and numbers too large for a float are refused: the sink could store them but
    never serve them back as JSON.
    """
    if nesting_exceeds(raw, depth_limit):
        raise NestedTooDeeply(f"nested more than {depth_limit} levels deep")
    try:
        return json.loads(raw, parse_float=_finite, parse_constant=_refuse_constant)
    except RecursionError:  # UTF-16/32 text skips the byte check; any depth still ends here
        raise NestedTooDeeply(f"nested more than {depth_limit} levels deep") from None


def _unstorable(text: str) -> bool:
    """True when ``text`` holds a NUL (PostgreSQL refuses it) or a lone surrogate (not UTF-8)."""
    if "\x00" in text:
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def printable(text: str) -> str:
    """``text`` with NULs and lone surrogates spelled as ``\\uXXXX`` (fit for a JSON answer or a log)."""
    if not _unstorable(text):
        return text
    return "".join(f"\\u{ord(c):04x}" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in text)


def unstorable_fields(value: Any, path: str = "") -> list[str]:
    """Dotted paths (``a.b.0.c``) of the keys and string values that no store can hold."""
    found: list[str] = []
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if _unstorable(item):
                found.append(where)
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{printable(key)}" if where else printable(key)
                if _unstorable(key):
                    found.append(name)
                stack.append((name, child))
        elif isinstance(item, list):
            stack.extend((f"{where}.{i}" if where else str(i), child) for i, child in enumerate(item))
    return sorted(set(found))


def storable_request_id(request_id: str) -> bool:
    """True for a request id the stores can hold: 1-200 characters, not blank, storable text."""
    return (
        bool(request_id.strip()) and len(request_id) <= MAX_REQUEST_ID_LENGTH and not _unstorable(request_id)
    )
