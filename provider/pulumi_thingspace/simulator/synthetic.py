"""Deterministic, well-formed device identifiers for demo and benchmark fleets."""

from __future__ import annotations

EID_PREFIX = "89049032"
ICCID_PREFIX = "8914800000"
IMEI_PREFIX = "35"


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def eid_for(serial: int) -> str:
    """A 32-digit EID passing ISO 7064 mod 97-10 (``int(eid) % 97 == 1``)."""
    base = f"{EID_PREFIX}{serial:022d}"
    return f"{base}{98 - int(base + '00') % 97:02d}"


def iccid_for(serial: int) -> str:
    """A 20-digit ICCID (prefix 89, Luhn check digit)."""
    base = f"{ICCID_PREFIX}{serial:09d}"
    return base + luhn_digit(base)


def imei_for(serial: int) -> str:
    """A 15-digit IMEI (Luhn check digit)."""
    base = f"{IMEI_PREFIX}{serial:012d}"
    return base + luhn_digit(base)


def synthetic_ids(serial: int) -> dict[str, str]:
    """EID, ICCID and IMEI of synthetic device number ``serial`` (1 to 999,999,999)."""
    if not 0 < serial < 1_000_000_000:
        raise ValueError("serial must be between 1 and 999,999,999")
    return {"eid": eid_for(serial), "iccid": iccid_for(serial), "imei": imei_for(serial)}
