"""Seed files (JSON) describing accounts, devices, licenses and credentials, and the built-in demo fleet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .config import SimulatorConfig
from .records import DeviceSpec
from .state import SimulatorState
from .synthetic import IMEI_PREFIX, synthetic_ids

DEMO_ACCOUNT = "0000000000-00001"
DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"
DEMO_USERNAME = "demo-user"
DEMO_PASSWORD = "demo-password"


class _SeedModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class SeedIdentifier(_SeedModel):
    """``{"kind": "eid", "id": "..."}``."""

    kind: str
    id: str


class SeedDevice(_SeedModel):
    """A device with its identifiers, line state, labels and license."""

    device_ids: list[SeedIdentifier] = Field(min_length=1)
    state: str = "active"
    labels: dict[str, str] = Field(default_factory=dict)
    license_assigned: bool = False
    service_plan: str = "M2M-4G-Unlimited"
    connected: bool = True
    fota_eligible: bool = True

    def spec(self) -> DeviceSpec:
        """The device as the fleet adds it."""
        return DeviceSpec(
            ids={i.kind.lower(): i.id for i in self.device_ids},
            state=self.state,
            labels=dict(self.labels),
            licensed=self.license_assigned,
            service_plan=self.service_plan,
            connected=self.connected,
            fota_eligible=self.fota_eligible,
        )


class SeedGenerate(_SeedModel):
    """Synthetic devices: ``count`` devices numbered from ``start`` (next free serial when omitted)."""

    count: int = Field(ge=0)
    start: int | None = Field(default=None, ge=1)
    state: str = "active"


class SeedCallback(_SeedModel):
    """A pre-registered callback listener."""

    name: str
    url: str
    username: str = ""
    password: str = Field(default="", repr=False)


class SeedAccount(_SeedModel):
    """An account with its license pool, devices and listeners."""

    account_name: str
    lic_count: int = Field(default=0, ge=0)
    devices: list[SeedDevice] = Field(default_factory=list)
    generate: SeedGenerate | None = None
    callbacks: list[SeedCallback] = Field(default_factory=list)


class SeedClient(_SeedModel):
    """OAuth client credentials."""

    client_id: str
    client_secret: str = Field(repr=False)


class SeedUser(_SeedModel):
    """M2M (UWS) user credentials."""

    username: str
    password: str = Field(repr=False)


class Seed(_SeedModel):
    """A whole seed file."""

    clients: list[SeedClient] = Field(default_factory=list)
    users: list[SeedUser] = Field(default_factory=list)
    accounts: list[SeedAccount] = Field(default_factory=list)


def load_seed(path: str | Path) -> Seed:
    """Read and validate a seed file."""
    return Seed.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))


def demo_seed() -> Seed:
    """The default fleet: 12 devices (1-9 active, 10-12 deactive), 10 licenses, devices 1 and 2 licensed."""
    devices = []
    for serial in range(1, 13):
        ids = synthetic_ids(serial)
        devices.append(
            SeedDevice(
                device_ids=[SeedIdentifier(kind=k, id=v) for k, v in ids.items()],
                state="active" if serial <= 9 else "deactive",
                license_assigned=serial <= 2,
            )
        )
    return Seed(
        clients=[SeedClient(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)],
        users=[SeedUser(username=DEMO_USERNAME, password=DEMO_PASSWORD)],
        accounts=[SeedAccount(account_name=DEMO_ACCOUNT, lic_count=10, devices=devices)],
    )


def build_state(
    seed: Seed | str | Path | dict[str, Any] | None = None, config: SimulatorConfig | None = None
) -> SimulatorState:
    """A fresh state loaded from ``seed`` (a Seed, a file path, a parsed dict, or None for the demo)."""
    if seed is None:
        seed = demo_seed()
    elif isinstance(seed, dict):
        seed = Seed.model_validate(seed)
    elif not isinstance(seed, Seed):
        seed = load_seed(seed)
    state = SimulatorState(config)
    apply_seed(state, seed)
    return state


def apply_seed(state: SimulatorState, seed: Seed) -> None:
    """Add the seed's credentials, accounts, devices and listeners to ``state``."""
    # Devices named by hand may use synthetic serials; generated ones must not collide with them.
    _reserve_used_serials(state, seed)
    for client in seed.clients:
        state.identity.add_client(client.client_id, client.client_secret)
    for user in seed.users:
        state.identity.add_user(user.username, user.password)
    for account in seed.accounts:
        state.fleet.add_account(account.account_name, account.lic_count)
        state.add_devices(account.account_name, (d.spec() for d in account.devices))
        if account.generate is not None:
            gen = account.generate
            state.add_synthetic_devices(account.account_name, gen.count, gen.state, gen.start)
        for cb in account.callbacks:
            state.callbacks.register(account.account_name, cb.name, cb.url, cb.username, cb.password)


def _reserve_used_serials(state: SimulatorState, seed: Seed) -> None:
    highest = 0
    for account in seed.accounts:
        for device in account.devices:
            for ident in device.device_ids:
                if ident.kind.lower() == "imei" and ident.id.startswith(IMEI_PREFIX) and ident.id.isdigit():
                    highest = max(highest, int(ident.id[len(IMEI_PREFIX) : -1]))
    state.reserve_serials(highest)
