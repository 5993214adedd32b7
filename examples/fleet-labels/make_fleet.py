"""Write a simulator seed with N synthetic devices and the matching label CSV for this example.

    python make_fleet.py                      # 3,000 devices: fleet-seed.json and fleet.csv here
    python make_fleet.py --devices 10000 --csv-out /tmp/fleet.csv --seed-out /tmp/fleet-seed.json
    thingspace-simulator --seed fleet-seed.json

Device ``n`` has the identifiers of ``pulumi_thingspace.simulator.synthetic_ids(n)``; its CSV row
labels its EID with ``VIN`` = a made-up 17-character vehicle identification number.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pulumi_thingspace.simulator.seed import (
    DEMO_ACCOUNT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from pulumi_thingspace.simulator.synthetic import synthetic_ids

HERE = Path(__file__).resolve().parent
COLUMNS = ("device_id", "name", "value")


def vin_for(serial: int) -> str:
    """A 17-character VIN-like value, unique per serial."""
    return f"1TSDEMO{serial:010d}"


def seed_for(devices: int, account: str = DEMO_ACCOUNT) -> dict[str, Any]:
    """A seed file (parsed) with the demo credentials and ``devices`` synthetic active devices."""
    return {
        "clients": [{"clientId": DEMO_CLIENT_ID, "clientSecret": DEMO_CLIENT_SECRET}],
        "users": [{"username": DEMO_USERNAME, "password": DEMO_PASSWORD}],
        "accounts": [{"accountName": account, "licCount": 0, "generate": {"count": devices, "start": 1}}],
    }


def label_rows(devices: int, name: str = "VIN") -> list[dict[str, str]]:
    """One CSV row per device: its EID, the label name and its VIN."""
    return [
        {"device_id": synthetic_ids(n)["eid"], "name": name, "value": vin_for(n)}
        for n in range(1, devices + 1)
    ]


def write_csv(path: Path, rows: Sequence[dict[str, str]]) -> None:
    """Write label rows with the header ``device_id,name,value``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def write_fleet(
    devices: int, seed_out: Path, csv_out: Path, account: str = DEMO_ACCOUNT
) -> tuple[Path, Path]:
    """Write both files; returns their paths."""
    seed_out.write_text(json.dumps(seed_for(devices, account), indent=2) + "\n", encoding="utf-8")
    write_csv(csv_out, label_rows(devices))
    return seed_out, csv_out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description="Write a simulator seed and the matching label CSV.")
    parser.add_argument("--devices", type=int, default=3000, help="number of devices (default 3000)")
    parser.add_argument("--account", default=DEMO_ACCOUNT, help=f"account name (default {DEMO_ACCOUNT})")
    parser.add_argument("--seed-out", type=Path, default=HERE / "fleet-seed.json", help="seed file to write")
    parser.add_argument("--csv-out", type=Path, default=HERE / "fleet.csv", help="CSV file to write")
    args = parser.parse_args(argv)
    if args.devices < 1:
        parser.error("--devices must be at least 1")
    seed, labels = write_fleet(args.devices, args.seed_out, args.csv_out, args.account)
    print(f"wrote {seed} ({args.devices} devices in account {args.account}) and {labels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
