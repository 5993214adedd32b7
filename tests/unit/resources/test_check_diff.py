"""check and diff of every resource: validation messages, normalisation, unknowns, replacements."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_thingspace.resources.checking import failure_input
from pulumi_thingspace.resources.label import SingleLabelProvider
from pulumi_thingspace.resources.labels import LabelSetProvider
from pulumi_thingspace.resources.licenses import LicenseProvider
from pulumi_thingspace.resources.listener import ListenerProvider
from pulumi_thingspace.resources.retirement import RetirementProvider

ACCOUNT = "0342330389-00001"
EID1 = "89049032000001000000000000000001"
EID2 = "89049032000001000000000000000002"
EID3 = "89049032000001000000000000000003"
BLOB = "provider-blob"


def labels(*items: tuple[str, str, str]) -> dict[str, Any]:
    return {
        "__provider": BLOB,
        "account_name": ACCOUNT,
        "labels": [{"device_id": d, "name": n, "value": v} for d, n, v in items],
    }


def failures(result: Any) -> dict[str, str]:
    return {failure_input(f): f.reason for f in result.failures}


def engine_render(old: Any, new: Any, path: str = "") -> list[str]:
    """What the engine's preview shows: maps compared key by key, lists index by index."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for k in sorted(set(old) | set(new)):
            out += engine_render(old.get(k), new.get(k), f"{path}.{k}")
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for i in range(max(len(old), len(new))):
            out += engine_render(
                old[i] if i < len(old) else None, new[i] if i < len(new) else None, f"{path}[{i}]"
            )
        return out
    return [] if old == new else [path]


class TestLabelsCheck:
    def test_labels_become_a_map_keyed_by_device_and_name(self) -> None:
        res = LabelSetProvider().check({}, labels((EID2, "VIN", "b"), (EID1, "VIN", "a"), (EID1, "VIN", "a")))
        assert res.failures == []
        assert res.inputs["labels"] == {f"{EID1}/VIN": "a", f"{EID2}/VIN": "b"}
        assert "__provider" not in res.inputs  # the provider server adds it back itself

    def test_order_and_duplicates_never_show_as_a_change(self) -> None:
        p = LabelSetProvider()
        a = p.check({}, labels((EID1, "VIN", "a"), (EID2, "VIN", "b"))).inputs
        b = p.check({}, labels((EID2, "VIN", "b"), (EID1, "VIN", "a"), (EID2, "VIN", "b"))).inputs
        assert p.diff("id", a, b).changes is False

    def test_one_added_device_previews_as_one_added_key(self) -> None:
        p = LabelSetProvider()
        old = p.check({}, labels((EID1, "VIN", "a"), (EID3, "VIN", "c"))).inputs
        new = p.check({}, labels((EID1, "VIN", "a"), (EID2, "VIN", "b"), (EID3, "VIN", "c"))).inputs
        assert engine_render(old, new) == [f".labels.{EID2}/VIN"]

    def test_bad_eid_and_long_name_are_named_per_item(self) -> None:
        res = LabelSetProvider().check({}, labels(("1234", "VIN", "a"), (EID1, "N" * 21, "a")))
        reason = failures(res)["labels"]
        assert "labels[0].device_id" in reason and "32 digits" in reason
        assert "labels[1].name" in reason and "20 characters" in reason

    def test_value_longer_than_50_is_rejected(self) -> None:
        reason = failures(LabelSetProvider().check({}, labels((EID1, "VIN", "v" * 51))))["labels"]
        assert "labels[0].value" in reason and "50 characters" in reason

    def test_empty_list_is_rejected(self) -> None:
        assert "at least 1" in failures(LabelSetProvider().check({}, labels()))["labels"]

    def test_conflicting_duplicate_is_rejected(self) -> None:
        reason = failures(LabelSetProvider().check({}, labels((EID1, "VIN", "a"), (EID1, "VIN", "b"))))[
            "labels"
        ]
        assert reason == f"labels[1]: {EID1}/VIN is given both 'a' (labels[0]) and 'b'"

    def test_conflicting_duplicate_in_a_large_set_is_named_by_path_not_by_the_set(self) -> None:
        many = [(f"89049032000001{n:018d}", "VIN", "v") for n in range(5000)]
        res = LabelSetProvider().check(
            {}, labels(*many[:3000], (many[1234][0], "VIN", "other"), *many[3000:])
        )
        # No property: the engine then prints the reason alone, not the input value (the whole set).
        assert [(f.property, f.reason) for f in res.failures] == [
            ("", f"labels[3000]: {many[1234][0]}/VIN is given both 'v' (labels[1234]) and 'other'")
        ]

    def test_account_name_cannot_smuggle_a_path(self) -> None:
        for bad in ("../0342330389", "0342330389/00001", "0342%2F1", "acct\n1"):
            news = {**labels((EID1, "VIN", "a")), "account_name": bad}
            assert "account name" in failures(LabelSetProvider().check({}, news))["account_name"]

    def test_leading_zeros_are_kept(self) -> None:
        news = {**labels((EID1, "VIN", "a")), "account_name": "0000000000-00001"}
        assert LabelSetProvider().check({}, news).inputs["account_name"] == "0000000000-00001"

    def test_unknown_property_is_named(self) -> None:
        assert "bogus" in failures(LabelSetProvider().check({}, {**labels((EID1, "VIN", "a")), "bogus": 1}))

    def test_unknown_values_during_preview_do_not_fail(self) -> None:
        news = {
            "__provider": BLOB,
            "account_name": Unknown(),
            "labels": [{"device_id": EID1, "name": "VIN", "value": Unknown()}],
        }
        res = LabelSetProvider().check({}, news)
        assert res.failures == []
        assert isinstance(res.inputs["account_name"], Unknown)

    def test_known_fields_are_still_checked_when_others_are_unknown(self) -> None:
        news = {"__provider": BLOB, "account_name": "../x", "labels": Unknown()}
        assert set(failures(LabelSetProvider().check({}, news))) == {"account_name"}


class TestLabelsDiff:
    def test_account_change_replaces_label_change_updates(self) -> None:
        p = LabelSetProvider()
        old = p.check({}, labels((EID1, "VIN", "a"))).inputs
        new = p.check({}, labels((EID1, "VIN", "b"))).inputs
        d = p.diff("id", {**old, "request_ids": ["r1"]}, new)
        assert d.changes is True and d.replaces == []
        moved = {**new, "account_name": "0000000000-00001"}
        assert p.diff("id", old, moved).replaces == ["account_name"]

    def test_provider_blob_and_outputs_are_ignored(self) -> None:
        p = LabelSetProvider()
        old = {**p.check({}, labels((EID1, "VIN", "a"))).inputs, "__provider": "old", "verified": True}
        new = {**p.check({}, labels((EID1, "VIN", "a"))).inputs, "__provider": "new"}
        assert p.diff("id", old, new).changes is False

    def test_unknown_account_during_preview_is_a_replacement(self) -> None:
        p = LabelSetProvider()
        old = p.check({}, labels((EID1, "VIN", "a"))).inputs
        assert p.diff("id", old, {**old, "account_name": Unknown()}).replaces == ["account_name"]


class TestSingleLabel:
    def base(self, **over: Any) -> dict[str, Any]:
        return {
            "__provider": BLOB,
            "account_name": ACCOUNT,
            "device_id": EID1,
            "name": "SEGMENT",
            "value": "radio",
            **over,
        }

    def test_valid_and_invalid(self) -> None:
        p = SingleLabelProvider()
        assert p.check({}, self.base()).failures == []
        assert "32 digits" in " ".join(failures(p.check({}, self.base(device_id="1"))).values())
        assert failures(p.check({}, self.base(value="x" * 51)))

    def test_device_or_name_replaces_value_updates(self) -> None:
        p = SingleLabelProvider()
        old = p.check({}, self.base()).inputs
        assert p.diff("id", old, p.check({}, self.base(value="tv")).inputs).replaces == []
        assert p.diff("id", old, p.check({}, self.base(device_id=EID2)).inputs).replaces == ["device_id"]
        assert p.diff("id", old, p.check({}, self.base(name="OTHER")).inputs).replaces == ["name"]


class TestLicenses:
    def base(self, **over: Any) -> dict[str, Any]:
        return {"__provider": BLOB, "account_name": ACCOUNT, "device_imeis": ["990000862471854"], **over}

    def test_imeis_normalised_and_defaults_filled(self) -> None:
        res = LicenseProvider().check(
            {}, self.base(device_imeis=["990000862471855", "990000862471854", "990000862471855"])
        )
        assert res.failures == []
        assert res.inputs["device_imeis"] == {"990000862471854": True, "990000862471855": True}
        assert res.inputs["api_version"] == "v3" and res.inputs["adopt"] is False

    def test_bad_imei_empty_list_bad_version(self) -> None:
        p = LicenseProvider()
        assert "15 digits" in failures(p.check({}, self.base(device_imeis=["12345"])))["device_imeis"]
        assert "device_imeis" in failures(p.check({}, self.base(device_imeis=[])))
        assert "api_version" in failures(p.check({}, self.base(api_version="v2")))

    def test_checksum_failures_are_accepted(self) -> None:
        # Verizon's own sample IMEIs fail the Luhn check; they must still be accepted.
        assert LicenseProvider().check({}, self.base(device_imeis=["990013907835573"])).failures == []

    def test_only_account_replaces(self) -> None:
        p = LicenseProvider()
        old = p.check({}, self.base()).inputs
        new = p.check({}, self.base(device_imeis=["990000862471854", "990000862471855"])).inputs
        d = p.diff("id", old, new)
        assert d.changes is True and d.replaces == []
        assert engine_render(old, new) == [".device_imeis.990000862471855"]


class TestRetirement:
    def base(self, **over: Any) -> dict[str, Any]:
        return {
            "__provider": BLOB,
            "account_name": ACCOUNT,
            "devices": [{"kind": "ICCID", "id": "89148000000800000015"}],
            **over,
        }

    def test_devices_keyed_by_kind_and_id(self) -> None:
        res = RetirementProvider().check({}, self.base())
        assert res.failures == []
        assert res.inputs["devices"] == {"iccid:89148000000800000015": True}

    def test_unknown_kind_and_bad_format(self) -> None:
        reason = failures(RetirementProvider().check({}, self.base(devices=[{"kind": "sim", "id": "1"}])))[
            "devices"
        ]
        assert "unknown device kind" in reason and "iccid" in reason
        reason = failures(RetirementProvider().check({}, self.base(devices=[{"kind": "imei", "id": "1"}])))[
            "devices"
        ]
        assert "15 digits" in reason

    def test_deactivate_first_requires_explicit_waiver(self) -> None:
        p = RetirementProvider()
        assert "set explicitly" in failures(p.check({}, self.base(deactivate_first=True)))["etf_waiver"]
        assert p.check({}, self.base(deactivate_first=True, etf_waiver=False)).failures == []

    def test_float_timeout_from_engine_is_no_change(self) -> None:
        p = RetirementProvider()
        old = p.check({}, self.base(deactivate_timeout_seconds=60)).inputs
        new = p.check({}, self.base(deactivate_timeout_seconds=60.0)).inputs
        assert p.diff("id", old, new).changes is False


class TestListener:
    def base(self, **over: Any) -> dict[str, Any]:
        return {
            "__provider": BLOB,
            "account_name": ACCOUNT,
            "url": "https://hooks.example.com/ts",
            "username": "ts",
            "password": "hunter2-secret",
            **over,
        }

    def test_https_required_except_loopback(self) -> None:
        p = ListenerProvider()
        assert "https" in failures(p.check({}, self.base(url="http://hooks.example.com/ts")))["url"]
        assert p.check({}, self.base(url="http://127.0.0.1:8651/callbacks")).failures == []
        assert p.check({}, self.base(url="http://localhost:8651/callbacks")).failures == []

    def test_failures_never_echo_the_password(self) -> None:
        res = ListenerProvider().check({}, self.base(url="ftp://x", password="hunter2-secret", bogus=True))
        assert res.failures and all("hunter2" not in f.reason for f in res.failures)

    @pytest.mark.parametrize("field", ["url", "username", "password", "service_name", "account_name"])
    def test_changes_replace_deleting_first(self, field: str) -> None:
        p = ListenerProvider()
        old = p.check({}, self.base()).inputs
        changed = {
            "url": "https://other.example.com/x",
            "username": "u2",
            "password": "p2",
            "service_name": "DeviceService",
            "account_name": "0000000000-00001",
        }[field]
        d = p.diff("id", old, p.check({}, self.base(**{field: changed})).inputs)
        assert d.replaces == [field] and d.delete_before_replace is True

    def test_adopt_change_is_an_update(self) -> None:
        p = ListenerProvider()
        d = p.diff("id", p.check({}, self.base()).inputs, p.check({}, self.base(adopt=True)).inputs)
        assert d.changes is True and d.replaces == []
