"""``python -m pulumi_thingspace.schema [--check] [--root DIR]``: write or check the generated files.

schema.json, ``resources/classes.py``, the reference pages in ``docs/resources/`` and the settings table
of ``docs/installation-configuration.md``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .generate import build_schema, dump, render_reference, update_generated
from .pages import PAGES_DIR, render_pages, unexpected_pages
from .pyclasses import MODULE_PATH, render_classes
from .reference import CONFIG_PAGE

SCHEMA_FILE = "schema.json"
FIX_HINT = "run `make schema` (or `python -m pulumi_thingspace.schema`) in the repository root"


def expected_files(root: Path) -> dict[Path, str]:
    """What each generated file under ``root`` should contain."""
    schema = build_schema()
    page = root / CONFIG_PAGE
    current = page.read_text(encoding="utf-8") if page.exists() else ""
    return {
        root / SCHEMA_FILE: dump(schema),
        page: update_generated(current, render_reference(schema)),
        root / MODULE_PATH: render_classes(),
        **{root / path: text for path, text in render_pages(schema).items()},
    }


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the generated files; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m pulumi_thingspace.schema", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: cwd)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is not up to date")
    args = parser.parse_args(argv)
    root: Path = args.root
    if not (root / "pyproject.toml").exists():
        print(f"error: {root} is not the repository root (no pyproject.toml); use --root", file=sys.stderr)
        return 2
    try:
        expected = expected_files(root)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stale = [path for path, text in expected.items() if _read(path) != text]
    extra = unexpected_pages(root, expected)
    if args.check:
        for path in stale:
            print(f"{_shown(path, root)} differs from what the models generate", file=sys.stderr)
        for path in extra:
            print(f"{_shown(path, root)} is not a page of any resource", file=sys.stderr)
        if stale or extra:
            print(f"to update: {FIX_HINT}", file=sys.stderr)
            return 1
        print(f"schema.json, resources/classes.py, {PAGES_DIR}/ and the settings table are up to date")
        return 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(expected[path], encoding="utf-8")
        print(f"wrote {path}")
    for path in extra:
        path.unlink()
        print(f"removed {path}")
    return 0


def _shown(path: Path, root: Path) -> str:
    """``path`` as the message names it: relative to ``root`` when under it."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


if __name__ == "__main__":
    sys.exit(main())
