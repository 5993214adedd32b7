"""Two explicit providers in one process (two ThingSpace tenants) keep their own settings and clients."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue

from kits.plugin import configure_request, props, provider_args, urn, values_of
from pulumi_thingspace.config import ProviderSettings
from pulumi_thingspace.plugin.provider import ThingSpacePlugin, setting_values
from pulumi_thingspace.resources.base import shared_client
from pulumi_thingspace.simulator import DEMO_ACCOUNT, SimulatorServer, synthetic_ids

LICENSES = urn("FotaLicenseAssignment", "fota")


@pytest.fixture
def second_sim() -> Iterator[SimulatorServer]:
    """Another tenant: a second simulator with its own demo fleet."""
    with SimulatorServer() as server:
        yield server


def assign(plugin: ThingSpacePlugin, serials: list[int]) -> dict[str, PropertyValue]:
    """Check and create a license assignment of the demo devices ``serials``; the created outputs."""
    imeis = [synthetic_ids(n)["imei"] for n in serials]
    news = props({"accountName": DEMO_ACCOUNT, "deviceImeis": imeis})
    checked = asyncio.run(plugin.check(rpc.CheckRequest(LICENSES, {}, news, b"")))
    assert not checked.failures and checked.inputs is not None
    return asyncio.run(plugin.create(rpc.CreateRequest(LICENSES, checked.inputs, 60.0, False))).properties


def licensed(sim: SimulatorServer) -> set[str]:
    return set(sim.state.licenses(DEMO_ACCOUNT)["devices"])


def test_two_configured_providers_keep_separate_settings(
    sim: SimulatorServer, second_sim: SimulatorServer
) -> None:
    args_a = provider_args(sim.url, licenseChunkSize=1)  # one IMEI per request
    args_b = provider_args(second_sim.url)  # the default chunk
    plugin_a, plugin_b = ThingSpacePlugin("{}"), ThingSpacePlugin("{}")
    asyncio.run(plugin_a.configure(configure_request(args_a)))
    asyncio.run(plugin_b.configure(configure_request(args_b)))  # configured last, used first below
    before_a, before_b = licensed(sim), licensed(second_sim)

    outs_b = assign(plugin_b, [5, 6])
    outs_a = assign(plugin_a, [3, 4])

    imei = {n: synthetic_ids(n)["imei"] for n in (3, 4, 5, 6)}
    assert licensed(sim) == before_a | {imei[3], imei[4]}, "tenant A's assignment went to tenant A"
    assert licensed(second_sim) == before_b | {imei[5], imei[6]}, "tenant B's assignment went to tenant B"
    assert sorted(values_of(outs_a)["ownedImeis"]) == [imei[3], imei[4]]
    assert sorted(values_of(outs_b)["ownedImeis"]) == [imei[5], imei[6]]

    settings_a = ProviderSettings.resolve(setting_values(args_a))
    settings_b = ProviderSettings.resolve(setting_values(args_b))
    client_a, client_b = shared_client(settings_a), shared_client(settings_b)
    assert client_a is not client_b
    assert (
        client_a.license_chunk_size == 1 and client_b.license_chunk_size == settings_b.license_chunk_size > 1
    )
    assert client_a.calls["licenses.assign"] == 2, "tenant A's chunk size: one request per IMEI"
    assert client_b.calls["licenses.assign"] == 1, "tenant B's chunk size: both IMEIs in one request"
