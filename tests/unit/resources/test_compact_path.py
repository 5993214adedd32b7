"""A bundle given a ``pathlib.Path`` reads the file, and its errors carry the file's line numbers."""

from __future__ import annotations

from pathlib import Path

from pulumi_thingspace.models.compact import label_text
from pulumi_thingspace.resources.inputs import labels_from
from pulumi_thingspace.resources.label_bundle import LabelBundleProvider

ACCOUNT = "0342330389-00001"
EID1, EID2 = "89049032000001000000000000000001", "89049032000001000000000000000002"


def check(text: object) -> list[str]:
    result = LabelBundleProvider().check({}, {"__provider": "blob", "account_name": ACCOUNT, "labels": text})
    return [f.reason for f in result.failures]


def test_a_path_is_read_and_errors_name_the_file_lines(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(f"device_id,name,value\n{EID1},VIN,a\n\n1234,VIN,b\n{EID2},,c\n", encoding="utf-8")

    text = labels_from(path)

    assert text == path.read_text(encoding="utf-8")
    assert check(text) == [
        "labels line 4: device_id '1234' is not a valid EID: an EID is 32 digits",
        "labels line 5: name '' must be 1 to 20 characters",
    ]


def test_a_valid_file_gives_the_same_set_as_the_labels_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(f'["{EID2}","VIN","b"]\n["{EID1}","VIN","a"]\n', encoding="utf-8")
    result = LabelBundleProvider().check(
        {}, {"__provider": "blob", "account_name": ACCOUNT, "labels": labels_from(path)}
    )
    assert result.failures == []
    assert result.inputs["labels"] == label_text([(EID1, "VIN", "a"), (EID2, "VIN", "b")])
    assert result.inputs["label_count"] == 2
