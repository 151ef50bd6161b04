"""`baton event send` and `baton record create|update`: what the outside world tells runs."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from engine.cli.app import app
from engine.cli.common import (
    ActorOption,
    DbOption,
    FormatOption,
    OutputFormat,
    actor_name,
    open_engine,
    parse_json_object,
    parse_pairs,
    print_json,
)
from engine.errors import UsageError

event_app = typer.Typer(help="Send events to waiting runs.", no_args_is_help=True)
record_app = typer.Typer(help="Create and update records (may start runs).", no_args_is_help=True)
app.add_typer(event_app, name="event")
app.add_typer(record_app, name="record")


@event_app.command("send")
def send_command(
    name: Annotated[str, typer.Argument(metavar="EVENT", help="Event name, e.g. badge_printed.")],
    key: Annotated[
        str | None, typer.Option("--key", metavar="KEY", help="Correlation key.")
    ] = None,
    data: Annotated[
        str | None,
        typer.Option("--data", metavar="JSON", help="Event data as a JSON object."),
    ] = None,
    output_format: FormatOption = OutputFormat.text,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Deliver an event; the wait steps expecting it (name and key) complete."""
    if not name.strip():
        # No wait step can name a blank event (the HTTP API refuses one too), so a blank
        # name is a slip, e.g. an unset shell variable: say so instead of "0 runs".
        raise UsageError("the event name is blank", hint="name the event, e.g. badge_printed")
    engine = open_engine(db)
    sent = engine.publish(name, key, parse_json_object(data, "--data"), actor=actor_name(actor))
    reached = sent.runs
    # Nothing reached: say who does wait for this event, so a wrong key is easy to see.
    # At most a screenful: enough to spot the key that was meant.
    waiting = [] if reached else engine.waits(event=name, limit=_SHOWN_WAITS + 1)
    more_waiting = len(waiting) > _SHOWN_WAITS
    waiting = waiting[:_SHOWN_WAITS]
    if output_format is OutputFormat.json:
        print_json(
            {
                "event": name,
                "key": key,
                "runs": reached,
                "waiting": waiting,
                "kept_until": sent.kept_until,
            }
        )
        return
    typer.echo(
        f"delivered to {len(reached)} run(s)" + (": " + ", ".join(reached) if reached else "")
    )
    if sent.kept_until:
        typer.echo(
            f"baton: note: kept until {sent.kept_until} for a wait step (buffer) that opens later",
            err=True,
        )
    elif not reached:
        typer.echo(_nobody_waits_note(name, key, waiting, more_waiting), err=True)


_SHOWN_WAITS = 20


def _nobody_waits_note(
    name: str, key: str | None, waiting: list[dict[str, Any]], more: bool = False
) -> str:
    sent = f"{name!r}" + (f" with key {key!r}" if key is not None else " without a key")
    if not waiting:
        return f"baton: note: no run waits for event {name!r}, with any key or none"
    keys = ", ".join(
        f"{w['run']} (step {w['step']}, "
        + (f"key {w['key']!r})" if w["key"] is not None else "any key)")
        for w in waiting
    )
    also = f" and more (the first {len(waiting)} shown)" if more else ""
    return f"baton: note: no run waits for event {sent}; waiting for {name!r}: {keys}{also}"


@record_app.command("create")
def create_command(
    object_name: Annotated[
        str, typer.Argument(metavar="OBJECT", help="Record type, e.g. Employee.")
    ],
    fields: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="NAME=VALUE",
            help="A field as key=value (repeatable).",
        ),
    ] = None,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Create a record; prints its id and the runs its record triggers started."""
    engine = open_engine(db)
    record_id = engine.create_record(object_name, parse_pairs(fields, "--field"), actor_name(actor))
    started = engine.runs_of_record(object_name, record_id)
    if output_format is OutputFormat.json:
        print_json({"object": object_name, "id": record_id, "runs": [r["id"] for r in started]})
        return
    # The id alone on stdout, so `$(baton record create ...)` stays a record id.
    typer.echo(record_id)
    for run in started:
        typer.echo(
            f"started {run['id']} ({run['orchestration']} v{run['version']}): {run['status']}",
            err=True,
        )
    if not started:
        typer.echo(
            f"no orchestration starts on a new {object_name} record with these fields", err=True
        )


@record_app.command("update")
def update_command(
    object_name: Annotated[str, typer.Argument(metavar="OBJECT", help="Record type.")],
    record_id: Annotated[str, typer.Argument(metavar="RECORD", help="Record id.")],
    fields: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="NAME=VALUE",
            help="A field as key=value (repeatable).",
        ),
    ] = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Change fields of a record. Orchestrations whose condition became true start."""
    open_engine(db).update_record(
        object_name, record_id, parse_pairs(fields, "--field"), actor_name(actor)
    )
    typer.echo(f"updated {object_name} {record_id}")


@record_app.command("show")
def show_command(
    object_name: Annotated[str, typer.Argument(metavar="OBJECT", help="Record type.")],
    record_id: Annotated[str, typer.Argument(metavar="RECORD", help="Record id.")],
    db: DbOption = None,
) -> None:
    """Print a record's fields as JSON."""
    print_json(open_engine(db).record(object_name, record_id))
