"""`baton event send` and `baton record create|update`: what the outside world tells runs."""

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
    open_engine,
    parse_json_object,
    parse_pairs,
    print_json,
)

event_app = typer.Typer(help="Send events to waiting runs.", no_args_is_help=True)
record_app = typer.Typer(help="Create and update records (may start runs).", no_args_is_help=True)
app.add_typer(event_app, name="event")
app.add_typer(record_app, name="record")


@event_app.command("send")
def send_command(
    name: Annotated[str, typer.Argument(help="Event name, e.g. badge_printed.")],
    key: Annotated[str | None, typer.Option("--key", help="Correlation key.")] = None,
    data: Annotated[str | None, typer.Option("--data", help="Event data as a JSON object.")] = None,
    output_format: FormatOption = OutputFormat.text,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Deliver an event; the wait steps expecting it (name and key) complete."""
    reached = open_engine(db).send_event(
        name, key, parse_json_object(data, "--data"), actor=actor_name(actor)
    )
    if output_format is OutputFormat.json:
        print_json({"event": name, "key": key, "runs": reached})
        return
    typer.echo(
        f"delivered to {len(reached)} run(s)" + (": " + ", ".join(reached) if reached else "")
    )


@record_app.command("create")
def create_command(
    object_name: Annotated[
        str, typer.Argument(metavar="OBJECT", help="Record type, e.g. Employee.")
    ],
    fields: Annotated[
        list[str] | None, typer.Option("--field", help="A field as key=value (repeatable).")
    ] = None,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Create a record; prints its id. Matching record-triggered orchestrations start."""
    engine = open_engine(db)
    record_id = engine.create_record(object_name, parse_pairs(fields, "--field"), actor_name(actor))
    if output_format is OutputFormat.json:
        print_json({"object": object_name, "id": record_id})
        return
    typer.echo(record_id)


@record_app.command("update")
def update_command(
    object_name: Annotated[str, typer.Argument(metavar="OBJECT", help="Record type.")],
    record_id: Annotated[str, typer.Argument(help="Record id.")],
    fields: Annotated[
        list[str] | None, typer.Option("--field", help="A field as key=value (repeatable).")
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
    record_id: Annotated[str, typer.Argument(help="Record id.")],
    db: DbOption = None,
) -> None:
    """Print a record's fields as JSON."""
    print_json(open_engine(db, create=False).record(object_name, record_id))
