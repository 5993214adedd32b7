"""``python -m pulumi_thingspace.demo``: apply ``examples/quickstart`` against local services and prove it.

The demo starts the ThingSpace simulator (demo fleet) and the callback sink on loopback, runs the
quickstart program with ``pulumi up`` (a local file backend in a temporary directory) or, when the
Pulumi CLI is not on ``PATH``, through the offline harness (:mod:`pulumi_thingspace.testing`), then
reads the simulator's and the sink's state to verify the result, runs the program a second time to
show that nothing changes, and exits non-zero if any check fails.

The demo belongs to the repository, not to the wheel (which leaves this package out): it runs at the
root of a clone, as ``make demo`` does, and finds ``examples/`` there.
"""

from .cli import main

__all__ = ["main"]
