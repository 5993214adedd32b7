"""Entry point of the policy pack.

The Pulumi engine runs this file (``python -m pulumi.policy <engine address> <this directory>``) to
serve the pack. Run by hand, ``python -m pulumi_thingspace.policy --path`` prints the pack's directory.
"""

import sys

if sys.argv[1:] == ["--path"]:
    from pulumi_thingspace.policy.location import main

    sys.exit(main([]))

from pulumi_thingspace.policy.pack import serve

serve()
