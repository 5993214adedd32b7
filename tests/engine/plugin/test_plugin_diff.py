"""The plugin's detailed diff: a review names the one changed label or device, not the whole set."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from pulumi.provider.experimental import provider as rpc

from kits.plugin import props, urn
from pulumi_thingspace.plugin.provider import ThingSpacePlugin, detailed_diff
from pulumi_thingspace.resources.registry import BY_NAME
from pulumi_thingspace.schema.typemap import prop_name

ACCOUNT = "0000000000-00001"
OTHER_ACCOUNT = "0342330389-00001"
LABELS = urn("UsageSegmentationLabels", "fleet")
LICENSES = urn("FotaLicenseAssignment", "fota")
Kind = rpc.PropertyDiffKind


def label_map(n: int) -> dict[str, str]:
    """``n`` labels as checked inputs hold them: ``{"<eid>/<name>": value}``."""
    return {f"89049032{i:024d}/VIN": f"V{i}" for i in range(n)}


def state_of(labels: dict[str, str], account: str = ACCOUNT) -> dict[str, Any]:
    """A UsageSegmentationLabels state as the engine sends it back (inputs and outputs)."""
    results = dict.fromkeys(labels, "Success")
    return {
        "accountName": account,
        "labels": labels,
        "requestIds": ["r1"],
        "results": results,
        "verified": True,
    }


def diff(
    plugin: ThingSpacePlugin, resource: str, olds: dict[str, Any], news: dict[str, Any]
) -> rpc.DiffResponse:
    request = rpc.DiffRequest(resource, "id-1", props(olds), props(news), [])
    return asyncio.run(plugin.diff(request))


def kinds(response: rpc.DiffResponse) -> dict[str, Kind]:
    return {path: d.kind for path, d in response.detailed_diff.items()}


def test_one_changed_label_of_a_thousand_is_one_detailed_entry() -> None:
    plugin = ThingSpacePlugin("{}")
    old = label_map(1000)
    key = sorted(old)[617]
    new = {**old, key: "changed"}
    response = diff(plugin, LABELS, state_of(old), {"accountName": ACCOUNT, "labels": new})
    assert kinds(response) == {f"labels[{json.dumps(key)}]": Kind.UPDATE}
    assert all(d.input_diff for d in response.detailed_diff.values())
    assert response.changes is True and response.diffs == ["labels"] and response.replaces == []


def test_unchanged_labels_are_no_change() -> None:
    plugin = ThingSpacePlugin("{}")
    old = label_map(1000)
    response = diff(plugin, LABELS, state_of(old), {"accountName": ACCOUNT, "labels": dict(old)})
    assert response.changes is False and response.detailed_diff == {} and response.diffs == []


def test_added_and_removed_labels_are_add_and_delete_entries() -> None:
    plugin = ThingSpacePlugin("{}")
    old = label_map(1000)
    gone, added = sorted(old)[3], "89049032999999999999999999999999/VIN"
    new = {k: v for k, v in old.items() if k != gone} | {added: "new"}
    response = diff(plugin, LABELS, state_of(old), {"accountName": ACCOUNT, "labels": new})
    assert kinds(response) == {
        f"labels[{json.dumps(added)}]": Kind.ADD,
        f"labels[{json.dumps(gone)}]": Kind.DELETE,
    }
    assert response.changes is True and response.replaces == []


def test_a_new_account_replaces_the_set() -> None:
    plugin = ThingSpacePlugin("{}")
    old = label_map(3)
    response = diff(plugin, LABELS, state_of(old), {"accountName": OTHER_ACCOUNT, "labels": old})
    assert kinds(response) == {"accountName": Kind.UPDATE_REPLACE}
    assert response.replaces == ["accountName"] and response.delete_before_replace is True


def test_license_imeis_and_the_account_in_one_diff() -> None:
    plugin = ThingSpacePlugin("{}")
    imeis = {"990000862471854": True, "350000000000014": True}
    old = {"accountName": ACCOUNT, "deviceImeis": imeis, "apiVersion": "v3", "adopt": False, "ownedImeis": []}
    news = {
        "accountName": OTHER_ACCOUNT,
        "deviceImeis": {"990000862471854": True, "350000000000022": True},
        "apiVersion": "v3",
        "adopt": True,
    }
    response = diff(plugin, LICENSES, old, news)
    assert kinds(response) == {
        "accountName": Kind.UPDATE_REPLACE,
        'deviceImeis["350000000000014"]': Kind.DELETE,
        'deviceImeis["350000000000022"]': Kind.ADD,
        "adopt": Kind.UPDATE,
    }
    assert response.diffs == ["accountName", "adopt", "deviceImeis"]


def test_detailed_diff_kinds_for_plain_properties_and_replacements() -> None:
    """The function itself: properties the lifecycle replaces on carry the ``*_REPLACE`` kinds."""
    res = BY_NAME["UsageSegmentationLabels"]
    old = {"account_name": ACCOUNT, "labels": {"a/N": "1", "b/N": "2"}}
    new = {"account_name": OTHER_ACCOUNT, "labels": {"a/N": "1", "c/N": "3"}}
    details = detailed_diff(old, new, res.args.model_fields, {"account_name", "labels"}, prop_name)
    assert {p: d.kind for p, d in details.items()} == {
        "accountName": Kind.UPDATE_REPLACE,
        'labels["b/N"]': Kind.DELETE_REPLACE,
        'labels["c/N"]': Kind.ADD_REPLACE,
    }
    added = detailed_diff({}, {"account_name": ACCOUNT}, ["account_name"], set(), prop_name)
    removed = detailed_diff({"account_name": ACCOUNT}, {}, ["account_name"], set(), prop_name)
    assert added["accountName"].kind == Kind.ADD and removed["accountName"].kind == Kind.DELETE
