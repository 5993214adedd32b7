"""The TypeScript example of every resource type-checks, all eight in one ``tsc`` run, against the Node.js
SDK generated from schema.json, whose doc comments carry the TypeScript example (Pulumi's code
generator read the examples block). The examples' other checks: tests/unit/schema/test_resource_examples.py.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from kits.paths import EXAMPLES
from pulumi_thingspace.resources.registry import RESOURCES
from pulumi_thingspace.schema.examples import LANGUAGES, example_path, load_example
from pulumi_thingspace.testing.nodejs import NodeTools, prepare_project, typecheck

LANG = {lang.tag: lang for lang in LANGUAGES}
TSCONFIG = EXAMPLES / "quickstart-ts" / "tsconfig.json"


def jsdoc_of(sdk_file: Path, class_name: str) -> str:
    """The doc comment above ``export class <class_name>``, without its `` * `` prefixes."""
    text = sdk_file.read_text()
    comment = text[: text.index(f"export class {class_name} ")].rsplit("/**", 1)[1].rsplit("*/", 1)[0]
    return "\n".join(re.sub(r"^ \* ?", "", line) for line in comment.splitlines())


def test_typescript_examples_type_check_against_the_generated_sdk(
    node_tools: NodeTools, tmp_path: Path
) -> None:
    source = tmp_path / "examples-ts"
    source.mkdir()
    files = [example_path(res.name, LANG["typescript"]) for res in RESOURCES]
    for path in files:
        shutil.copy(path, source / path.name)
    tsconfig = json.loads(TSCONFIG.read_text())  # the quickstart's compiler options
    (source / "tsconfig.json").write_text(json.dumps({**tsconfig, "files": [p.name for p in files]}))
    project = prepare_project(source, tmp_path / "work", node_tools)
    result = typecheck(project, node_tools)
    assert result.ok, result.output

    # Pulumi's generator kept the TypeScript example, and only it, in each class's doc comment.
    sdk = project / "sdks" / "thingspace"
    for res in RESOURCES:
        doc = jsdoc_of(sdk / f"{res.name[0].lower()}{res.name[1:]}.ts", res.name)
        example = load_example(res.name)
        assert f"## Example Usage\n### {example.title}\n" in doc, res.name
        assert f"```typescript\n{example.code['typescript']}```" in doc, res.name
        assert "{{%" not in doc and "```python" not in doc and "```yaml" not in doc, res.name
