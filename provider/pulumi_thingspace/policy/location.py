"""Where the policy pack lives: ``thingspace-policy-path`` prints it for ``pulumi preview --policy-pack``.

pulumi preview --policy-pack "$(thingspace-policy-path)" --policy-pack-config policy.json
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parent
"""The policy pack directory (holds ``PulumiPolicy.yaml`` and ``__main__.py``)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Print the policy pack directory; ``--check`` also verifies that ``pulumi-policy`` is installed."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args not in ([], ["--check"]):
        print("usage: thingspace-policy-path [--check]", file=sys.stderr)
        return 1
    if args == ["--check"]:
        try:
            import pulumi_policy  # noqa: F401
        except ImportError:
            print(
                "thingspace-policy-path: pulumi-policy is not installed in this Python; "
                "install it with: pip install 'pulumi-thingspace[policy]'",
                file=sys.stderr,
            )
            return 1
    print(PACK_DIR)
    return 0
