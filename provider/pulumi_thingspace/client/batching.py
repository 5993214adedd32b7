"""Request-size limits and the chunk helper that splits work into API-sized requests."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from ..models import MAX_LABELS_PER_REQUEST
from .errors import ThingSpaceError

T = TypeVar("T")
R = TypeVar("R")

LABELS_PER_REQUEST = MAX_LABELS_PER_REQUEST
"""Usage segmentation label entries per set/remove request (documented maximum: 2,000)."""

DEVICES_PER_DELETE = 100
"""Devices per ``devices/actions/delete`` request (documented maximum: 100)."""

FOTA_DEVICES_PER_READ = 1000
"""IMEIs per ``POST /api/fota/v3/devices/{account}`` request (documented page size: 1,000)."""

DEFAULT_LICENSE_CHUNK = 1000
"""IMEIs per license assign/remove request; the API documents no limit, so this is a cautious default."""


def chunked(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Yield consecutive lists of at most ``size`` items, in order; nothing for an empty sequence."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def send_chunks(items: Sequence[T], size: int, send: Callable[[list[T]], R]) -> list[R]:
    """``send`` each chunk of ``items`` in order and return what each returned; the first error stops it.

    That error carries what the chunks accepted before it returned (``sent_before``) and how many items
    they held (``sent_count``), so a caller can undo or report exactly what was applied.
    """
    results: list[R] = []
    sent = 0
    for chunk in chunked(items, size):
        try:
            results.append(send(chunk))
        except ThingSpaceError as exc:
            exc.sent_before, exc.sent_count = tuple(results), sent
            raise
        sent += len(chunk)
    return results
