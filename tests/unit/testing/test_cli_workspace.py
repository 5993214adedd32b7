"""``PulumiWorkspace`` without the real CLI: the commands it gives ``pulumi``, recorded by a stand-in."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kits.examples import QUICKSTART
from pulumi_thingspace.testing import secret
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

FAKE_PULUMI = """#!{python}
import json, os, sys
args = sys.argv[1:]
record = {{"args": args, "stdin": sys.stdin.read(), "cwd": os.getcwd(),
          "env": {{k: v for k, v in os.environ.items() if k.startswith("PULUMI_")}}}}
with open({log!r}, "a") as log:
    log.write(json.dumps(record) + "\\n")
if args[0] == "up" and "--expect-no-changes" in args:
    print("Updating (demo):\\n\\nResources:\\n    5 unchanged\\n\\nDuration: 1s")
elif args[0] == "up":
    print("Updating (demo):")
    print(" +  pulumi-python:dynamic/thingspace:CallbackListener carrier-callbacks creating (0s)")
    print(" +  pulumi-python:dynamic/thingspace:CallbackListener carrier-callbacks created (0.4s)")
    print("Resources:\\n    + 5 created\\n\\nDuration: 2s")
elif args[:2] == ["stack", "output"]:
    print(json.dumps({{"labelsVerified": True}}))
"""


def test_the_workspace_uses_a_local_backend_and_keeps_secrets_off_command_lines(tmp_path: Path) -> None:
    """The commands the real-CLI workspace gives ``pulumi``, recorded by a stand-in executable."""
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "bin" / "pulumi"
    fake.parent.mkdir()
    fake.write_text(FAKE_PULUMI.format(python=sys.executable, log=str(log)))
    fake.chmod(0o755)
    workdir = tmp_path / "work"
    workdir.mkdir()
    config = {
        "thingspace:baseUrl": "http://127.0.0.1:8650",
        "thingspace:clientSecret": secret("client-s3cret"),
        "sinkPassword": secret("sink-s3cret"),
    }

    ws = PulumiWorkspace(PulumiCli(fake, "v3.276.0"), QUICKSTART, workdir, config=config, stack="demo")
    ws.run("up", "--yes")

    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls[0]["args"][:3] == ["stack", "init", "demo"]
    sets = {c["args"][2]: c for c in calls if c["args"][:2] == ["config", "set"]}
    assert set(sets) == set(config)
    assert "--secret" in sets["sinkPassword"]["args"] and sets["sinkPassword"]["stdin"] == "sink-s3cret"
    assert "--secret" in sets["thingspace:clientSecret"]["args"]
    assert "--plaintext" in sets["thingspace:baseUrl"]["args"]
    assert sets["thingspace:baseUrl"]["stdin"] == "http://127.0.0.1:8650"
    assert not any("s3cret" in arg for c in calls for arg in c["args"])  # values go through stdin only
    assert all("--non-interactive" in c["args"] for c in calls)

    env = calls[0]["env"]
    assert env["PULUMI_BACKEND_URL"] == (workdir / "state").as_uri()
    assert env["PULUMI_CONFIG_PASSPHRASE"] and env["PULUMI_PYTHON_CMD"] == sys.executable
    assert Path(env["PULUMI_HOME"]).is_relative_to(workdir)
    assert {c["cwd"] for c in calls} == {str(workdir / "quickstart")}  # a copy, not examples/quickstart
    assert not list(QUICKSTART.glob("Pulumi.*.yaml"))
