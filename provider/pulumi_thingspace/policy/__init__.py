"""The ThingSpace policy pack for ``pulumi preview --policy-pack`` (see :mod:`.rules` for the rules).

The pack runs in the Python of the Pulumi project (it needs ``pulumi-policy``: the ``policy`` extra).
``thingspace-policy-path`` (or ``python -m pulumi_thingspace.policy.location``) prints its directory.
This module imports nothing from ``pulumi-policy``, so the path can be printed without it.
"""

from .location import PACK_DIR

__all__ = ["PACK_DIR"]
