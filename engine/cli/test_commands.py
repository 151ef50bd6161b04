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
from engine.cli.common import DbOption, note_local_only, open_engine
from engine.errors import UsageError
from engine.proctest import find_tests, run_file, tests_json_schema
from engine.proctest.files import add_scenario, scenario_json
from engine.proctest.recording import record_scenario
from engine.proctest.report import progress_line, summary, write_junit_xml


@app.command("test")
def test_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATHS",
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
    record: Annotated[
        str | None,
        typer.Option(
            "--record",
            metavar="RUN_ID",
            help="Turn a run's history (from --db) into a scenario: print it, or add it to "
            "the tests file given with --into.",
        ),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option(
            "--into", metavar="FILE", help="With --record: add the scenario to this tests file."
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="TEXT", help="With --record: the scenario's name."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Run process tests (scenarios beside definitions) on a virtual clock and show coverage;
    exit 0 when all pass, 1 when one fails, 2 on bad input."""
    if schema:
        typer.echo(json.dumps(tests_json_schema(), indent=2))
        return
    if record is not None:
        _record(record, db, name, into)
        return
    if into is not None or name is not None:
        raise UsageError("--into and --name go with --record RUN_ID")
    note_local_only("test", "process tests")
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
        if min_branches is not None and r.coverage.branch_percent() < min_branches
    ]
    for definition_id in short:
        typer.echo(
            f"baton: {definition_id}: the tests reach fewer than {min_branches:g}% of its branches",
            err=True,
        )
    raise typer.Exit(1 if failed or short else 0)


def _record(run_id: str, db: str | None, name: str | None, into: Path | None) -> None:
    engine = open_engine(db, create=False)
    try:
        definition_id, scenario = record_scenario(engine, run_id, name)
    finally:
        engine.close()
    if into is None:
        typer.echo(json.dumps(scenario_json(scenario), indent=2, ensure_ascii=False))
        return
    add_scenario(into, definition_id, scenario)
    typer.echo(f"added scenario {scenario.name!r} to {into}")
