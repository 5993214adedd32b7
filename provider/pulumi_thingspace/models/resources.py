"""Input (args) and output (state) models of the five resources.

Args models validate what a Pulumi program passes and produce the *checked inputs*: device sets become
maps keyed by device so that a preview shows one added device as one added key. State models describe
the outputs. Field metadata (``secret``, ``replace``) feeds the provider's diff and ``schema.json``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .devices import ValidDeviceId
from .identifiers import AccountName, Imei
from .labels import DeviceLabel

REPLACE: dict[str, Any] = {"replace": True}


def python_input(type_: str, convert: str | None = None) -> dict[str, Any]:
    """Field option: the type a Python program passes (inside ``pulumi.Input``) and the converter in
    ``resources.inputs`` that makes it the provider's input; the generated dynamic classes use both."""
    return {"python": {"type": type_, "convert": convert}}


MAX_CONFLICTS = 10
"""Conflicting duplicate labels named one by one; the rest are counted."""
SECRET_REPLACE: dict[str, Any] = {"replace": True, "secret": True}
ACCOUNT_DOC = "ThingSpace billing account name, with its leading zeros."


class ResourceArgs(BaseModel):
    """Base of every args model: unknown inputs are rejected, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    def checked(self) -> dict[str, Any]:
        """The canonical checked inputs the engine stores and diffs."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def replace_fields(cls) -> list[str]:
        """Inputs whose change forces a replacement."""
        return [n for n, f in cls.model_fields.items() if (f.json_schema_extra or {}).get("replace")]  # type: ignore[union-attr]


ApiVersion = Annotated[
    Literal["v1", "v3"], Field(description="FOTA API version: v3 (LWM2M, current) or v1 (deprecated).")
]
AdoptLicenses = Annotated[
    bool,
    Field(
        description="Take ownership of licenses the devices already held, so that destroy removes them too."
    ),
]
DeactivateFirst = Annotated[
    bool, Field(description="Deactivate active devices (reason code FF) before deleting them.")
]
EtfWaiver = Annotated[
    bool | None,
    Field(description="Early termination fee waiver for deactivation; required with deactivate_first."),
]
DeactivateTimeout = Annotated[
    float, Field(gt=0, description="How long to wait for deactivated devices to reach the deactive state.")
]


def require_waiver(deactivate_first: bool, etf_waiver: bool | None) -> None:
    """Deactivation charges an early termination fee: the waiver must be chosen explicitly."""
    if deactivate_first and etf_waiver is None:
        raise ValueError("etf_waiver: must be set explicitly (true or false) when deactivate_first is true")


def map_form(parse_key: Callable[[str, Any], Any]) -> BeforeValidator:
    """Accept the checked (map) form of a device set as input too, e.g. from refreshed state."""

    def items(value: Any) -> Any:
        return [parse_key(k, v) for k, v in value.items()] if isinstance(value, dict) else value

    return BeforeValidator(items)


def _label_from_key(key: str, value: Any) -> dict[str, Any]:
    device_id, _, name = str(key).partition("/")
    return {"device_id": device_id, "name": name, "value": value}


class LabelsArgs(ResourceArgs):
    """Inputs of ``UsageSegmentationLabels``."""

    account_name: AccountName = Field(description=ACCOUNT_DOC, json_schema_extra=REPLACE)
    labels: Annotated[list[DeviceLabel], map_form(_label_from_key)] = Field(
        min_length=1,
        description="Labels to keep on devices: objects with device_id (EID), name (<= 20) "
        "and value (<= 50). Checked and stored as a map from `<eid>/<name>` to value.",
        json_schema_extra=python_input(
            "Sequence[pulumi.Input[LabelArgs | Mapping[str, Any]]]", "plain_labels"
        ),
    )

    @model_validator(mode="after")
    def _no_conflicts(self) -> LabelsArgs:
        # Named by path, as a malformed label is, so check reports it without the whole set.
        first: dict[str, int] = {}
        conflicts = []
        for i, item in enumerate(self.labels):
            j = first.setdefault(item.key, i)
            if self.labels[j].value != item.value:
                was = self.labels[j].value
                conflicts.append(
                    f"labels[{i}]: {item.key} is given both {was!r} (labels[{j}]) and {item.value!r}"
                )
        if len(conflicts) > MAX_CONFLICTS:
            conflicts[MAX_CONFLICTS:] = [f"{len(conflicts) - MAX_CONFLICTS} more conflicting label(s)"]
        if conflicts:
            raise ValueError("; ".join(conflicts))
        return self

    def label_map(self) -> dict[str, str]:
        """``{"<eid>/<name>": value}`` sorted by key."""
        return {item.key: item.value for item in sorted(self.labels, key=lambda i: i.key)}

    def checked(self) -> dict[str, Any]:
        """Checked inputs with labels as a map."""
        return {"account_name": self.account_name, "labels": self.label_map()}


class LabelArgs(ResourceArgs):
    """Inputs of ``UsageSegmentationLabel`` (one label on one device)."""

    account_name: AccountName = Field(description=ACCOUNT_DOC, json_schema_extra=REPLACE)
    device_id: str = Field(description="EID of the device (32 digits).", json_schema_extra=REPLACE)
    name: str = Field(description="Label name (at most 20 characters).", json_schema_extra=REPLACE)
    value: str = Field(description="Label value (at most 50 characters).")

    @model_validator(mode="after")
    def _label_rules(self) -> LabelArgs:
        DeviceLabel(device_id=self.device_id, name=self.name, value=self.value)
        return self

    def label_map(self) -> dict[str, str]:
        """The one label as a label map."""
        return {f"{self.device_id}/{self.name}": self.value}


def _imei_from_key(key: str, _value: Any) -> str:
    return str(key)


class LicenseArgs(ResourceArgs):
    """Inputs of ``FotaLicenseAssignment``."""

    account_name: AccountName = Field(description=ACCOUNT_DOC, json_schema_extra=REPLACE)
    device_imeis: Annotated[list[Imei], map_form(_imei_from_key)] = Field(
        min_length=1,
        description="IMEIs (15 digits) that must hold a FOTA license. "
        "Checked and stored as a map IMEI -> true.",
        json_schema_extra=python_input("Sequence[pulumi.Input[str]]"),
    )
    api_version: ApiVersion = "v3"
    adopt: AdoptLicenses = False

    def imeis(self) -> list[str]:
        """Distinct IMEIs, sorted."""
        return sorted(set(self.device_imeis))

    def checked(self) -> dict[str, Any]:
        """Checked inputs with device_imeis as a map."""
        return {
            "account_name": self.account_name,
            "device_imeis": dict.fromkeys(self.imeis(), True),
            "api_version": self.api_version,
            "adopt": self.adopt,
        }


def _device_from_key(key: str, _value: Any) -> dict[str, str]:
    kind, _, ident = str(key).partition(":")
    return {"kind": kind, "id": ident}


class RetirementArgs(ResourceArgs):
    """Inputs of ``DeviceRetirement``."""

    account_name: AccountName = Field(description=ACCOUNT_DOC, json_schema_extra=REPLACE)
    devices: Annotated[list[ValidDeviceId], map_form(_device_from_key)] = Field(
        min_length=1,
        description="Devices to delete from the account: objects with kind (eid, iccid, imei, ...) and id. "
        "Checked and stored as a map `<kind>:<id>` -> true.",
        json_schema_extra=python_input(
            "Sequence[pulumi.Input[DeviceArgs | Mapping[str, Any]]]", "plain_devices"
        ),
    )
    deactivate_first: DeactivateFirst = False
    etf_waiver: EtfWaiver = None
    deactivate_timeout_seconds: DeactivateTimeout = 600.0

    @model_validator(mode="after")
    def _waiver(self) -> RetirementArgs:
        require_waiver(self.deactivate_first, self.etf_waiver)
        return self

    def device_keys(self) -> list[str]:
        """Distinct ``kind:id`` keys, sorted."""
        return sorted({d.key() for d in self.devices})

    def checked(self) -> dict[str, Any]:
        """Checked inputs with devices as a map."""
        out = self.model_dump(mode="json", exclude_none=True)
        out["devices"] = dict.fromkeys(self.device_keys(), True)
        return out


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses, where plain http is acceptable."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ListenerArgs(ResourceArgs):
    """Inputs of ``CallbackListener``."""

    account_name: AccountName = Field(description=ACCOUNT_DOC, json_schema_extra=REPLACE)
    url: str = Field(
        description="HTTPS URL ThingSpace posts callbacks to (http only on loopback).",
        json_schema_extra=REPLACE,
    )
    username: str | None = Field(
        default=None, description="Username echoed in each callback body.", json_schema_extra=REPLACE
    )
    password: str | None = Field(
        default=None,
        description="Password echoed in each callback body.",
        json_schema_extra=SECRET_REPLACE,
        repr=False,
    )
    service_name: str = Field(
        default="CarrierService",
        min_length=1,
        pattern=r"^[A-Za-z][A-Za-z0-9]*$",
        description="Callback service name.",
        json_schema_extra=REPLACE,
    )
    adopt: bool = Field(
        default=False, description="Take over a listener already registered for this service."
    )

    @field_validator("url")
    @classmethod
    def _https(cls, v: str) -> str:
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL")
        if parts.scheme != "https" and not is_loopback(parts.hostname):
            raise ValueError(
                "must use https (ThingSpace sends the callback password in the body); "
                "plain http is accepted only for loopback hosts"
            )
        return v


class LabelsState(BaseModel):
    """Outputs of the label resources besides their inputs."""

    request_ids: list[str] = Field(
        default_factory=list, description="ThingSpace request ids of the last change."
    )
    results: dict[str, str] = Field(
        default_factory=dict,
        description="Per label `<eid>/<name>`: Success once a callback sink confirmed it "
        "(empty without a sink).",
    )
    verified: bool = Field(default=False, description="True when callback results confirmed every label.")


class LicenseState(BaseModel):
    """Outputs of ``FotaLicenseAssignment`` besides its inputs."""

    owned_imeis: list[str] = Field(default_factory=list, description="IMEIs whose license destroy removes.")
    lic_count: int | None = Field(default=None, description="Licenses in the account's pool.")
    lic_used_count: int | None = Field(default=None, description="Licenses in use in the account.")
    device_status: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Per IMEI: status and reason from the last assignment or read."
    )


class RetirementState(BaseModel):
    """Outputs of ``DeviceRetirement`` besides its inputs."""

    retired: dict[str, str] = Field(
        default_factory=dict, description="Per device `<kind>:<id>`: deleted or already_absent."
    )


class ListenerState(BaseModel):
    """Outputs of ``CallbackListener`` besides its inputs."""

    listener_id: str = Field(default="", description="`<account_name>/<service_name>`.")
