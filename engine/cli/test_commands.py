"""`baton test`: run the process tests beside definitions, report coverage, write JUnit XML.

Exit codes: 0 every scenario passed (and coverage met `--min-branches`), 1 a scenario failed
(or coverage fell short), 2 bad input (a file that cannot be read or names things its
definition does not have; one line names file, scenario and field).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.app import app
from engine.errors import UsageError
from engine.proctest import find_tests, run_file, tests_json_schema
from engine.proctest.report import progress_line, summary, write_junit_xml


@app.command("test")
def test_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATHS]...",
            help="Tests files (NAME.tests.json), definitions (their tests beside them) or "
            "folders (searched for tests files). Default: the current folder.",
        ),
    ] = None,
    junit_xml: Annotated[
        Path | None,
        typer.Option("--junit-xml", metavar="FILE", help="Also write a JUnit XML report."),
    ] = None,
    select: Annotated[
        str | None,
        typer.Option("-k", metavar="TEXT", help="Run only scenarios whose name contains TEXT."),
    ] = None,
    min_branches: Annotated[
        float | None,
        typer.Option(
            "--min-branches",
            metavar="PERCENT",
            min=0,
            max=100,
            help="Fail (exit 1) when a definition's tests reach fewer of its branches.",
        ),
    ] = None,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the JSON Schema of tests files, then stop.")
    ] = False,
) -> None:
    """Run process tests (scenarios beside definitions) on a virtual clock; show coverage."""
    if schema:
        typer.echo(json.dumps(tests_json_schema(), indent=2))
        return
    began = time.perf_counter()
    files, untested = find_tests(paths or [Path(".")])
    if not files:
        raise UsageError(
            "no tests files found (NAME.tests.json beside NAME.baton.json)",
            hint="name a tests file or a folder holding some",
        )
    results = []
    for file in files:
        result = run_file(file, select)
        typer.echo(progress_line(result))
        results.append(result)
    typer.echo(summary(results, time.perf_counter() - began, untested))
    if junit_xml is not None:
        write_junit_xml(results, junit_xml)
    failed = any(r.failed for r in results)
    short = [
        r.coverage.definition
        for r in results
        if min_branches is not None and r.coverage.percent("branch") < min_branches
    ]
    for definition_id in short:
        typer.echo(
            f"baton: {definition_id}: the tests reach fewer than {min_branches:g}% of its branches",
            err=True,
        )
    raise typer.Exit(1 if failed or short else 0)
