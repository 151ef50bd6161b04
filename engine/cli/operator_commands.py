"""`baton bulk cancel|retry` (every run a filter matches, after a dry run), `baton audit`,
`baton vars` (see or edit a run's variables) and `baton nudge` (re-check a run)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from engine.cli.app import app
from engine.cli.common import (
    ActorOption,
    DbOption,
    FormatOption,
    OutputFormat,
    actor_name,
    number_option,
    open_engine,
    parse_pairs,
    print_json,
    print_table,
)
from engine.cli.paging import MAX_LIMIT
from engine.errors import UsageError
from engine.runtime.bulk import BulkAction, BulkResult, RunFilter, bulk_cancel, bulk_retry

bulk_app = typer.Typer(
    help="Cancel or retry every run a filter matches (a dry run unless --yes).",
    no_args_is_help=True,
)
app.add_typer(bulk_app, name="bulk")

OrchestrationOption = Annotated[
    str | None, typer.Option("--orchestration", help="Only runs of this orchestration.")
]
VersionOption = Annotated[
    int | None, number_option("--version", metavar="N", min=1, help="Only this version.")
]
StatusOption = Annotated[str | None, typer.Option("--status", help="Only runs in this status.")]
StageOption = Annotated[str | None, typer.Option("--stage", help="Only runs in this stage.")]
StuckOption = Annotated[
    str | None,
    typer.Option("--stuck-reason", help="Only stuck runs whose reason contains this text."),
]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (logged on every run).")]
YesOption = Annotated[bool, typer.Option("--yes", help="Act; without it, only list the runs.")]


def _report(result: BulkResult, verb: str, output_format: OutputFormat) -> None:
    if output_format is OutputFormat.json:
        print_json(result.to_json())
        return
    if result.dry_run:
        typer.echo(f"would {verb} {len(result.matched)} run(s); repeat with --yes to do it")
        for run_id in result.matched:
            typer.echo(f"  {run_id}")
        return
    typer.echo(f"{verb}: {len(result.done)} of {len(result.matched)} run(s)")
    for run_id, message in result.refused:
        typer.echo(f"  not {run_id}: {message}")


def _bulk_command(verb: str, act: BulkAction, only_status: str | None) -> None:
    # One signature for both bulk commands, so their filters cannot drift apart.
    def command(
        reason: ReasonOption,
        orchestration: OrchestrationOption = None,
        version: VersionOption = None,
        status: StatusOption = None,
        stage: StageOption = None,
        stuck_reason: StuckOption = None,
        yes: YesOption = False,
        actor: ActorOption = None,
        output_format: FormatOption = OutputFormat.text,
        db: DbOption = None,
    ) -> None:
        if only_status is not None and status not in (None, only_status):
            raise UsageError(
                f"bulk {verb} acts on {only_status} runs only; --status {status} matches none",
                hint=f"leave --status out or give --status {only_status}",
            )
        run_filter = RunFilter(orchestration, version, status or only_status, stage, stuck_reason)
        result = act(open_engine(db), run_filter, reason, actor_name(actor), not yes)
        _report(result, verb, output_format)

    command.__doc__ = BULK_HELP[verb]
    bulk_app.command(verb)(command)


BULK_HELP = {
    "cancel": "Cancel every matching running, waiting, paused or failed run (operators).",
    "retry": "Retry the failed steps of every matching failed run (operators).",
}
_bulk_command("cancel", bulk_cancel, None)
_bulk_command("retry", bulk_retry, "failed")


@app.command("audit")
def audit_command(
    action: Annotated[
        str | None, typer.Option("--action", help="One action, or a prefix such as user.")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Only what this user did.")] = None,
    subject: Annotated[
        str | None, typer.Option("--subject", help="Only about this orchestration/user/id.")
    ] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", min=1, max=MAX_LIMIT, help="At most this many, newest first."),
    ] = 50,
    before: Annotated[
        int | None,
        number_option("--before", metavar="N", help="Only entries older than this entry number."),
    ] = None,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Admin actions outside runs: activations, users and roles, tokens, webhooks (admins)."""
    from engine.runtime.audit import entries

    rows = entries(
        open_engine(db),
        actor_name(actor),
        action=action,
        by=by,
        subject=subject,
        before=before,
        limit=limit + 1,
    )
    if len(rows) > limit:
        rows = rows[:limit]
        typer.echo(f"(more: repeat with --before {rows[-1]['id']})", err=True)
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    print_table(
        [
            [
                r["id"],
                r["time"],
                r["actor"] or "-",
                r["action"],
                r["subject"],
                " ".join(f"{k}={v}" for k, v in sorted((r["details"] or {}).items())),
            ]
            for r in rows
        ],
        ["#", "TIME", "BY", "ACTION", "SUBJECT", "DETAILS"],
    )


@app.command("vars")
def vars_command(
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="Run id.")],
    pairs: Annotated[
        list[str] | None,
        typer.Argument(metavar="[NAME=VALUE]...", help="Variables to change (none: show them)."),
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Why (needed to change; logged).")
    ] = "",
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Show a run's variables, or change declared ones (type-checked, logged with the old
    values; operators)."""
    engine = open_engine(db)
    if pairs:
        values = parse_pairs(pairs, "variable")
        variables = engine.edit_variables(run_id, values, reason, actor=actor_name(actor))
    else:
        variables = engine.run(run_id)["variables"]
    if output_format is OutputFormat.json:
        print_json(variables)
        return
    print_table([[k, _shown(v)] for k, v in sorted(variables.items())], ["VARIABLE", "VALUE"])


def _shown(value: object) -> str:
    return json.dumps(value, default=str) if not isinstance(value, str) else value


@app.command("nudge")
def nudge_command(
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="Run id.")],
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Re-check a run's conditions now (a stage exit condition that came to hold through a
    change outside the run; operators)."""
    engine = open_engine(db)
    moved = engine.nudge(run_id, actor=actor_name(actor))
    run = engine.run(run_id)
    where = f", stage {run['stage']}" if run.get("stage") else ""
    verdict = "moved on" if moved else "nothing to do"
    typer.echo(f"{run_id}: {verdict} ({run['status']}{where})")
