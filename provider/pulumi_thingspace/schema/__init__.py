"""``schema.json``: the package contract in Pulumi package schema form, generated from the models.

Run ``python -m pulumi_thingspace.schema`` in the repository root to regenerate ``schema.json`` and the
README's reference sections; add ``--check`` to only report whether they are up to date.
"""

from .generate import build_schema, render_reference, update_generated

__all__ = ["build_schema", "render_reference", "update_generated"]
