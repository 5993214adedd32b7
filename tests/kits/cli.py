"""The real-CLI tier's kit: the fleet program under ``pulumi``, declared by data, and what reached the API."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kits.paths import PROGRAMS
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

PROGRAM = PROGRAMS / "fleet"
LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
LABELS_SET, LABELS_REMOVE = f"POST {LABELS_PATH}", f"DELETE {LABELS_PATH}"
AUTH = ("/oauth2/", "/session/")
FLEET_START = 1000  # synthetic serials of the large fleet, clear of the demo fleet's 1-12


def label_map(serials: Iterable[int], name: str = "SEGMENT", value: str = "v") -> dict[str, str]:
    """``{"<eid>/<name>": value}`` for synthetic devices."""
    return {f"{synthetic_ids(n)['eid']}/{name}": value for n in serials}


def label_list(labels: Mapping[str, str]) -> list[dict[str, str]]:
    """The program's ``labels`` argument for a label map."""
    return [
        {"device_id": key.partition("/")[0], "name": key.partition("/")[2], "value": value}
        for key, value in labels.items()
    ]


def resource(
    type_: str, name: str, args: Mapping[str, Any], *, depends_on: Sequence[str] = (), **opts: Any
) -> dict[str, Any]:
    """One entry of the program's ``spec.json``."""
    return {"type": type_, "name": name, "args": dict(args), "opts": opts, "depends_on": list(depends_on)}


def listener(services: Services, name: str = "carrier") -> dict[str, Any]:
    """A CarrierService listener on the sink: label changes report their outcome only there."""
    args = {
        "account_name": services.account,
        "url": services.sink.callback_url,
        "username": services.settings.callback_username,
        "password": {"config_secret": "sinkPassword"},
    }
    return resource("CallbackListener", name, args)


class Fleet:
    """A copy of the fleet program in ``project_dir``, declared by data, and what reached the simulator."""

    def __init__(self, services: Services, project_dir: Path) -> None:
        self.services = services
        self.account = services.account
        self.dir = project_dir

    def declare(
        self, resources: Sequence[Mapping[str, Any]], exports: Mapping[str, str] | None = None
    ) -> None:
        """Make the program declare ``resources`` (see :func:`resource`) on its next run."""
        spec = {"resources": list(resources), "exports": dict(exports or {})}
        (self.dir / "spec.json").write_text(json.dumps(spec, indent=1))

    def api_writes(self) -> dict[str, int]:
        """Requests per endpoint since the last reset, authentication left out."""
        counts = self.services.sim.state.request_counts()
        return {k: v for k, v in counts.items() if not any(a in k for a in AUTH)}

    def labels_on_devices(self) -> dict[str, str]:
        """Labels the simulator holds, as ``{"<eid>/<name>": value}``."""
        held = self.services.sim.state.labels(self.account)
        return {f"{eid}/{name}": value for eid, labels in held.items() for name, value in labels.items()}

    def label_actions(self) -> list[tuple[str, str, str]]:
        """``(action, "<eid>/<name>", value)`` of every label line ThingSpace reported, in sending order."""
        actions = []
        for delivery in self.services.sim.state.deliveries():
            response = delivery["body"].get("deviceResponse", {}).get("usageSegmentationLabelsResponse")
            for line in (response or {}).get("usageSegmentationLabels", []):
                label = line["label"]
                actions.append(
                    (line["action"], f"{line['deviceIds'][0]['id']}/{label['name']}", label["value"])
                )
        return actions

    def label_lines(self) -> dict[str, set[str]]:
        """Per action (``Set``/``Remove``), the ``<eid>/<name>=<value>`` lines ThingSpace reported."""
        lines: dict[str, set[str]] = {"Set": set(), "Remove": set()}
        for action, key, value in self.label_actions():
            lines[action].add(f"{key}={value}")
        return lines


class FleetStack(Fleet):
    """The fleet program copied into ``workdir`` with its own stack, run by the real ``pulumi``."""

    def __init__(
        self,
        cli: PulumiCli,
        services: Services,
        workdir: Path,
        stack: str = "dev",
        config: Mapping[str, Any] | None = None,
    ) -> None:
        settings = {**services.stack_config(), **(config or {})}
        self.ws = PulumiWorkspace(cli, PROGRAM, workdir, config=settings, stack=stack)
        super().__init__(services, self.ws.dir)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``pulumi <args>``, counting API requests from zero."""
        self.services.sim.state.reset_request_counts()
        return self.ws.run(*args, check=check)

    def up(self, *flags: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``pulumi up --yes --skip-preview`` and wait until the simulator sent its callbacks."""
        proc = self.run("up", "--yes", "--skip-preview", *flags, check=check)
        self.services.sim.wait_idle()
        return proc

    def up_steps(self) -> list[tuple[str, str]]:
        """``pulumi up --yes --json`` (an event per line): ``(op, name)`` of each resource of the program."""
        steps = []
        for line in self.up("--json").stdout.splitlines():
            done = json.loads(line).get("resOutputsEvent", {}).get("metadata", {})
            if "thingspace:" in done.get("urn", ""):
                steps.append((done["op"], done["urn"].rsplit("::", 1)[1]))
        return steps

    def start_slowed_up(self, endpoint: str, at_least: int) -> subprocess.Popen[str]:
        """Start ``pulumi up`` with every device action answered after 1 s; return once ``endpoint``
        (e.g. :data:`LABELS_SET`) got ``at_least`` requests, with the run still going."""
        state = self.services.sim.state
        state.configure_faults(latency_seconds=1.0, path_prefix="/api/m2m/v1/devices/actions/")
        state.reset_request_counts()
        running = self.ws.start("up", "--yes", "--skip-preview")
        deadline = time.monotonic() + 120
        while state.request_counts().get(endpoint, 0) < at_least and time.monotonic() < deadline:
            time.sleep(0.05)
        return running

    def export(self) -> dict[str, Any]:
        """``pulumi stack export`` as JSON."""
        state: dict[str, Any] = json.loads(self.ws.run("stack", "export").stdout)
        return state

    def outputs(self, show_secrets: bool = False) -> dict[str, Any]:
        """``pulumi stack output --json`` (``--show-secrets`` when asked)."""
        args = ["stack", "output", "--json"] + (["--show-secrets"] if show_secrets else [])
        outputs: dict[str, Any] = json.loads(self.ws.run(*args).stdout or "{}")
        return outputs

    def resource_outputs(self, name: str) -> dict[str, Any]:
        """The outputs of the resource named ``name`` in the exported state."""
        for res in self.export()["deployment"].get("resources", []):
            if res["urn"].endswith(f"::{name}"):
                outputs: dict[str, Any] = res.get("outputs", {})
                return outputs
        raise KeyError(name)


def changed_lines(preview: str) -> list[str]:
    """The lines of ``pulumi preview --diff`` that mark a change (``+``, ``-``, ``~``), spaces collapsed."""
    lines = (" ".join(line.split()) for line in preview.splitlines())
    return [line for line in lines if line[:1] in ("+", "-", "~")]
