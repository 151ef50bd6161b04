"""Print the HTTP API reference (Markdown) from the OpenAPI schema that `baton serve` serves.

The docs site's hook (docs/hooks/generated.py) runs this while the site is built and puts the
result where docs/api-reference.md has the line `<!-- generated: api -->`; the schema comes
from the typed models and endpoint docstrings in engine/api, so the page cannot drift from
the server and nothing generated is committed.

    .venv/bin/python scripts/api_reference.py              # the page on stdout
    .venv/bin/python scripts/api_reference.py --out FILE   # or into a file
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.api.app import openapi_schema  # noqa: E402

_METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        return "object" if extra in (True, {}) or extra is False else f"map of {_type(extra)}"
    return str(kind)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _endpoint(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    lines = [f"### `{method.upper()} {path}`", ""]
    if operation.get("description"):
        lines += [operation["description"].strip(), ""]
    token = "needs `Authorization: Bearer TOKEN`" if operation.get("security") else "no token"
    lines += [f"Auth: {token}.", ""]
    parameters = operation.get("parameters", [])
    if parameters:
        lines += [
            "| parameter | in | type | required | meaning |",
            "| --- | --- | --- | --- | --- |",
        ]
        for p in parameters:
            schema = p.get("schema", {})
            default = schema.get("default")
            meaning = p.get("description", "") + (
                f" (default {default})" if default is not None else ""
            )
            lines.append(
                f"| `{p['name']}` | {p['in']} | {_type(schema)} | "
                f"{'yes' if p.get('required') else 'no'} | {_cell(meaning)} |"
            )
        lines.append("")
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        lines += [f"Body: {_type(body['schema'])}", ""]
    lines += ["| status | meaning | body |", "| --- | --- | --- |"]
    for status, response in sorted(operation.get("responses", {}).items()):
        content = response.get("content", {}).get("application/json", {})
        shape = _type(content["schema"]) if "schema" in content else ""
        lines.append(f"| {status} | {_cell(response.get('description', ''))} | {shape} |")
    return [*lines, ""]


def _model(name: str, schema: dict[str, Any]) -> list[str]:
    lines = [f"### {name}", ""]
    if schema.get("description"):
        lines += [_cell(schema["description"]), ""]
    properties = schema.get("properties", {})
    if not properties:
        return lines
    required = set(schema.get("required", []))
    lines += ["| field | type | required | meaning |", "| --- | --- | --- | --- |"]
    for field, spec in properties.items():
        lines.append(
            f"| `{field}` | {_type(spec)} | {'yes' if field in required else 'no'} | "
            f"{_cell(spec.get('description', ''))} |"
        )
    return [*lines, ""]


def render(schema: dict[str, Any]) -> str:
    """The Markdown reference for an OpenAPI document."""
    info = schema["info"]
    lines = [
        "# Baton HTTP API reference",
        "",
        _cell(info.get("summary", "")),
        "",
        _cell(info.get("description", "")),
        "",
        "How to run the server, create tokens and call it: [api.md](api.md).",
        "",
        "## Endpoints",
        "",
    ]
    for path, operations in schema["paths"].items():
        for method in _METHODS:
            if method in operations:
                lines += _endpoint(path, method, operations[method])
    lines += ["## Bodies", ""]
    for name, model in sorted(schema["components"]["schemas"].items()):
        if name in ("HTTPValidationError", "ValidationError"):
            continue  # FastAPI's defaults; our 422 bodies are ErrorOut
        lines += _model(name, model)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the reference, or write it to --out; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write it to this file instead of stdout")
    args = parser.parse_args(argv)
    text = render(openapi_schema())
    if args.out is None:
        sys.stdout.write(text)
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
