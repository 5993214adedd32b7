"""``thingspace-review``: a Markdown summary of ``pulumi preview --json`` for a pull-request comment.

    pulumi preview --json > preview.json
    thingspace-review preview.json -o summary.md      # or: pulumi preview --json | thingspace-review

Exit codes: 0 the summary was written and nothing blocks the change; 2 devices would be deleted and
``--allow-delete`` was not given; 3 the preview itself reported errors (the summary shows them);
1 the input could not be read (the message names the field and the rule).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..config import ConfigurationError, ProviderSettings
from .changes import review
from .parse import Preview, ReviewInputError, parse_preview
from .render import render

EXIT_OK, EXIT_BAD_INPUT, EXIT_DELETES, EXIT_PREVIEW_FAILED = 0, 1, 2, 3


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="thingspace-review",
        description="Summarise what `pulumi preview --json` will change in ThingSpace, as Markdown.",
        epilog="exit codes: 0 ok, 1 bad input, 2 devices would be deleted (see --allow-delete), "
        "3 the preview reported errors",
    )
    p.add_argument("preview", nargs="?", default="-", help="preview JSON file (default: stdin)")
    p.add_argument("-o", "--output", type=Path, help="write the Markdown here (default: stdout)")
    p.add_argument("--allow-delete", action="store_true", help="exit 0 even when devices would be deleted")
    p.add_argument("--max-keys", type=int, default=5, help="keys listed per change kind (default 5)")
    p.add_argument(
        "--license-chunk-size",
        type=int,
        help="IMEIs per license request (default: thingspace:licenseChunkSize from the preview's config, "
        "else THINGSPACE_LICENSE_CHUNK_SIZE, else the provider's default)",
    )
    return p


def license_chunk(preview: Preview, override: int | None) -> int:
    """The license chunk size the provider will use, resolved exactly as the provider resolves it."""
    if override is not None:
        if override < 1:
            raise ReviewInputError("--license-chunk-size: must be at least 1")
        return override
    settings = ProviderSettings.resolve(lambda key: preview.config.get(key), os.environ)
    return settings.license_chunk_size


def read_input(source: str, stdin: TextIO) -> str:
    """The preview JSON text from a file or stdin."""
    if source == "-":
        return stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ReviewInputError(f"{source}: cannot read: {err}") from None


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the command; return its exit code."""
    args = parser().parse_args(argv)
    out = stdout or sys.stdout
    try:
        if args.max_keys < 0:
            raise ReviewInputError("--max-keys: must be 0 or more")
        preview = parse_preview(read_input(args.preview, stdin or sys.stdin))
        result = review(preview, license_chunk(preview, args.license_chunk_size))
    except (ReviewInputError, ConfigurationError) as err:
        print(f"thingspace-review: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    text = render(result, args.max_keys) + "\n"
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as err:
            print(f"thingspace-review: error: --output {args.output}: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT
    else:
        out.write(text)
    if result.errors:
        return EXIT_PREVIEW_FAILED
    if result.devices_deleted and not args.allow_delete:
        print(
            f"thingspace-review: {result.devices_deleted} device(s) would be deleted; "
            "pass --allow-delete once this is reviewed",
            file=sys.stderr,
        )
        return EXIT_DELETES
    return EXIT_OK
