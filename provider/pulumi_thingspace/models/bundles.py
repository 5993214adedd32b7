"""Input (args) and output (state) models of the compact (bundle) resources.

A bundle takes its whole device set as one text input (format in ``compact.py``). The args models
validate the scalar inputs and take the text as a plain string: the set itself is validated in one
vectorised pass by the parsers, never one model per device. Check adds the computed inputs described
by :class:`BundleComputed`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from .identifiers import AccountName
from .resources import (
    ACCOUNT_DOC,
    REPLACE,
    AdoptLicenses,
    ApiVersion,
    DeactivateFirst,
    DeactivateTimeout,
    EtfWaiver,
    ResourceArgs,
    python_input,
    require_waiver,
)

CHANGE_SUMMARY_DOC = (
    "Computed in check: what the pending change sets and removes, "
    "`{set, removed, first_set, first_removed}` (counts, and up to 10 keys each; a changed label "
    "value counts as one removed and one set). Shown by the preview; never a change by itself."
)
SHA_DOC = "Computed in check: SHA-256 (hex) of the canonical text; diff compares it."


class LabelBundleArgs(ResourceArgs):
    """Inputs of ``UsageSegmentationLabelBundle``."""

    account_name: AccountName = Field(description=ACCOUNT_DOC, json_schema_extra=REPLACE)
    labels: str = Field(
        description="Labels as one text: a JSON array `[device_id, name, value]` per line, or CSV with "
        "the header `device_id,name,value`. Checked and stored sorted by `<eid>/<name>`, without "
        "duplicates, as JSON lines.",
        json_schema_extra=python_input("str | Path | Sequence[LabelArgs | Mapping[str, Any]]", "labels_from"),
    )


class LicenseBundleArgs(ResourceArgs):
    """Inputs of ``FotaLicenseBundle``."""

    account_name: AccountName = Field(description=ACCOUNT_DOC, json_schema_extra=REPLACE)
    device_imeis: str = Field(
        description="IMEIs (15 digits) that must hold a FOTA license, one per line. "
        "Checked and stored sorted, without duplicates.",
        json_schema_extra=python_input("str | Sequence[str]", "one_per_line"),
    )
    api_version: ApiVersion = "v3"
    adopt: AdoptLicenses = False


class RetirementBundleArgs(ResourceArgs):
    """Inputs of ``DeviceRetirementBundle``."""

    account_name: AccountName = Field(description=ACCOUNT_DOC, json_schema_extra=REPLACE)
    devices: str = Field(
        description="Devices to delete from the account, one `<kind>:<id>` per line (kind eid, iccid, "
        "imei, ... in any letter case). Checked and stored sorted, kind in lower case, without duplicates.",
        json_schema_extra=python_input(
            "str | Sequence[DeviceArgs | Mapping[str, Any] | str]", "device_lines"
        ),
    )
    deactivate_first: DeactivateFirst = False
    etf_waiver: EtfWaiver = None
    deactivate_timeout_seconds: DeactivateTimeout = 600.0

    @model_validator(mode="after")
    def _waiver(self) -> RetirementBundleArgs:
        require_waiver(self.deactivate_first, self.etf_waiver)
        return self


class LabelBundleState(BaseModel):
    """Outputs of ``UsageSegmentationLabelBundle`` besides its inputs."""

    label_count: int = Field(default=0, description="Computed in check: labels in the set.")
    labels_sha256: str = Field(default="", description=SHA_DOC)
    request_ids: list[str] = Field(
        default_factory=list, description="ThingSpace request ids of the last change."
    )
    verified: bool = Field(
        default=False,
        description="True when callback results confirmed every label change since create (needs a sink).",
    )


class LicenseBundleState(BaseModel):
    """Outputs of ``FotaLicenseBundle`` besides its inputs."""

    imei_count: int = Field(default=0, description="Computed in check: IMEIs in the set.")
    device_imeis_sha256: str = Field(default="", description=SHA_DOC)
    unowned_imeis: list[str] = Field(
        default_factory=list,
        description="IMEIs that held a license before this resource assigned one (destroy leaves "
        "those licenses in place; empty with adopt).",
    )
    lic_count: int | None = Field(default=None, description="Licenses in the account's pool.")
    lic_used_count: int | None = Field(default=None, description="Licenses in use in the account.")


class RetirementBundleState(BaseModel):
    """Outputs of ``DeviceRetirementBundle`` besides its inputs."""

    device_count: int = Field(default=0, description="Computed in check: devices in the set.")
    devices_sha256: str = Field(default="", description=SHA_DOC)
    deleted_count: int = Field(default=0, description="Devices the last create or update deleted.")
    absent_count: int = Field(
        default=0, description="Devices the last create or update found already gone (counted as retired)."
    )
