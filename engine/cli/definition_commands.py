"""`baton validate` and `baton schema`: commands about definition files."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.app import app
from engine.definition import json_schema, load_definition
from engine.errors import DefinitionLoadError
from engine.validation import has_errors, validate


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("validate")
def validate_command(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="Definition files (.baton.json).")
    ],
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", metavar="text|json", help="text or json"),
    ] = OutputFormat.text,
) -> None:
    """Check definitions; exit 0 when clean, 1 with errors, 2 when a file cannot be read."""
    worst = 0
    report: list[dict[str, object]] = []
    for file in files:
        try:
            definition = load_definition(file)
        except DefinitionLoadError as exc:
            typer.echo(f"baton: error: {exc}", err=True)
            worst = 2
            continue
        diagnostics = validate(definition)
        if has_errors(diagnostics):
            worst = max(worst, 1)
        if output_format is OutputFormat.json:
            report.extend({"file": str(file), **d.to_json()} for d in diagnostics)
        else:
            for diag in diagnostics:
                typer.echo(diag.format_line(str(file)))
            if not diagnostics:
                typer.echo(f"{file}: ok")
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(report, indent=2))
    raise typer.Exit(worst)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the .baton.json format (for editor completion)."""
    typer.echo(json.dumps(json_schema(), indent=2))
