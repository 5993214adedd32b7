"""Base classes for wire models: camelCase on the wire, snake_case in Python."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireRequest(BaseModel):
    """A request body this package sends: strict, camelCase aliases, unknown fields rejected."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)

    def wire(self) -> dict[str, Any]:
        """Return the JSON body exactly as ThingSpace expects it."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class WireResponse(BaseModel):
    """A body this package reads back: tolerant of unknown fields and of missing optional ones."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    def wire(self) -> dict[str, Any]:
        """Return the body in ThingSpace's own field names (used by the simulator and the sink)."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")
