"""`baton outbox`: emails and notices not delivered yet, with their last error."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from engine.cli.app import app
from engine.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    open_reader,
    print_json,
    print_table,
)
from engine.cli.paging import AfterOption, limit_option, read_page
from engine.store import outbox


@app.command("outbox")
def outbox_command(
    failed: Annotated[
        bool, typer.Option("--failed", help="Only those given up on after the last try.")
    ] = False,
    after: AfterOption = None,
    limit: Annotated[int, limit_option()] = 100,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Emails and notices waiting for the worker (or given up on), oldest first, 100 at a
    time unless --limit says otherwise."""
    engine = open_reader(db)

    def fetch(last: tuple[str, str] | None, count: int) -> list[dict[str, Any]]:
        with engine.store.read() as conn:
            only_failed = True if failed else None
            return outbox.undelivered(conn, failed=only_failed, after=last, limit=count)

    rows = read_page(fetch, lambda r: (r["created_at"], r["position"]), after, limit)
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
