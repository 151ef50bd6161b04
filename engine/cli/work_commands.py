"""`baton work list|complete|reassign|reassign-all`: people's work items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

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
    number_option,
    open_engine,
    open_reader,
    parse_pairs,
    parse_when,
    print_json,
    print_table,
)
from engine.cli.paging import AfterOption, limit_option, read_page
from engine.runtime import queries

if TYPE_CHECKING:
    from engine.runtime.protocol import RunEngine
    from engine.runtime.reader import Reader

work_app = typer.Typer(help="Work items: list, complete, reassign.", no_args_is_help=True)
app.add_typer(work_app, name="work")


@work_app.command("list")
def list_command(
    user: Annotated[
        str | None,
        typer.Option("--as", metavar="NAME", help="Only items this user may complete."),
    ] = None,
    assignee: Annotated[
        str | None,
        typer.Option(
            "--assignee", metavar="ASSIGNEE", help="Only items of exactly this user:/group:."
        ),
    ] = None,
    orchestration: Annotated[
        str | None,
        typer.Option(
            "--orchestration", metavar="ORCHESTRATION", help="Only items of this orchestration."
        ),
    ] = None,
    version: Annotated[
        int | None,
        number_option("--version", metavar="N", min=1, help="Only items of this version."),
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option("--stage", metavar="STAGE", help="Only items of runs in this stage."),
    ] = None,
    created_after: Annotated[
        str | None,
        typer.Option("--created-after", metavar="TIME", help="Created at or after this ISO time."),
    ] = None,
    created_before: Annotated[
        str | None,
        typer.Option("--created-before", metavar="TIME", help="Created before this ISO time."),
    ] = None,
    include_closed: Annotated[
        bool, typer.Option("--all", help="Completed and withdrawn items too.")
    ] = False,
    limit: Annotated[int, limit_option()] = 100,
    after: AfterOption = None,
    quiet: QuietOption = False,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Open work items (with --all, closed ones too), oldest first (the first 100 unless
    --limit says otherwise), with what completing each one asks for (its declared outputs)."""
    engine = open_reader(db)
    # Only the filters given are passed, so a runtime without one is asked nothing new.
    given = {
        "orchestration": orchestration,
        "version": version,
        "stage": stage,
        "created_after": parse_when(created_after, "--created-after"),
        "created_before": parse_when(created_before, "--created-before"),
    }
    filters = {k: v for k, v in given.items() if v is not None}
    if include_closed:
        filters["include_closed"] = True
    items = read_page(
        lambda last, count: engine.work_items(
            user, assignee=assignee, after=last, limit=count, **filters
        ),
        lambda i: (i["created_at"], i["id"]),
        after,
        limit,
    )
    if quiet:
        for item in items:
            typer.echo(item["id"])
        return
    asked = _declared_outputs(engine, items)
    for item in items:
        item["declared_outputs"] = asked[item["id"]]
    if output_format is OutputFormat.json:
        print_json(items)
        return
    rows = [
        [
            i["id"],
            i["run"],
            i["step"],
            i["assignee"],
            i["due_at"] or "-",
            "yes" if i["overdue"] else "",
            " ".join(_output_hint(o) for o in i["declared_outputs"]) or "-",
        ]
        for i in items
    ]
    headers = ["ITEM", "RUN", "STEP", "ASSIGNEE", "DUE", "OVERDUE", "OUTPUTS"]
    if include_closed:  # open and closed ones side by side: say which is which
        for row, item in zip(rows, items, strict=True):
            row.insert(3, item["status"])
        headers.insert(3, "STATUS")
    print_table(rows, headers)


def _declared_outputs(engine: Reader, items: list[dict[str, Any]]) -> dict[str, list[dict]]:
    # The outputs an item asks for live in the definition version its run executes.
    asked: dict[str, list[dict]] = {}
    with engine.store.read() as conn:
        for item in items:
            if "orchestration" in item:  # runs held elsewhere (Temporal) name their version
                orchestration, version = item["orchestration"], item["version"]
            else:
                orchestration, version = queries.run_version(conn, item["run"])
            definition = engine.plan(orchestration, version, conn).definition
            step = next((s for _stage, s in definition.steps() if s.id == item["step"]), None)
            outputs = getattr(step, "outputs", None) or []
            asked[item["id"]] = [o.model_dump() for o in outputs]
    return asked


def _output_hint(output: dict[str, Any]) -> str:
    # How to pass it to `work complete`: name=a|b for choices, name=<type>, * when required.
    value = "|".join(output["choices"]) if output.get("choices") else output.get("type", "text")
    return f"{output['name']}={value}" + ("*" if output.get("required") else "")


@work_app.command("complete")
def complete_command(
    item_id: Annotated[str, typer.Argument(metavar="ITEM", help="Work item id.")],
    user: ActorOption = None,
    outputs: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            metavar="NAME=VALUE",
            help="An output as key=value (repeatable).",
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Complete a work item with its outputs."""
    engine = open_engine(db)
    run_id = engine.complete_item(item_id, actor_name(user), parse_pairs(outputs, "--output"))
    run = engine.run(run_id)
    if output_format is OutputFormat.json:
        print_json({"item": item_id, "run": run_id, "status": run["status"], "stage": run["stage"]})
        return
    typer.echo(
        f"completed {item_id}; run {run_id} is {run['status']} (stage {run['stage'] or '-'})"
    )


ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Reassign even to a user who is unknown or inactive, or a group with no active "
        "member (the run then shows as stuck).",
    ),
]


def _warn_if_unworkable(engine: RunEngine, to: str, force: bool) -> None:
    problem = engine.assignee_problem(to) if force else None
    if problem:
        typer.echo(
            f"baton: warning: {to}: {problem}; the item stays stuck until it is reassigned "
            "or they can work it",
            err=True,
        )


@work_app.command("reassign")
def reassign_command(
    item_id: Annotated[str, typer.Argument(metavar="ITEM", help="Work item id.")],
    to: Annotated[
        str, typer.Option("--to", metavar="ASSIGNEE", help="user:NAME, group:NAME or queue:NAME")
    ],
    reason: ReasonOption = "",
    force: ForceOption = False,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Give one open item to someone else."""
    engine = open_engine(db)
    _warn_if_unworkable(engine, to, force)
    engine.reassign(item_id, to, reason, actor=actor_name(actor), force=force)
    typer.echo(f"reassigned {item_id} to {to}")


@work_app.command("reassign-all")
def reassign_all_command(
    source: Annotated[
        str, typer.Option("--from", metavar="ASSIGNEE", help="user:NAME whose items move")
    ],
    to: Annotated[
        str, typer.Option("--to", metavar="ASSIGNEE", help="user:NAME, group:NAME or queue:NAME")
    ],
    reason: ReasonOption = "",
    force: ForceOption = False,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Reassign every open item of one assignee (someone left or is away)."""
    engine = open_engine(db)
    _warn_if_unworkable(engine, to, force)
    moved = engine.reassign_all(source, to, reason, actor=actor_name(actor), force=force)
    if output_format is OutputFormat.json:
        print_json({"from": source, "to": to, "items": moved})
        return
    typer.echo(f"reassigned {len(moved)} item(s) from {source} to {to}")
