"""The generated Python SDK under the real CLI: two tenants and ``replace_on_changes``, preview to destroy.

The program (``programs/sdk_tenants``) imports ``pulumi_thingspace_sdk``, generated here from
``schema.json`` by ``pulumi package gen-sdk`` and put on ``PYTHONPATH``, and runs through the
``thingspace`` plugin installed as a user installs it. Its two explicit providers point at two simulators
with different accounts and credentials: every change must reach its own tenant's simulator only.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kits.cli import AUTH, LABELS_REMOVE, LABELS_SET
from kits.paths import PROGRAMS
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.plugin.install import version as plugin_version
from pulumi_thingspace.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    SimulatorServer,
    demo_seed,
    synthetic_ids,
)
from pulumi_thingspace.simulator.seed import SeedClient, SeedUser
from pulumi_thingspace.testing import secret
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace
from pulumi_thingspace.testing.sdk import generate_python_sdk, inspect_sdk

PROGRAM = PROGRAMS / "sdk_tenants"
TENANT_B_ACCOUNT = "0000000000-00002"
OURS = "thingspace:index:"
LABEL, PINNED = "TENANT", "PINNED"
FOTA_READ = "POST /api/fota/v3/devices/{account}"


def eid(serial: int) -> str:
    """EID of a demo-fleet device (both simulators hold the same twelve devices)."""
    return synthetic_ids(serial)["eid"]


def imei(serial: int) -> str:
    """IMEI of a demo-fleet device."""
    return synthetic_ids(serial)["imei"]


@dataclass
class Tenant:
    """One ThingSpace tenant: a simulator, the account on it and the credentials that reach it."""

    key: str
    sim: SimulatorServer
    account: str
    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)

    def config(self) -> dict[str, Any]:
        """The program's config for this tenant (secrets marked)."""
        return {
            f"{self.key}BaseUrl": self.sim.url,
            f"{self.key}ClientId": self.client_id,
            f"{self.key}ClientSecret": secret(self.client_secret),
            f"{self.key}Username": self.username,
            f"{self.key}Password": secret(self.password),
            f"{self.key}Account": self.account,
        }

    def held(self, name: str) -> dict[str, str]:
        """``{eid: value}`` of label ``name`` on this tenant's devices."""
        held = self.sim.state.labels(self.account)
        return {device: labels[name] for device, labels in held.items() if name in labels}

    def licensed(self) -> set[str]:
        """IMEIs holding a FOTA license on this tenant's account."""
        return set(self.sim.state.licenses(self.account)["devices"])

    def label_actions(self) -> list[tuple[str, str, str]]:
        """``(action, "<eid>/<name>", value)`` of each label line this simulator reported, in order."""
        actions = []
        for delivery in self.sim.state.deliveries():
            response = delivery["body"].get("deviceResponse", {}).get("usageSegmentationLabelsResponse")
            for line in (response or {}).get("usageSegmentationLabels", []):
                key = f"{line['deviceIds'][0]['id']}/{line['label']['name']}"
                actions.append((line["action"], key, line["label"]["value"]))
        return actions

    def requests(self) -> dict[str, int]:
        """Requests per endpoint since the last reset, authentication included."""
        return self.sim.state.request_counts()

    def api_calls(self) -> dict[str, int]:
        """Requests per endpoint since the last reset, authentication left out."""
        return {k: n for k, n in self.requests().items() if not any(a in k for a in AUTH)}


@contextmanager
def second_tenant() -> Iterator[Tenant]:
    """A simulator of its own with the demo fleet under another account and other credentials."""
    seed = demo_seed()
    creds = {
        "client_id": "tenant-b-app",
        "client_secret": secrets.token_urlsafe(16),
        "username": "tenant-b-user",
        "password": secrets.token_urlsafe(16),
    }
    seed = seed.model_copy(
        update={
            "clients": [SeedClient(client_id=creds["client_id"], client_secret=creds["client_secret"])],
            "users": [SeedUser(username=creds["username"], password=creds["password"])],
            "accounts": [seed.accounts[0].model_copy(update={"account_name": TENANT_B_ACCOUNT})],
        }
    )
    with SimulatorServer(seed) as sim:
        yield Tenant("b", sim, TENANT_B_ACCOUNT, **creds)


def documents(text: str) -> list[dict[str, Any]]:
    """The JSON documents in ``text``: ``--json`` prints a preview digest (indented), then an event a line."""
    decoder, found, rest = json.JSONDecoder(), [], text.strip()
    while rest:
        doc, end = decoder.raw_decode(rest)
        found.append(doc)
        rest = rest[end:].lstrip()
    return found


def errors(docs: Sequence[dict[str, Any]]) -> list[str]:
    """The error messages in a ``--json`` run: the preview digest's and the update's diagnostics."""
    found = [d for doc in docs for d in doc.get("diagnostics", [])]
    found += [doc["diagnosticEvent"] for doc in docs if "diagnosticEvent" in doc]
    return [d["message"].strip() for d in found if d.get("severity") == "error"]


def name_of(urn: str) -> str:
    """The resource name at the end of a URN."""
    return urn.rsplit("::", 1)[1]


@dataclass
class Run:
    """One ``pulumi <command> --json``: its preview's steps by resource name, the update's step order."""

    planned: dict[str, dict[str, Any]]
    """Steps of the preview digest that change a thingspace resource (op, detailedDiff, replaceReasons)."""
    summary: dict[str, int]
    """The preview's change summary (op -> count, the stack and providers included)."""
    started: list[tuple[str, str]]
    """``(op, name)`` of each thingspace step the update started, in order (``same`` left out)."""


class Program:
    """The sdk_tenants program in a workspace, with what each tenant's simulator received per command."""

    def __init__(self, ws: PulumiWorkspace, tenants: Sequence[Tenant]) -> None:
        self.ws = ws
        self.tenants = tenants

    def run(self, *args: str) -> Run:
        """``pulumi <args> --json`` with every simulator counting requests and label lines from zero."""
        for t in self.tenants:
            t.sim.state.reset_request_counts()
            t.sim.state.clear_deliveries()
        proc = self.ws.run(*args, "--json", check=False)
        docs = documents(proc.stdout)
        for t in self.tenants:
            t.sim.wait_idle()
        if proc.returncode != 0:
            text = "\n".join(errors(docs)) or proc.stderr
            raise AssertionError(f"`pulumi {' '.join(args)}` failed (exit {proc.returncode}):\n{text}")
        digest = docs[0] if "steps" in docs[0] else {"steps": [], "changeSummary": {}}
        planned = {
            name_of(s["urn"]): s for s in digest["steps"] if OURS in s["urn"] and s["op"] not in ("same",)
        }
        started = []
        for doc in docs:
            meta = doc.get("resourcePreEvent", {}).get("metadata", {})
            if OURS in meta.get("urn", "") and meta["op"] != "same":
                started.append((meta["op"], name_of(meta["urn"])))
        return Run(planned, digest["changeSummary"], started)

    def set(self, key: str, value: Any) -> None:
        """Set program config ``key`` (dicts and lists as JSON)."""
        self.ws.set_config(key, json.dumps(value))

    def export(self) -> tuple[str, dict[str, dict[str, Any]]]:
        """``pulumi stack export``: its text, and each resource's state by name."""
        text = self.ws.run("stack", "export").stdout
        resources = json.loads(text)["deployment"]["resources"]
        return text, {name_of(r["urn"]): r for r in resources}


def test_two_tenants_through_the_generated_sdk_from_preview_to_destroy(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    # The SDK as gen-sdk writes it: importable with `pulumi` alone, at the plugin's version.
    sdk = generate_python_sdk(pulumi_cli, tmp_path / "sdk")
    info = inspect_sdk(sdk)
    assert info.distribution_version == info.engine_version == info.plugin_version == plugin_version()
    assert {"Provider", "UsageSegmentationLabels", "FotaLicenseAssignment"} <= set(info.resources)

    a = Tenant(
        "a", services.sim, services.account, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USERNAME, DEMO_PASSWORD
    )
    with second_tenant() as b:
        start_licensed = {t.key: t.licensed() for t in (a, b)}
        a_labels = {eid(n): f"a{n}" for n in (1, 2, 3)}
        b_labels = {eid(n): f"b{n}" for n in (1, 2, 3)}  # the same devices and name, on the other tenant
        pinned = {eid(5): "p1", eid(6): "p1"}
        a_imeis, b_imeis = [imei(3), imei(4)], [imei(5), imei(6)]
        config = {
            **a.config(),
            **b.config(),
            "aLabels": json.dumps(a_labels),
            "bLabels": json.dumps(b_labels),
            "aImeis": json.dumps(a_imeis),
            "bImeis": json.dumps(b_imeis),
            "pinnedLabels": json.dumps(pinned),
        }
        ws = PulumiWorkspace(pulumi_cli, PROGRAM, tmp_path, config=config, env={"PYTHONPATH": str(sdk)})
        ws.install_plugin()
        prog = Program(ws, (a, b))

        # preview: two providers and five resources to create, nothing sent to either tenant.
        preview = prog.run("preview")
        assert {n: s["op"] for n, s in preview.planned.items()} == {
            n: "create" for n in ("segments-a", "fota-a", "segments-b", "fota-b", "pinned")
        }
        assert preview.summary == {"create": 8}  # the stack and the two providers too
        assert a.requests() == {} and b.requests() == {}

        # up: each tenant's simulator holds its own labels and licenses, and only those.
        prog.run("up", "--yes", "--skip-preview")
        assert a.held(LABEL) == a_labels and a.held(PINNED) == pinned
        assert b.held(LABEL) == b_labels and b.held(PINNED) == {}
        assert a.licensed() == start_licensed["a"] | set(a_imeis)
        assert b.licensed() == start_licensed["b"] | set(b_imeis)

        # An up with no change sends nothing to either tenant, not even a login.
        assert prog.run("up", "--yes").summary == {"same": 8}
        assert a.requests() == {} and b.requests() == {}

        # One label of tenant b changes: that key alone is planned, and only b's simulator hears of it.
        moved = {**b_labels, eid(3): "b3-moved"}
        prog.set("bLabels", moved)
        change = prog.run("up", "--yes")
        assert list(change.planned) == ["segments-b"] and change.planned["segments-b"]["op"] == "update"
        assert change.planned["segments-b"]["detailedDiff"] == {
            f'labels["{eid(3)}/{LABEL}"]': {"kind": "update", "inputDiff": True}
        }
        assert a.requests() == {} and a.label_actions() == []
        assert b.api_calls() == {LABELS_REMOVE: 1, LABELS_SET: 1}
        assert b.label_actions() == [
            ("Remove", f"{eid(3)}/{LABEL}", "b3"),
            ("Set", f"{eid(3)}/{LABEL}", "b3-moved"),
        ]
        assert b.held(LABEL) == moved and a.held(LABEL) == a_labels

        # replace_on_changes: one changed label of `pinned` replaces it, removing before setting.
        _, before = prog.export()
        repinned = {**pinned, eid(5): "p2"}
        prog.set("pinnedLabels", repinned)
        replace = prog.run("up", "--yes")
        step = replace.planned["pinned"]
        assert list(replace.planned) == ["pinned"] and step["op"] == "replace"
        assert step["replaceReasons"] == ["labels"]
        assert step["detailedDiff"] == {
            f'labels["{eid(5)}/{PINNED}"]': {"kind": "update-replace", "inputDiff": True}
        }
        ops = [op for op, name in replace.started if name == "pinned" and op != "replace"]
        assert ops == ["delete-replaced", "create-replacement"]
        _, after = prog.export()
        assert after["pinned"]["id"] != before["pinned"]["id"]
        assert a.api_calls() == {LABELS_REMOVE: 1, LABELS_SET: 1} and b.requests() == {}
        actions = a.label_actions()  # what ThingSpace reported, in order: both removed, then both set
        assert set(actions[:2]) == {("Remove", f"{k}/{PINNED}", v) for k, v in pinned.items()}
        assert set(actions[2:]) == {("Set", f"{k}/{PINNED}", v) for k, v in repinned.items()}
        assert len(actions) == 4
        assert a.held(PINNED) == repinned and a.held(LABEL) == a_labels

        # refresh reads each tenant's licenses from its own simulator and finds nothing changed.
        refresh = prog.run("refresh", "--yes")
        assert refresh.summary == {"same": 8}
        assert all(FOTA_READ in t.api_calls() for t in (a, b))

        # The providers' secret inputs are stored encrypted, never in plain text.
        text, state = prog.export()
        for t in (a, b):
            assert t.password not in text and t.client_secret not in text
            provider = state[f"tenant-{t.key}"]
            for key in ("password", "clientSecret"):
                assert "ciphertext" in provider["inputs"][key] and "ciphertext" in provider["outputs"][key]

        # destroy: both tenants are back where they started.
        prog.run("destroy", "--yes")
        for t in (a, b):
            assert t.held(LABEL) == {} and t.held(PINNED) == {}
            assert t.licensed() == start_licensed[t.key]
