"""`baton activate|deactivate|start|runs|show|log`: definitions and runs."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.app import app
from engine.cli.common import (
    ActorOption,
    DbOption,
    FormatOption,
    OutputFormat,
    QuietOption,
    ReasonOption,
    actor_name,
    hint_when_unknown,
    number_option,
    open_engine,
    open_reader,
    parse_json_object,
    parse_pairs,
    print_json,
    print_table,
)
from engine.cli.paging import AfterOption, limit_option
from engine.cli.runs_listing import list_runs
from engine.errors import ActivationRefused, NotFound, UsageError


@app.command("activate")
def activate_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A .baton.json definition.")],
    output_format: FormatOption = OutputFormat.text,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Validate a definition and make it the active version of its id (admins only)."""
    from engine.definition import load_definition

    definition = load_definition(file)
    engine = open_engine(db, create=True)
    hint_when_unknown(engine, actor)
    try:
        version = engine.activate(definition, actor=actor_name(actor))
    except ActivationRefused as exc:
        for diagnostic in exc.diagnostics:
            typer.echo(diagnostic.format_line(str(file)), err=True)
        raise
    if output_format is OutputFormat.json:
        print_json({"id": definition.id, "version": version})
        return
    typer.echo(f"activated {definition.id} version {version}")


@app.command("deactivate")
def deactivate_command(
    definition_id: Annotated[
        str, typer.Argument(metavar="ORCHESTRATION", help="Orchestration id.")
    ],
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Stop new runs of an orchestration (running ones go on; admins only)."""
    open_engine(db).deactivate(definition_id, actor=actor_name(actor))
    typer.echo(f"deactivated {definition_id}")


@app.command("definitions")
def definitions_command(
    after: Annotated[
        str | None,
        typer.Option("--after", metavar="ID:VERSION", help="Start after this row (next page)."),
    ] = None,
    limit: Annotated[int, limit_option()] = 100,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Every activated version of every orchestration (the active one marked), 100 at a
    time unless --limit says otherwise."""
    last = None
    if after is not None:
        name, _, number = after.rpartition(":")
        if not name or not number.isdigit():
            raise UsageError(f"--after {after!r} is not ID:VERSION", hint="e.g. onboarding:3")
        last = (name, int(number))
    rows = open_reader(db).definitions(after=last, limit=limit + 1)
    more, rows = len(rows) > limit, rows[:limit]
    if more:
        typer.echo(
            f"(more than {limit}; next page: --after {rows[-1]['id']}:{rows[-1]['version']})",
            err=True,
        )
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    print_table(
        [
            [
                r["id"],
                r["version"],
                "yes" if r["active"] else "no",
                r["trigger_type"],
                r["activated_at"],
            ]
            for r in rows
        ],
        ["ORCHESTRATION", "VERSION", "ACTIVE", "TRIGGER", "ACTIVATED"],
    )


@app.command("start")
def start_command(
    definition_id: Annotated[
        str, typer.Argument(metavar="ORCHESTRATION", help="Orchestration id.")
    ],
    inputs: Annotated[
        list[str] | None,
        typer.Option(
            "--input",
            metavar="NAME=VALUE",
            help="An input as key=value (repeatable).",
        ),
    ] = None,
    inputs_json: Annotated[
        str | None,
        typer.Option("--inputs-json", metavar="JSON", help="All inputs as one JSON object."),
    ] = None,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Start a run of the active version; prints the run id."""
    values = {**parse_json_object(inputs_json, "--inputs-json"), **parse_pairs(inputs, "--input")}
    engine = open_engine(db)
    hint_when_unknown(engine, actor)
    run_id = engine.start(definition_id, values, actor=actor_name(actor))
    if output_format is OutputFormat.json:
        run = engine.run(run_id)
        print_json({"id": run_id, "status": run["status"], "stage": run["stage"]})
        return
    typer.echo(run_id)


@app.command("runs")
def runs_command(
    status: Annotated[
        str | None,
        typer.Option("--status", metavar="STATUS", help="Only runs in this status."),
    ] = None,
    stuck: Annotated[
        bool, typer.Option("--stuck", help="Only stuck runs (failed ones too), with reasons.")
    ] = False,
    orchestration: Annotated[
        str | None,
        typer.Option(
            "--orchestration", metavar="ORCHESTRATION", help="Only runs of this orchestration."
        ),
    ] = None,
    version: Annotated[
        int | None, number_option("--version", metavar="N", min=1, help="Only this version.")
    ] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", metavar="STAGE", help="Only runs in this stage.")
    ] = None,
    started_after: Annotated[
        str | None,
        typer.Option("--started-after", metavar="TIME", help="Started at or after this ISO time."),
    ] = None,
    started_before: Annotated[
        str | None,
        typer.Option("--started-before", metavar="TIME", help="Started before this ISO time."),
    ] = None,
    assignee: Annotated[
        str | None,
        typer.Option(
            "--assignee",
            metavar="ASSIGNEE",
            help="Only runs with an open item of exactly this user:/group:/queue:.",
        ),
    ] = None,
    limit: Annotated[int, limit_option()] = 100,
    after: AfterOption = None,
    outcome: Annotated[
        str | None,
        typer.Option(
            "--outcome",
            metavar="OUTCOME",
            help="Only completed runs that reached an end with this outcome "
            "(completed, rejected, failed, or an end's own).",
        ),
    ] = None,
    quiet: QuietOption = False,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """List runs, newest first (the newest 100 unless --limit says otherwise).

    A completed run whose end has an outcome other than `completed` shows it beside its
    status, e.g. `completed (rejected)`."""
    # The work is `list_runs`'s, which also answers a plain `baton runs` without Typer.
    list_runs(
        status=status,
        stuck=stuck,
        orchestration=orchestration,
        version=version,
        stage=stage,
        started_after=started_after,
        started_before=started_before,
        assignee=assignee,
        limit=limit,
        after=after,
        outcome=outcome,
        quiet=quiet,
        output_format=output_format,
        db=db,
    )


ArchiveOption = Annotated[
    Path | None,
    typer.Option(
        "--archive",
        metavar="FILE",
        help="Read the run from an archive `baton prune --archive FILE` wrote.",
    ),
]


@app.command("show")
def show_command(
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="Run id.")],
    archive: ArchiveOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """A run: status, current stage, each step, what it waits for, variables."""
    if archive is not None:
        _show_archived(archive, run_id, output_format)
        return
    engine = open_reader(db)
    try:
        run = engine.run(run_id)
    except NotFound as exc:
        raise _maybe_pruned(engine, exc, run_id) from None
    run["waiting_for"] = [
        {"step": w["step"], "event": w["event"], "key": w["key"]} for w in engine.waits(run_id)
    ]
    if output_format is OutputFormat.json:
        print_json(run)
        return
    typer.echo(f"run {run['id']}  {run['orchestration']} v{run['version']}  {run['status']}")
    typer.echo(f"stage: {run['stage'] or '-'}   started {run['started_at']}")
    if run["ended_at"]:
        outcome = f"   outcome: {run['outcome']}" if run["outcome"] else ""
        typer.echo(f"ended {run['ended_at']}{outcome}")
    if run["error"]:
        typer.echo(f"error: {run['error']}")
    if run["fault"]:
        fault = run["fault"]
        cause = f"step {fault['step']}" if fault["step"] else "max_visits"
        typer.echo(f"fault route taken from stage {fault['stage']} ({cause}): {fault['error']}")
    typer.echo("steps:")
    for step in run["steps"]:
        extra = f"  ({step['error']})" if step["error"] else ""
        name = f"{step['stage']}/{step['id']}"
        typer.echo(f"  {name:<34} {step['status']}{extra}")
    typer.echo("open work items:" if run["open_items"] else "open work items: none")
    for item in run["open_items"]:
        due = f"  due {item['due_at']}" if item["due_at"] else ""
        who = item["assignee"] or "nobody"
        problem = f"  STUCK: {item['problem']}" if item.get("problem") else ""
        typer.echo(f"  {item['id']}  {item['step']}  for {who}{due}{problem}")
    for wait in run["waiting_for"]:
        key = f"with key {wait['key']!r}" if wait["key"] is not None else "with any key"
        typer.echo(
            f"waiting for event {wait['event']!r} {key} (step {wait['step']}):"
            f" baton event send {wait['event']}"
            + (f" --key {shlex.quote(wait['key'])}" if wait["key"] is not None else "")
        )
    typer.echo("variables:")
    for name, value in sorted(run["variables"].items()):
        typer.echo(f"  {name} = {value!r}")


@app.command("log")
def log_command(
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="Run id.")],
    after: Annotated[
        int | None,
        number_option("--after", metavar="SEQ", help="Only events after this one."),
    ] = None,
    limit: Annotated[int, limit_option(1000)] = 1000,
    archive: ArchiveOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """A run's event log, in order (1000 events at a time unless --limit says otherwise)."""
    if archive is not None:
        from engine.runtime.retention import read_archive

        logged = read_archive(archive, run_id)["events"]
        events = [e for e in logged if after is None or e["seq"] > after][: limit + 1]
    else:
        reader = open_reader(db)
        try:
            events = reader.log(run_id, after=after, limit=limit + 1)
        except NotFound as exc:
            raise _maybe_pruned(reader, exc, run_id) from None
    more, events = len(events) > limit, events[:limit]
    if more:
        typer.echo(f"(more than {limit}; next page: --after {events[-1]['seq']})", err=True)
    if output_format is OutputFormat.json:
        print_json(events)
        return
    for event in events:
        details = " ".join(f"{k}={v}" for k, v in event["payload"].items() if v not in (None, {}))
        actor = f" by {event['actor']}" if event["actor"] else ""
        typer.echo(f"{event['seq']:>4}  {event['time']}  {event['type']}{actor}  {details}")


def _maybe_pruned(engine: object, exc: NotFound, run_id: str) -> NotFound:
    """`exc`, saying when runs were last pruned (the run may have been one of them) and how
    an archive is read; as it is when this database was never pruned."""
    store = getattr(engine, "store", None)
    if store is None:
        return exc
    from engine.store import audit as audit_rows

    with store.read() as conn:
        last = audit_rows.entries(conn, action="runs.pruned", limit=1)
    if not last:
        return exc
    details = last[0]["details"]
    archive = details.get("archive")
    where = f"baton show --archive {archive} {run_id}" if archive else "no archive was written"
    return NotFound(
        f"no run with id {run_id!r}; runs that ended before {details.get('before')} were "
        f"pruned on {last[0]['time']}",
        hint=f"if it was one of them: {where}",
    )


def _show_archived(file: Path, run_id: str, output_format: OutputFormat) -> None:
    from engine.runtime.retention import read_archive

    entry = read_archive(file, run_id)
    run = entry["run"]
    if output_format is OutputFormat.json:
        print_json(entry)
        return
    version = run["definition_version"]
    typer.echo(f"run {run['id']}  {run['definition_id']} v{version}  {run['status']}  (pruned)")
    typer.echo(f"started {run['started_at']}   ended {run['ended_at']}")
    if run.get("outcome"):
        typer.echo(f"outcome: {run['outcome']}")
    if run.get("error"):
        typer.echo(f"error: {run['error']}")
    typer.echo(f"{len(entry['events'])} events: baton log --archive {file} {run_id}")


def _operator(name: str, help_text: str) -> None:
    """Register `baton cancel|pause|resume RUN`."""

    def command(
        run_id: Annotated[str, typer.Argument(metavar="RUN", help="Run id.")],
        reason: ReasonOption = "",
        actor: ActorOption = None,
        db: DbOption = None,
    ) -> None:
        engine = open_engine(db)
        who = actor_name(actor)
        if name == "cancel":
            engine.cancel(run_id, reason, actor=who)
        elif name == "pause":
            engine.pause(run_id, reason, actor=who)
        else:
            engine.resume(run_id, actor=who, reason=reason)
        typer.echo(f"{run_id}: {engine.run(run_id)['status']}")

    command.__doc__ = help_text
    app.command(name)(command)


_operator("cancel", "Cancel a run (open items withdrawn).")
_operator("pause", "Pause a run: no new step starts until resumed.")
_operator("resume", "Resume a paused run.")


@app.command("retry")
def retry_command(
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="Run id.")],
    step_id: Annotated[str, typer.Argument(metavar="STEP", help="The failed background step.")],
    reason: ReasonOption = "",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Run a failed background step again."""
    engine = open_engine(db)
    engine.retry(run_id, step_id, actor=actor_name(actor), reason=reason)
    typer.echo(f"{run_id}: {engine.run(run_id)['status']}")


@app.command("skip")
def skip_command(
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="Run id.")],
    step_id: Annotated[str, typer.Argument(metavar="STEP", help="The step to skip.")],
    outputs: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            metavar="NAME=VALUE",
            help="An output as key=value (repeatable).",
        ),
    ] = None,
    reason: ReasonOption = "",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Skip a step, giving the outputs later steps read (checked against the step's
    declared outputs)."""
    engine = open_engine(db)
    engine.skip(
        run_id,
        step_id,
        parse_pairs(outputs, "--output"),
        actor=actor_name(actor),
        reason=reason,
    )
    typer.echo(f"{run_id}: {engine.run(run_id)['status']}")
