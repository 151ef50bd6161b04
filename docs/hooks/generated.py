"""MkDocs hook: fills the generated reference pages at build time, so they cannot drift.

A page asks for generated text with a marker line, replaced while the site is built:

- ``<!-- generated: cli -->``: every ``baton`` command's ``--help``, walked from the Typer app
  (with the commands plugins such as the designer register through ``baton.cli``);
- ``<!-- generated: schema -->``: a field table per element of ``baton schema``, then the
  schema itself;
- ``<!-- generated: tests-schema -->``: the same for process test files (``baton test --schema``);
- ``<!-- generated: api -->``: the HTTP API reference, from the OpenAPI schema of
  ``baton serve`` (``scripts/api_reference.py``).

The help text comes from running the installed ``baton`` next to this Python, exactly as a
user sees it (fixed width, so the build gives the same page on every machine).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

_MARKERS = {
    "<!-- generated: cli -->": "_cli_reference",
    "<!-- generated: schema -->": "_schema_reference",
    "<!-- generated: api -->": "_api_reference",
    "<!-- generated: tests-schema -->": "_tests_schema_reference",
}
_ROOT = Path(__file__).resolve().parents[2]


def _baton(*args: str) -> str:
    exe = Path(sys.executable).with_name("baton")
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"docs hook: `baton {' '.join(args)}` failed: {done.stderr.strip()}")
    return done.stdout


def _command_paths() -> list[list[str]]:
    """Every command and subcommand, in the order `baton --help` lists them."""
    import importlib

    import typer.main

    # The module, not the `app` object `engine.cli` re-exports under the same name.
    app_module = importlib.import_module("engine.cli.app")

    app_module.register_commands()
    root = typer.main.get_command(app_module.app)
    paths: list[list[str]] = []

    def walk(group: object, prefix: list[str]) -> None:
        for name, command in getattr(group, "commands", {}).items():
            if getattr(command, "hidden", False):
                continue
            paths.append([*prefix, name])
            walk(command, [*prefix, name])

    walk(root, [])
    return paths


def _cli_reference() -> str:
    parts = ["```text\n$ baton --help\n" + _baton("--help") + "```\n"]
    for path in _command_paths():
        title = " ".join(path)
        usage = _baton(*path, "--help")
        parts.append(f"## `baton {title}`\n\n```text\n$ baton {title} --help\n{usage}```\n")
    return "\n".join(parts)


def _type_of(prop: dict) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    if "enum" in prop:
        return " or ".join(f"`{json.dumps(v)}`" for v in prop["enum"])
    for key in ("anyOf", "oneOf"):
        if key in prop:
            return " or ".join(_type_of(p) for p in prop[key])
    kind = prop.get("type", "any")
    if kind == "array":
        return "list of " + _type_of(prop.get("items", {}))
    if kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        return "map of " + _type_of(prop["additionalProperties"])
    return str(kind)


def _fields_table(node: dict) -> str:
    rows = ["| field | type | default |", "| --- | --- | --- |"]
    required = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        if name in required:
            default = "required"
        elif "default" in prop:
            default = f"`{json.dumps(prop['default'])}`"
        else:
            default = "empty"
        rows.append(f"| `{name}` | {_type_of(prop).replace('|', '/')} | {default} |")
    return "\n".join(rows) + "\n"


def _schema_reference() -> str:
    return _schema_tables(_baton("schema"))


def _tests_schema_reference() -> str:
    return _schema_tables(_baton("test", "--schema"))


def _schema_tables(text: str) -> str:
    schema = json.loads(text)
    parts = ["## The document\n\n" + _fields_table(schema)]
    for name, node in sorted(schema.get("$defs", {}).items()):
        description = " ".join(str(node.get("description", "")).split())
        parts.append(f"### {name}\n\n{description}\n\n{_fields_table(node)}")
    parts.append("## The whole schema\n\n```json\n" + text.rstrip("\n") + "\n```\n")
    return "\n".join(parts)


def _api_reference() -> str:
    script = _ROOT / "scripts" / "api_reference.py"
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"docs hook: {script.name} failed: {done.stderr.strip()}")
    return done.stdout


def on_page_markdown(markdown: str, page: object, config: object, files: object) -> str:
    # Only a marker alone on its line counts, so prose can mention the markers.
    for marker, builder in _MARKERS.items():
        pattern = re.compile(rf"^{re.escape(marker)}$", re.MULTILINE)
        if pattern.search(markdown):
            generated = globals()[builder]()
            markdown = pattern.sub(lambda _, text=generated: text, markdown)
    return markdown
