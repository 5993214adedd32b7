"""The one base of every error a user of the provider may see.

An error of this family carries a message that is complete for a user: it names the resource, the
devices, the setting or the rule, and what to do next. Both front doors report it by that message and
never with a Python traceback; any other exception is a bug and keeps its traceback. This module
imports nothing, so the client, the models and the sink can all use it without loading Pulumi.
"""

from __future__ import annotations


class UserError(Exception):
    """Base of every error reported to a user by its message alone."""
