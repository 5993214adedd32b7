"""Entry point of ``python -m pulumi_thingspace.demo``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
