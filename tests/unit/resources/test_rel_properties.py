"""Property tests over every resource's ``check`` and ``diff``, with inputs as the engine hands them over."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi.dynamic import ResourceProvider

from kits.strategies import (
    BOUNDED,
    LISTENER_INPUTS,
    SINGLE_LABEL_INPUTS,
    garbage,
    label_set_inputs,
    license_inputs,
    retirement_inputs,
)
from pulumi_thingspace.models.resources import (
    LabelArgs,
    LabelsArgs,
    LicenseArgs,
    ListenerArgs,
    ResourceArgs,
    RetirementArgs,
)
from pulumi_thingspace.resources.checking import failure_input
from pulumi_thingspace.resources.label import SingleLabelProvider
from pulumi_thingspace.resources.labels import LabelSetProvider
from pulumi_thingspace.resources.licenses import LicenseProvider
from pulumi_thingspace.resources.listener import ListenerProvider
from pulumi_thingspace.resources.retirement import RetirementProvider

# provider class, args model, valid inputs, outputs a create adds besides the checked inputs
RESOURCES: dict[
    str, tuple[type[ResourceProvider], type[ResourceArgs], st.SearchStrategy[Any], dict[str, Any]]
] = {
    "labels": (
        LabelSetProvider,
        LabelsArgs,
        label_set_inputs(),
        {"request_ids": ["r-1"], "results": {}, "verified": False},
    ),
    "label": (
        SingleLabelProvider,
        LabelArgs,
        SINGLE_LABEL_INPUTS,
        {"request_ids": ["r-1"], "results": {}, "verified": False},
    ),
    "licenses": (
        LicenseProvider,
        LicenseArgs,
        license_inputs(),
        {"owned_imeis": [], "lic_count": 10.0, "lic_used_count": 2.0, "device_status": {}},
    ),
    "retirement": (RetirementProvider, RetirementArgs, retirement_inputs(), {"retired": {}}),
    "listener": (ListenerProvider, ListenerArgs, LISTENER_INPUTS, {"listener_id": "a/CarrierService"}),
}
PROVIDER_BLOB = {"__provider": "gASV-pickled-provider"}


def check_ok(provider: ResourceProvider, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    """Checked inputs; fails the test when ``check`` reports a failure."""
    result = provider.check(olds, news)
    assert not result.failures, [(f.property, f.reason) for f in result.failures]
    assert result.inputs is not None
    return dict(result.inputs)


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_garbage_never_escapes_check_and_every_failure_names_an_input(resource: str) -> None:
    provider_class, model, valid, _ = RESOURCES[resource]
    fields = list(model.model_fields)

    @BOUNDED
    @given(news=garbage(fields, valid))
    def run(news: dict[str, Any]) -> None:
        result = provider_class().check({}, news)  # an exception here fails the test
        given_names = set(news) - {"__provider"}
        for failure in result.failures:
            assert failure_input(failure) in set(fields) | given_names, (failure.property, failure.reason)
            assert failure.reason.strip()
            assert "Traceback" not in failure.reason

    run()


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_valid_inputs_round_trip_through_check_and_diff(resource: str) -> None:
    provider_class, model, valid, state = RESOURCES[resource]

    @BOUNDED
    @given(news=valid, seed=st.integers(0, 2**16))
    def run(news: dict[str, Any], seed: int) -> None:
        provider = provider_class()
        checked = check_ok(provider, {}, {**news, **PROVIDER_BLOB})
        assert set(checked) <= set(model.model_fields)
        # The canonical form is itself valid program input, and checks to itself.
        assert check_ok(provider, checked, {**checked, **PROVIDER_BLOB}) == checked
        # Declaration order never matters.
        shuffled = {k: _shuffle(v, seed) for k, v in news.items()}
        assert check_ok(provider, {}, shuffled) == checked
        # After create the engine diffs the stored outputs against the same checked inputs: no change.
        outputs = {**checked, **state, **PROVIDER_BLOB}
        diff = provider.diff("id-1", outputs, {**checked, **PROVIDER_BLOB})
        assert diff.changes is False and not diff.replaces

    run()


def _shuffle(value: Any, seed: int) -> Any:
    if isinstance(value, list):
        value = list(value)
        random.Random(seed).shuffle(value)
    return value


def test_non_ascii_digits_are_not_identifiers() -> None:
    # \d matches other scripts' digits too; ThingSpace identifiers are ASCII digits only.
    for provider, news, prop in (
        (LicenseProvider(), {"account_name": "a1", "device_imeis": ["\u0663" * 15]}, "device_imeis"),
        (
            LabelSetProvider(),
            {"account_name": "a1", "labels": [{"device_id": "\uff11" * 32, "name": "n", "value": "v"}]},
            "labels",
        ),
        (
            RetirementProvider(),
            {"account_name": "a1", "devices": [{"kind": "mdn", "id": "\u0967" * 10}]},
            "devices",
        ),
    ):
        result = provider.check({}, news)
        assert [failure_input(f) for f in result.failures] == [prop]
