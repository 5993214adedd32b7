"""Hypothesis strategies: valid program inputs of every resource, and garbage shaped like engine values."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pulumi.runtime import rpc

ACCOUNTS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", fullmatch=True)
HEX = "0123456789abcdefABCDEF"

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Hypothesis settings of the property tests: bounded, no deadline, nothing written to disk."""


def digits(low: int, high: int | None = None) -> st.SearchStrategy[str]:
    """ASCII digit strings of ``low`` to ``high`` characters."""
    return st.text("0123456789", min_size=low, max_size=high or low)


EIDS = digits(32)
IMEIS = digits(15)
LABEL_NAMES = st.text(min_size=1, max_size=20)
LABEL_VALUES = st.text(min_size=1, max_size=50)

# kind -> identifiers in that kind's format
IDENTIFIERS: dict[str, st.SearchStrategy[str]] = {
    "eid": EIDS,
    "iccid": digits(19, 20),
    "imei": IMEIS,
    "imsi": digits(15),
    "meid": st.text(HEX, min_size=14, max_size=15),
    "esn": digits(11) | st.text(HEX, min_size=8, max_size=8),
    "mdn": digits(10),
    "min": digits(10),
    "msisdn": digits(10, 15),
}


def spelled(kind: str) -> st.SearchStrategy[str]:
    """``kind`` in the letter cases a user might write."""
    return st.sampled_from([kind, kind.upper(), kind.capitalize()])


@st.composite
def as_program_list(draw: st.DrawFn, items: list[Any]) -> list[Any]:
    """``items`` shuffled, some repeated: what a program may pass for a set of devices."""
    repeated = draw(st.lists(st.sampled_from(items), max_size=3)) if items else []
    return list(draw(st.permutations([*items, *repeated])))


@st.composite
def label_set_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """Inputs of UsageSegmentationLabels: distinct (device, name) pairs, declared in any order."""
    pairs = draw(st.dictionaries(st.tuples(EIDS, LABEL_NAMES), LABEL_VALUES, min_size=1, max_size=8))
    labels = [{"device_id": e, "name": n, "value": v} for (e, n), v in pairs.items()]
    return {"account_name": draw(ACCOUNTS), "labels": draw(as_program_list(labels))}


SINGLE_LABEL_INPUTS = st.fixed_dictionaries(
    {"account_name": ACCOUNTS, "device_id": EIDS, "name": LABEL_NAMES, "value": LABEL_VALUES}
)


@st.composite
def license_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """Inputs of FotaLicenseAssignment, optional inputs sometimes left out."""
    imeis = draw(st.lists(IMEIS, min_size=1, max_size=8, unique=True))
    news: dict[str, Any] = {"account_name": draw(ACCOUNTS), "device_imeis": draw(as_program_list(imeis))}
    news.update(draw(st.fixed_dictionaries({}, optional={"api_version": st.sampled_from(["v1", "v3"])})))
    news.update(draw(st.fixed_dictionaries({}, optional={"adopt": st.booleans()})))
    return news


@st.composite
def retirement_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """Inputs of DeviceRetirement: identifiers of every kind; etf_waiver whenever deactivate_first."""
    kinds = draw(st.lists(st.sampled_from(sorted(IDENTIFIERS)), min_size=1, max_size=6))
    devices = [{"kind": draw(spelled(k)), "id": draw(IDENTIFIERS[k])} for k in kinds]
    news: dict[str, Any] = {"account_name": draw(ACCOUNTS), "devices": draw(as_program_list(devices))}
    if draw(st.booleans()):
        news.update(deactivate_first=True, etf_waiver=draw(st.booleans()))
    elif draw(st.booleans()):
        news["deactivate_first"] = False
    if draw(st.booleans()):
        # The engine hands every number over as a float.
        news["deactivate_timeout_seconds"] = draw(st.floats(0.001, 1e6))
    return news


HOSTS = st.from_regex(r"[a-z][a-z0-9-]{0,15}(\.[a-z]{2,6}){1,2}", fullmatch=True)
PATHS = st.from_regex(r"(/[A-Za-z0-9_.~-]{1,10}){0,3}", fullmatch=True)
URLS = st.builds(lambda h, p: f"https://{h}{p}", HOSTS, PATHS) | st.builds(
    lambda port, p: f"http://127.0.0.1:{port}{p}", st.integers(1, 65535), PATHS
)
LISTENER_INPUTS = st.fixed_dictionaries(
    {"account_name": ACCOUNTS, "url": URLS},
    optional={
        "username": st.text(min_size=1, max_size=30),
        "password": st.text(min_size=1, max_size=40),
        "service_name": st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,20}", fullmatch=True),
        "adopt": st.booleans(),
    },
)

# What the engine can hand a provider: JSON values (numbers as floats), and the unknown sentinel.
SCALARS = (
    st.none()
    | st.booleans()
    | st.floats()
    | st.text(max_size=40)
    | st.just(rpc.UNKNOWN)
    | EIDS
    | IMEIS
    | ACCOUNTS
)
ENGINE_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def garbage(fields: list[str], valid: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Inputs with unknown keys, wrong types and broken nested values; sometimes a valid input with one
    property replaced, so that validation gets past the first property."""
    keys = st.sampled_from([*fields, "__provider"]) | st.text(max_size=12)
    anything = st.dictionaries(keys, ENGINE_VALUES, max_size=6)
    broken = st.builds(lambda v, k, x: {**v, k: x}, valid, st.sampled_from(fields), ENGINE_VALUES)
    return anything | broken
