"""Per-language usage examples of each resource, and the schema's examples block built from them.

The examples live beside the declarations, one file per resource and language, in
``resources/examples/<Name>.ts``, ``<Name>.py`` and ``<Name>.yaml``. Each file's first line is a
comment holding the example's title (the same in all three files); the rest is the program shown.
Python examples use the dynamic classes (``import pulumi_thingspace as thingspace``, snake_case), the
TypeScript ones the generated Node.js SDK and the YAML ones the plugin's type tokens (camelCase).

:func:`render_examples` makes the block Pulumi's code generators and the Registry read from a resource
description (each SDK keeps the fenced code of its own language)::

    {{% examples %}}
    ## Example Usage
    {{% example %}}
    ### <title>

    ```typescript
    ...
    ```
    ```python
    ...
    ```
    ```yaml
    ...
    ```
    {{% /example %}}
    {{% /examples %}}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "resources" / "examples"
"""Where the example files are (packaged with ``pulumi_thingspace``)."""


@dataclass(frozen=True)
class Language:
    """One example language: its fenced-code tag, file suffix, display name and comment marker."""

    tag: str
    suffix: str
    label: str
    comment: str


LANGUAGES: tuple[Language, ...] = (
    Language("typescript", ".ts", "TypeScript", "//"),
    Language("python", ".py", "Python", "#"),
    Language("yaml", ".yaml", "YAML", "#"),
)
"""The languages every resource has an example in, in the order the block lists them."""

_BLOCK = re.compile(r"\n*\{\{% examples %\}\}\n.*?\{\{% /examples %\}\}\n?", re.DOTALL)
_EXAMPLE = re.compile(
    r"\{\{% example %\}\}\n### (?P<title>[^\n]+)\n(?P<body>.*?)\{\{% /example %\}\}", re.DOTALL
)
_FENCE = re.compile(r"```(?P<tag>[a-z]+)\n(?P<code>.*?)```\n", re.DOTALL)


@dataclass(frozen=True)
class Example:
    """A resource's example: its title and its program per language tag (``typescript``, ...)."""

    title: str
    code: dict[str, str]


class ExampleError(ValueError):
    """An example file is missing or malformed; the message names the file."""


def example_path(name: str, language: Language, directory: Path = EXAMPLES_DIR) -> Path:
    """The file of resource ``name``'s example in ``language``."""
    return directory / f"{name}{language.suffix}"


def _split_title(path: Path, language: Language) -> tuple[str, str]:
    if not path.is_file():
        raise ExampleError(f"{path} is missing: every resource needs an example in {language.label}")
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    marker = f"{language.comment} "
    if not first.startswith(marker) or not first[len(marker) :].strip():
        raise ExampleError(f"{path}: the first line must be the title, as a `{marker}<title>` comment")
    code = rest.strip("\n") + "\n"
    if "```" in code:
        raise ExampleError(f"{path}: an example cannot contain ``` (it ends the fenced code)")
    return first[len(marker) :].strip(), code


def load_example(name: str, directory: Path = EXAMPLES_DIR) -> Example:
    """Read resource ``name``'s example files; raise :class:`ExampleError` if one is missing or they
    disagree on the title."""
    titles: dict[str, str] = {}
    code: dict[str, str] = {}
    for language in LANGUAGES:
        titles[language.tag], code[language.tag] = _split_title(
            example_path(name, language, directory), language
        )
    if len(set(titles.values())) != 1:
        raise ExampleError(f"the {name} examples have different titles: {titles}")
    return Example(next(iter(titles.values())), code)


def render_examples(example: Example) -> str:
    """The ``{{% examples %}}`` block of a resource description (no leading blank line)."""
    fences = "".join(f"```{lang.tag}\n{example.code[lang.tag]}```\n" for lang in LANGUAGES)
    return (
        "{{% examples %}}\n## Example Usage\n{{% example %}}\n"
        f"### {example.title}\n\n{fences}"
        "{{% /example %}}\n{{% /examples %}}\n"
    )


def with_examples(description: str, name: str, directory: Path = EXAMPLES_DIR) -> str:
    """``description`` followed by resource ``name``'s examples block."""
    return f"{description.rstrip()}\n\n{render_examples(load_example(name, directory))}"


def strip_examples(description: str) -> str:
    """``description`` without its examples block (for places that show the examples otherwise)."""
    return _BLOCK.sub("\n\n", description).strip("\n")


def parse_examples(description: str) -> list[Example]:
    """The examples of a description's block, in order (the inverse of :func:`render_examples`)."""
    block = _BLOCK.search(description)
    if block is None:
        return []
    return [
        Example(m["title"].strip(), {f["tag"]: f["code"] for f in _FENCE.finditer(m["body"])})
        for m in _EXAMPLE.finditer(block[0])
    ]
