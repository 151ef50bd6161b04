"""`baton db upgrade|status`: the database schema, migrated by Alembic."""

from __future__ import annotations

import typer

from engine.cli.app import app
from engine.cli.common import DbOption, FormatOption, OutputFormat, print_json
from engine.store import Store, migrate

db_app = typer.Typer(help="The database schema (migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade_command(output_format: FormatOption = OutputFormat.text, db: DbOption = None) -> None:
    """Apply pending schema migrations (an empty database is created at the newest schema).

    A database newer than this Baton is refused and left untouched.
    """
    store = Store(db, upgrade=True)
    before, after = store.upgraded or (None, migrate.head())
    store.close()
    if output_format is OutputFormat.json:
        print_json({"database": store.url, "from": before, "to": after})
        return
    if before == after:
        typer.echo(f"{store.url} is up to date ({after})")
    else:
        typer.echo(f"{store.url} upgraded from {before or 'empty'} to {after}")


@db_app.command("status")
def status_command(output_format: FormatOption = OutputFormat.text, db: DbOption = None) -> None:
    """The schema revision of the database and how durable its commits are; exit 2 when
    it needs `baton db upgrade`."""
    store = Store(db, create=db is None)  # refuses an older or newer database with the reason
    store.close()
    durability = _DURABILITY.get(
        store.synchronous or "", "as the PostgreSQL server is set up (fsync, synchronous_commit)"
    )
    if output_format is OutputFormat.json:
        print_json(
            {"database": store.url, "revision": migrate.head(), "synchronous": store.synchronous}
        )
        return
    typer.echo(f"{store.url} is at {migrate.head()}")
    typer.echo(f"commits: {durability}")


_DURABILITY = {
    "FULL": "FULL (a commit survives a power cut)",
    "NORMAL": "NORMAL (BATON_SQLITE_SYNCHRONOUS; a power cut may lose the last commits)",
}
