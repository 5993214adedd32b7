"""Identifier rules for ThingSpace devices and accounts.

Formats are enforced strictly; checksums (Luhn, ISO 7064 mod 97-10) only produce warnings because
Verizon's own documentation examples fail them.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator


class DeviceKind(str, Enum):
    """Device identifier kinds, lower case as this package normalises them."""

    EID = "eid"
    ICCID = "iccid"
    IMEI = "imei"
    IMSI = "imsi"
    MEID = "meid"
    ESN = "esn"
    MDN = "mdn"
    MIN = "min"
    MSISDN = "msisdn"


def _ascii(pattern: str) -> re.Pattern[str]:
    # ASCII only: \d alone also matches other scripts' digits (e.g. fullwidth), which ThingSpace rejects.
    return re.compile(pattern, re.ASCII)


# kind -> (regular expression, human-readable rule)
_FORMATS: dict[DeviceKind, tuple[re.Pattern[str], str]] = {
    DeviceKind.EID: (_ascii(r"\d{32}"), "an EID is 32 digits"),
    DeviceKind.ICCID: (_ascii(r"\d{19,20}"), "an ICCID is 19 or 20 digits"),
    DeviceKind.IMEI: (_ascii(r"\d{15}"), "an IMEI is 15 digits"),
    DeviceKind.IMSI: (_ascii(r"\d{15}"), "an IMSI is 15 digits"),
    DeviceKind.MEID: (_ascii(r"[0-9A-Fa-f]{14,15}"), "a MEID is 14 hexadecimal characters"),
    DeviceKind.ESN: (
        _ascii(r"\d{11}|[0-9A-Fa-f]{8}"),
        "an ESN is 11 decimal digits or 8 hexadecimal characters",
    ),
    DeviceKind.MDN: (_ascii(r"\d{10}"), "an MDN is 10 digits"),
    DeviceKind.MIN: (_ascii(r"\d{10}"), "a MIN is 10 digits"),
    DeviceKind.MSISDN: (_ascii(r"\d{10,15}"), "an MSISDN is 10 to 15 digits"),
}

KIND_NAMES = ", ".join(k.value for k in DeviceKind)

# Account names are numeric with a sub-account suffix in practice; this rule only keeps anything
# that could change a URL's path (slashes, dots, percent-escapes, control characters) out.
_ACCOUNT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
ACCOUNT_RULE = "an account name is 1-64 letters, digits, '-' or '_' (no '/', '.', '%' or spaces)"

LABEL_NAME_MAX = 20
LABEL_VALUE_MAX = 50


def parse_kind(kind: str) -> DeviceKind:
    """Return the DeviceKind for ``kind`` in any letter case, or raise ValueError naming the valid kinds."""
    try:
        return DeviceKind(str(kind).strip().lower())
    except ValueError:
        raise ValueError(f"unknown device kind {kind!r}; valid kinds are {KIND_NAMES}") from None


def check_identifier(kind: DeviceKind, value: str) -> str:
    """Return ``value`` if it matches the format of ``kind``; raise ValueError naming the rule otherwise."""
    pattern, rule = _FORMATS[kind]
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid {kind.value.upper()}: {rule}")
    return value


def all_match(kind: DeviceKind, values: list[str]) -> bool:
    """True when every one of ``values`` is in the format of ``kind``: one regular-expression pass."""
    if not values:
        return True
    joined = "\n".join(values) + "\n"
    # A value holding a newline would split in two; the count keeps one line per value.
    return joined.count("\n") == len(values) and _batch_pattern(kind).fullmatch(joined) is not None


def _batch_pattern(kind: DeviceKind) -> re.Pattern[str]:
    pattern = _BATCH.get(kind)
    if pattern is None:
        pattern = _BATCH[kind] = _ascii(f"(?:(?:{_FORMATS[kind][0].pattern})\n)+")
    return pattern


_BATCH: dict[DeviceKind, re.Pattern[str]] = {}


def checksum_warning(kind: DeviceKind, value: str) -> str | None:
    """Return a warning when a well-formed identifier fails its standard checksum, else None."""
    if kind in (DeviceKind.IMEI, DeviceKind.ICCID) and not luhn_valid(value):
        return f"{kind.value.upper()} {value} fails the Luhn check digit (accepted anyway)"
    if kind is DeviceKind.EID and int(value) % 97 != 1:
        return f"EID {value} fails the ISO 7064 mod 97-10 check (accepted anyway)"
    return None


def luhn_valid(digits: str) -> bool:
    """Return True when ``digits`` passes the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def check_account_name(value: str) -> str:
    """Return ``value`` if it is a safe account name (leading zeros kept); raise ValueError otherwise."""
    if not isinstance(value, str) or not _ACCOUNT.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid account name: {ACCOUNT_RULE}")
    return value


def check_eid(value: str) -> str:
    """Validate an EID (32 digits)."""
    return check_identifier(DeviceKind.EID, value)


def check_imei(value: str) -> str:
    """Validate an IMEI (15 digits)."""
    return check_identifier(DeviceKind.IMEI, value)


AccountName = Annotated[str, AfterValidator(check_account_name)]
"""A ThingSpace billing account name, safe to place in a URL path."""

Eid = Annotated[str, AfterValidator(check_eid)]
"""A 32-digit eUICC identifier."""

Imei = Annotated[str, AfterValidator(check_imei)]
"""A 15-digit IMEI."""
