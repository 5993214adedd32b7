"""check and diff of the bundle resources: canonical text, line-numbered errors, change_summary, hashes."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_thingspace.models.compact import MAX_PROBLEMS, label_text
from pulumi_thingspace.resources.checking import failure_input
from pulumi_thingspace.resources.label_bundle import LabelBundleProvider
from pulumi_thingspace.resources.license_bundle import LicenseBundleProvider
from pulumi_thingspace.resources.retirement_bundle import RetirementBundleProvider

ACCOUNT = "0342330389-00001"
EIDS = [f"890490320000010000000000000000{i:02d}" for i in range(1, 13)]
IMEI1, IMEI2, IMEI3 = "990000862471854", "350000000000014", "350000000000022"
ICCID = "89148000000800000015"
LABELS = LabelBundleProvider()


def news(text: Any, **extra: Any) -> dict[str, Any]:
    return {"__provider": "blob", "account_name": ACCOUNT, "labels": text, **extra}


def checked(text: str, olds: dict[str, Any] | None = None) -> dict[str, Any]:
    result = LABELS.check(olds or {}, news(text))
    assert result.failures == []
    assert result.inputs is not None
    return dict(result.inputs)


def reasons(result: Any) -> list[str]:
    assert all(f.property == "" for f in result.failures)  # never the whole text printed back
    return [f.reason for f in result.failures]


def outputs_of(inputs: dict[str, Any]) -> dict[str, Any]:
    """What create records: the checked inputs without the summary."""
    return {k: v for k, v in inputs.items() if k != "change_summary"}


def test_labels_are_sorted_deduplicated_and_hashed() -> None:
    text = label_text(
        [(EIDS[2], "VIN", "c"), (EIDS[0], "VIN", "a"), (EIDS[2], "VIN", "c"), (EIDS[1], "B", "b")]
    )
    inputs = checked(text)
    lines = inputs["labels"].split("\n")
    assert lines == [f'["{EIDS[0]}","VIN","a"]', f'["{EIDS[1]}","B","b"]', f'["{EIDS[2]}","VIN","c"]']
    assert inputs["label_count"] == 3
    assert inputs["labels_sha256"] == hashlib.sha256(inputs["labels"].encode()).hexdigest()
    assert checked(inputs["labels"])["labels"] == inputs["labels"]  # canonical text is a fixed point


def test_csv_text_is_accepted_and_errors_name_the_file_line() -> None:
    csv = f"device_id,name,value\n{EIDS[0]},VIN,a\n\n 1234 ,VIN,b\n{EIDS[1]},,c\n"
    result = LABELS.check({}, news(csv))
    assert reasons(result) == [
        "labels line 4: device_id '1234' is not a valid EID: an EID is 32 digits",
        "labels line 5: name '' must be 1 to 20 characters",
    ]
    assert {failure_input(f) for f in result.failures} == {"labels"}
    ok = checked(f"Device_ID, Name, Value\n{EIDS[1]},VIN,b\n{EIDS[0]},VIN,a\n")
    assert ok["labels"] == label_text([(EIDS[0], "VIN", "a"), (EIDS[1], "VIN", "b")])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (f'["{EIDS[0]}","VIN","a"]\n["{EIDS[1]}","VIN"', "labels line 2: not a JSON array"),
        (f'["{EIDS[0]}","VIN","a"]\n["{EIDS[1]}","VIN"]', "labels line 2: expected three strings"),
        (f'["{EIDS[0]}","VIN","{"x" * 51}"]', "labels line 1: value 'xxx"),
        ("", "labels: must hold at least one label"),
        ("eid,name\n", "labels line 1: expected JSON lines or a CSV header 'device_id,name,value'"),
        (
            label_text([(EIDS[0], "VIN", "a"), (EIDS[1], "VIN", "b"), (EIDS[0], "VIN", "z")]),
            f"labels line 3: {EIDS[0]}/VIN is given both 'a' (line 1) and 'z'",
        ),
    ],
)
def test_bad_label_text_names_the_line_and_the_rule(text: str, reason: str) -> None:
    (got,) = reasons(LABELS.check({}, news(text)))
    assert got.startswith(reason)


def test_many_bad_lines_are_capped_and_counted() -> None:
    text = label_text((f"{i:05d}", "VIN", "v") for i in range(25))
    got = reasons(LABELS.check({}, news(text)))
    assert len(got) == MAX_PROBLEMS + 1
    assert got[-1] == "labels: 15 more invalid line(s)"


def test_a_newline_inside_an_eid_cannot_pass_as_two_valid_ones() -> None:
    text = label_text([(f"{EIDS[0]}\n{EIDS[1]}", "VIN", "a")])
    (got,) = reasons(LABELS.check({}, news(text)))
    assert got.startswith("labels line 1: device_id")


def test_scalar_inputs_are_still_checked_by_the_model() -> None:
    result = LABELS.check({}, {**news(label_text([(EIDS[0], "VIN", "a")])), "account_name": "../x"})
    assert [failure_input(f) for f in result.failures] == ["account_name"]


def test_create_summary_counts_every_label_and_lists_the_first_ten() -> None:
    inputs = checked(label_text((e, "VIN", "v") for e in EIDS))
    assert inputs["change_summary"] == {
        "set": 12,
        "removed": 0,
        "first_set": [f"{e}/VIN" for e in EIDS[:10]],
        "first_removed": [],
    }


def test_one_changed_value_is_one_removed_and_one_set() -> None:
    before = {e: "old" for e in EIDS}
    old = checked(label_text((e, "VIN", v) for e, v in before.items()))
    after = {**before, EIDS[5]: "new"}
    del after[EIDS[7]]
    after[EIDS[0].replace("01", "99", 1)] = "added"
    new = checked(label_text((e, "VIN", v) for e, v in after.items()), olds=old)
    summary = new["change_summary"]
    assert summary["set"] == 2 and summary["removed"] == 2
    assert summary["first_removed"] == [f"{EIDS[5]}/VIN", f"{EIDS[7]}/VIN"]
    assert sorted(summary["first_set"]) == sorted([f"{EIDS[5]}/VIN", f"{EIDS[0].replace('01', '99', 1)}/VIN"])
    diff = LABELS.diff("id", outputs_of(old), new)
    assert diff.changes is True and diff.replaces == []


def test_no_change_is_an_empty_summary_and_no_diff() -> None:
    text = label_text((e, "VIN", "v") for e in EIDS)
    old = checked(text)
    shuffled = label_text((e, "VIN", "v") for e in reversed(EIDS))
    new = checked(shuffled, olds=old)
    assert new["change_summary"] == {"set": 0, "removed": 0, "first_set": [], "first_removed": []}
    assert LABELS.diff("id", outputs_of(old), new).changes is False  # the summary is never a change


def test_a_refreshed_state_hands_back_computed_inputs_which_check_recomputes() -> None:
    old = checked(label_text([(EIDS[0], "VIN", "a")]))
    again = LABELS.check(old, {**news(old["labels"]), "label_count": 99, "labels_sha256": "stale"})
    assert again.failures == [] and again.inputs is not None
    assert again.inputs["label_count"] == 1 and again.inputs["labels_sha256"] == old["labels_sha256"]


def test_account_change_replaces() -> None:
    old = checked(label_text([(EIDS[0], "VIN", "a")]))
    new = {**old, "account_name": "0342330389-00002"}
    assert LABELS.diff("id", outputs_of(old), new).replaces == ["account_name"]


def test_unknown_labels_in_preview_leave_every_computed_input_unknown() -> None:
    result = LABELS.check({}, news(Unknown()))  # type: ignore[no-untyped-call]
    assert result.failures == [] and result.inputs is not None
    for name in ("label_count", "labels_sha256", "change_summary"):
        assert isinstance(result.inputs[name], Unknown)
    old = checked(label_text([(EIDS[0], "VIN", "a")]))
    assert LABELS.diff("id", outputs_of(old), dict(result.inputs)).changes is True


def test_license_summary_keys_are_imeis() -> None:
    provider = LicenseBundleProvider()
    base = {"account_name": ACCOUNT}
    old = provider.check({}, {**base, "device_imeis": f"{IMEI1}\n{IMEI2}\n{IMEI1}"}).inputs
    assert old is not None and old["device_imeis"] == f"{IMEI2}\n{IMEI1}" and old["imei_count"] == 2
    new = provider.check(old, {**base, "device_imeis": f"{IMEI3}\n{IMEI2}"}).inputs
    assert new is not None
    assert new["change_summary"] == {"set": 1, "removed": 1, "first_set": [IMEI3], "first_removed": [IMEI1]}
    assert new["api_version"] == "v3" and new["adopt"] is False
    bad = provider.check({}, {**base, "device_imeis": f"{IMEI1}\n12345"})
    assert reasons(bad) == ["device_imeis line 2: '12345' is not a valid IMEI: an IMEI is 15 digits"]


def test_retirement_keys_are_kind_and_id_and_the_waiver_rule_holds() -> None:
    provider = RetirementBundleProvider()
    base = {"account_name": ACCOUNT}
    old = provider.check({}, {**base, "devices": f"ICCID:{ICCID}"}).inputs
    assert old is not None and old["devices"] == f"iccid:{ICCID}"
    new = provider.check(old, {**base, "devices": f"iccid:{ICCID}\nimei:{IMEI1}"}).inputs
    assert new is not None
    assert new["change_summary"] == {
        "set": 1,
        "removed": 0,
        "first_set": [f"imei:{IMEI1}"],
        "first_removed": [],
    }
    bad = provider.check({}, {**base, "devices": f"iccid:{ICCID}\nsim:1\n{IMEI1}"})
    assert reasons(bad) == [
        "devices line 2: unknown device kind 'sim'; valid kinds are eid, iccid, imei, imsi, meid, esn, mdn, "
        "min, msisdn",
        f"devices line 3: '{IMEI1}' is not <kind>:<id>, e.g. iccid:89148000000800000015",
    ]
    waiver = provider.check({}, {**base, "devices": f"iccid:{ICCID}", "deactivate_first": True})
    assert [failure_input(f) for f in waiver.failures] == ["etf_waiver"]


def test_a_conflicting_duplicate_in_a_large_bundle_is_one_short_failure() -> None:
    rows = [(f"89049032000001{n:018d}", "VIN", "v") for n in range(5000)]
    text = label_text([*rows[:3000], (rows[1234][0], "VIN", "other"), *rows[3000:]])
    (got,) = reasons(LABELS.check({}, news(text)))
    assert got == f"labels line 3001: {rows[1234][0]}/VIN is given both 'v' (line 1235) and 'other'"
