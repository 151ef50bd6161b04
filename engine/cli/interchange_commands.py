"""`baton export` and `baton import`: BPMN 2.0 and Salesforce Orchestrator metadata.

`baton export --to` also accepts the formats other packages register in the entry-point
group `baton.exporters` (the designer adds svg, png and markdown; see
engine/interchange/exporters.py).
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.app import app
from engine.definition import load_definition, save_definition
from engine.definition.io import write_atomic
from engine.errors import InterchangeError
from engine.interchange import (
    Report,
    export_bpmn,
    export_salesforce,
    import_file,
    load_exporter,
    write_sfdx_project,
)
from engine.validation import validate

_FILE_SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,150}")


class ExportFormat(StrEnum):
    bpmn = "bpmn"
    salesforce = "salesforce"


def _show(report: Report) -> None:
    for line in report.lines():
        typer.echo(f"baton: note: {line}", err=True)


@app.command("export")
def export_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Definition file (.baton.json).")],
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="FORMAT",
            help="bpmn, salesforce, or (with the designer) svg, png, markdown",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            metavar="PATH",
            help="The .bpmn file; for salesforce an SFDX project folder, or a .flow-meta.xml "
            "file; the .svg, .png or .md file.",
        ),
    ],
    dialect: Annotated[
        str,
        typer.Option(
            "--dialect",
            metavar="DIALECT",
            help="For bpmn: spiff (Python conditions, the default) or camunda8 (FEEL and "
            "zeebe: extensions).",
        ),
    ] = "spiff",
) -> None:
    """Export a definition to BPMN 2.0, Salesforce metadata, an image or a process document."""
    builtin = tuple(f.value for f in ExportFormat)
    if dialect != "spiff" and to != ExportFormat.bpmn:
        raise InterchangeError("--dialect applies to --to bpmn only", hint="drop --dialect")
    # Look the format up before reading the file, so a typo is reported as such.
    exporter = None if to in builtin else load_exporter(to, builtin)
    definition = load_definition(file)
    if exporter is not None:
        for written in exporter(definition, output):
            typer.echo(f"wrote {written}")
        return
    if to == ExportFormat.bpmn:
        write_atomic(output, export_bpmn(definition, dialect))
        typer.echo(f"wrote {output}")
        return
    if output.name.endswith(".flow-meta.xml"):
        result = export_salesforce(definition)
        write_atomic(output, result.text)
        written, report = output, result.report
    else:
        written, report = write_sfdx_project(definition, output)
    _show(report)
    typer.echo(f"wrote {written}")


def _beside(file: Path, definition_id: str) -> Path:
    """`<id>.baton.json` next to the imported file, when the id can name a file there."""
    if not _FILE_SAFE.fullmatch(definition_id):
        raise InterchangeError(
            f"the orchestration id {definition_id!r} cannot name the output file",
            file=str(file),
            element="orchestration",
            field="id",
            hint="give the file to write with -o",
        )
    return file.with_name(f"{definition_id}.baton.json")


@app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A .bpmn file or a Salesforce *.flow-meta.xml.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Where to write the .baton.json (default: beside FILE).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Import BPMN or a Salesforce orchestration as a .baton.json file.

    Exits 0 when the written definition validates clean, 1 when it was written but has
    validation errors to fix, 2 when the file is refused (nothing written).
    """
    result = import_file(file)
    target = output or _beside(file, result.definition.id)
    if target.exists() and not force:
        raise InterchangeError(
            "the output file exists already", file=str(target), hint="choose -o or add --force"
        )
    save_definition(result.definition, target)
    _show(result.report)
    diagnostics = validate(result.definition)
    for diagnostic in diagnostics:
        typer.echo(diagnostic.format_line(str(target)), err=True)
    typer.echo(f"wrote {target}")
    errors = sum(1 for d in diagnostics if d.severity == "error")
    if errors:
        typer.echo(
            f"baton: {target} has {errors} validation error(s): fix them (see above) "
            "before activating it",
            err=True,
        )
        raise typer.Exit(1)
