"""`baton outbox`: emails and notices not delivered yet, with their last error."""

from __future__ import annotations

from typing import Annotated

import typer

from engine.cli.app import app
from engine.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    open_engine,
    print_json,
    print_table,
)
from engine.store import outbox


@app.command("outbox")
def outbox_command(
    failed: Annotated[
        bool, typer.Option("--failed", help="Only those given up on after the last try.")
    ] = False,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Emails and notices waiting for the worker (or given up on), oldest first."""
    engine = open_engine(db)
    with engine.store.read() as conn:
        rows = outbox.undelivered(conn)
    if failed:
        rows = [r for r in rows if r["failed"]]
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    print_table(
        [
            [
                r["kind"],
                r["key"],
                r["to"],
                r["attempts"],
                "failed" if r["failed"] else (r["next_try_at"] or "now"),
                (r["last_error"] or "")[:60],
            ]
            for r in rows
        ],
        ["KIND", "KEY", "TO", "TRIES", "NEXT TRY", "LAST ERROR"],
    )
