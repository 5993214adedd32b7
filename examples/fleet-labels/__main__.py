"""Usage segmentation labels for a whole fleet, read from a CSV file.

Each CSV row is one label on one device: columns ``device_id`` (the EID, 32 digits), ``name`` and
``value``. Edit the CSV and run ``pulumi up`` again: only the labels that changed are sent. See
README.md for the config keys and ``make_fleet.py`` for a fleet to try it on.
"""

import csv
from pathlib import Path

import pulumi

import pulumi_thingspace as thingspace

COLUMNS = ("device_id", "name", "value")


def read_labels(path: Path) -> list[dict[str, str]]:
    """The CSV's rows as label dicts; blank lines and surrounding spaces are ignored."""
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: write it with `python make_fleet.py` or set `csvPath` to your CSV file"
        )
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
        rows = [{c: (row[c] or "").strip() for c in COLUMNS} for row in reader]
    return [row for row in rows if any(row.values())]


config = pulumi.Config()
account = config.get("accountName") or "0000000000-00001"
# Relative paths are relative to the project directory (where Pulumi runs the program).
csv_path = Path(config.get("csvPath") or "fleet.csv")
labels = read_labels(csv_path)

# With a listener on a callback sink (and thingspace:callbackResultsUrl set) every change is verified
# per device; without one the labels are sent and only their request ids are recorded.
depends_on: list[pulumi.Resource] = []
sink_url = config.get("sinkUrl")
if sink_url:
    listener = thingspace.CallbackListener(
        "carrier-callbacks",
        account_name=account,
        url=sink_url,
        username=config.get("sinkUsername") or "thingspace-callbacks",
        password=config.require_secret("sinkPassword"),
    )
    depends_on.append(listener)

fleet = thingspace.UsageSegmentationLabels(
    "fleet", account_name=account, labels=labels, opts=pulumi.ResourceOptions(depends_on=depends_on)
)

pulumi.export("csvPath", str(csv_path))
pulumi.export("labelCount", len(labels))
pulumi.export("labelsVerified", fleet.verified)
pulumi.export("labelRequestIds", fleet.request_ids)
