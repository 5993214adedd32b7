"""``python -m pulumi_thingspace.review``: the same as ``thingspace-review``."""

import sys

from .cli import main

sys.exit(main())
