"""``thingspace-plugin``: the plugin folder or archive the Pulumi engine loads, for this installation.

The engine starts a resource plugin by running ``pulumi-resource-<name>`` from the plugin's folder. The
folder this writes holds that executable, a launcher of this Python with this package, so the plugin
uses the virtualenv the package is installed in::

    # a folder for Pulumi.yaml's  plugins: {providers: [{name: thingspace, path: ./thingspace-plugin}]}
    thingspace-plugin folder ./thingspace-plugin
    # an archive for  pulumi plugin install resource thingspace <version> --file ./thingspace.tar.gz
    thingspace-plugin archive ./thingspace.tar.gz
    # both steps at once, into the user's plugin cache
    thingspace-plugin install
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

EXECUTABLE = "pulumi-resource-thingspace"
LAUNCHER = """#!/bin/sh
# The ThingSpace provider plugin, run with the Python that has pulumi-thingspace {version} installed.
exec {python} -m pulumi_thingspace.plugin "$@"
"""


def version() -> str:
    """The installed package's version, which is the plugin's."""
    return metadata.version("pulumi-thingspace")


def write_folder(folder: Path, python: str = sys.executable) -> Path:
    """Write the plugin folder (the launcher, executable) and return the launcher's path."""
    folder.mkdir(parents=True, exist_ok=True)
    launcher = folder / EXECUTABLE
    launcher.write_text(LAUNCHER.format(version=version(), python=shlex.quote(python)), encoding="utf-8")
    launcher.chmod(0o755)
    return launcher


def write_archive(archive: Path, python: str = sys.executable) -> Path:
    """Write a ``.tar.gz`` for ``pulumi plugin install resource thingspace <version> --file``."""
    with tempfile.TemporaryDirectory() as tmp:
        launcher = write_folder(Path(tmp), python)
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(launcher, arcname=EXECUTABLE)
    return archive


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``thingspace-plugin``."""
    parser = argparse.ArgumentParser(prog="thingspace-plugin", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("folder", help="write the plugin folder").add_argument("path", type=Path)
    sub.add_parser("archive", help="write a plugin archive (.tar.gz)").add_argument("path", type=Path)
    sub.add_parser("install", help="install the plugin with `pulumi plugin install`")
    sub.add_parser("version", help="print the plugin's version")
    args = parser.parse_args(argv)
    if args.command == "folder":
        print(write_folder(args.path).parent)
    elif args.command == "archive":
        print(write_archive(args.path))
    elif args.command == "version":
        print(version())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            archive = write_archive(Path(tmp) / "thingspace.tar.gz")
            command = [
                "pulumi",
                "plugin",
                "install",
                "resource",
                "thingspace",
                version(),
                "--file",
                str(archive),
                "--reinstall",  # the launcher names this virtualenv's Python: replace an older one
            ]
            return subprocess.run(command, check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
