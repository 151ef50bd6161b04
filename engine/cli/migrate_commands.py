"""`baton migrate plan|apply`: move in-flight runs to a new version of their orchestration."""

from __future__ import annotations

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
    print_json,
)
from engine.errors import UsageError
from engine.migration import (
    MigrationPlan,
    RunPlan,
    Selection,
    apply_migration,
    parse_mapping,
    plan_migration,
)

migrate_app = typer.Typer(
    help="Move in-flight runs to a new version: preview with `plan`, then `apply`.",
    no_args_is_help=True,
)
app.add_typer(migrate_app, name="migrate")

OrchestrationArg = Annotated[str, typer.Argument(metavar="ORCH", help="The orchestration id.")]
FromOption = Annotated[
    int, number_option("--from", metavar="V", min=1, help="The version the runs are on.")
]
ToOption = Annotated[
    int, number_option("--to", metavar="W", min=1, help="The version to move them to.")
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="OLD=NEW",
        help="Carry a stage or step of V over to one of W with another id (repeatable).",
    ),
]
RunOption = Annotated[
    list[str] | None, typer.Option("--run", metavar="ID", help="Only this run (repeatable).")
]
StageOption = Annotated[
    str | None, typer.Option("--stage", metavar="STAGE", help="Only runs in this stage of V.")
]


def _selection(
    orchestration: str,
    from_version: int,
    to_version: int,
    mapping: list[str] | None,
    run: list[str] | None,
    stage: str | None,
) -> Selection:
    return Selection(
        orchestration=orchestration,
        from_version=from_version,
        to_version=to_version,
        mapping=parse_mapping(mapping),
        runs=tuple(run or ()),
        stage=stage,
    )


@migrate_app.command("plan")
def plan_command(
    orchestration: OrchestrationArg,
    from_version: FromOption,
    to_version: ToOption,
    mapping: MapOption = None,
    run: RunOption = None,
    stage: StageOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Show, run by run, what moving the open runs of V to W would do (changes nothing)."""
    selection = _selection(orchestration, from_version, to_version, mapping, run, stage)
    plan = plan_migration(open_engine(db), selection)
    if output_format is OutputFormat.json:
        print_json(plan.to_json())
        return
    _print_plan(plan)


@migrate_app.command("apply")
def apply_command(
    orchestration: OrchestrationArg,
    from_version: FromOption,
    to_version: ToOption,
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why (logged).")],
    mapping: MapOption = None,
    run: RunOption = None,
    stage: StageOption = None,
    all_runs: Annotated[
        bool, typer.Option("--all", help="Every open run of V (otherwise give --run or --stage).")
    ] = False,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Move the chosen open runs of V to W, each in its own transaction (admins).

    Exits 1 when some run could not move (each is listed with the reason), 0 otherwise.
    """
    if not (all_runs or run or stage):
        raise UsageError("say which runs to move", hint="give --all, --run ID or --stage STAGE")
    selection = _selection(orchestration, from_version, to_version, mapping, run, stage)
    result = apply_migration(open_engine(db), selection, reason, actor_name(actor))
    if output_format is OutputFormat.json:
        print_json(result.to_json())
    else:
        total = len(result.moved) + len(result.refused)
        typer.echo(f"moved {len(result.moved)} of {total} run(s) to version {to_version}")
        for run_id, why in result.refused:
            typer.echo(f"  not {run_id}: {why}")
    if result.refused:
        raise typer.Exit(1)


def _print_plan(plan: MigrationPlan) -> None:
    s = plan.selection
    changes = plan.changes
    typer.echo(
        f"{s.orchestration}: version {s.from_version} -> {s.to_version}: "
        f"{len(plan.runs) - len(plan.blocked)} run(s) can move, {len(plan.blocked)} cannot"
    )
    for kind in ("added", "removed", "changed"):
        if changes[kind]:
            typer.echo(f"  {kind} in version {s.to_version}: {', '.join(changes[kind])}")
    for run in plan.runs:
        typer.echo("")
        _print_run(run)


def _print_run(run: RunPlan) -> None:
    where = run.stage or "-"
    if not run.possible:
        typer.echo(f"run {run.run} ({run.status}, in {where}): CANNOT MOVE")
        for reason in run.reasons:
            typer.echo(f"  - {reason}")
        return
    typer.echo(f"run {run.run} ({run.status}, in {where}) -> {run.lands_in or '-'}, "
               f"{run.status_after}")  # fmt: skip
    lines: list[tuple[str, str]] = [("stage completed", s) for s in run.stages_passed]
    lines += [("renamed", f"{old} -> {new}") for old, new in run.renamed.items()]
    for label, items in (
        ("item stays", run.items_kept),
        ("item withdrawn", run.items_withdrawn),
        ("item created", run.items_created),
    ):
        lines += [(label, f"{i['item']} {i['step']} ({i['assignee']})") for i in items]
    lines += [("step dropped", s) for s in run.steps_dropped]
    lines += [("step added", s) for s in run.steps_added]
    lines += [("wait stays", f"{w['step']} ({w['event']})") for w in run.waits_kept]
    lines += [("wait moved", f"{w['from']} -> {w['step']} ({w['event']})") for w in run.waits_moved]
    lines += [("wait dropped", f"{w['step']} ({w['event']})") for w in run.waits_dropped]
    lines += [("wait created", f"{w['step']} ({w['event']})") for w in run.waits_created]
    lines += [
        ("timer moved", f"{t['kind']} {t['from']} -> {t['step']} (due {t['due_at']})")
        for t in run.timers_moved
    ]
    for label, timers in (
        ("timer dropped", run.timers_dropped),
        ("timer created", run.timers_created),
    ):
        lines += [(label, f"{t['kind']} {t['step']} (due {t['due_at']})") for t in timers]
    lines += [("child canceled", child) for child in run.children_canceled]
    if run.then:
        lines.append(("then", run.then))
    for label, text in lines:
        typer.echo(f"  {label:<15} {text}")
