"""`baton serve` (the HTTP API) and `baton tokens create|list|revoke` (its API tokens)."""

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
    print_json,
    print_table,
)

tokens_app = typer.Typer(help="API tokens for `baton serve`.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")


@app.command("serve")
def serve_command(
    host: Annotated[
        str,
        typer.Option(
            "--host", metavar="ADDRESS", help="Address to bind (keep loopback behind a TLS proxy)."
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", metavar="PORT", help="Port (0 picks a free one)."),
    ] = 8080,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = True,
    db: DbOption = None,
) -> None:
    """Serve the HTTP API (docs at /docs) until Ctrl-C; every call needs an API token."""
    # Imported here: the web stack costs ~0.3 s that other commands should not pay.
    from engine.api.server import serve

    serve(db, host=host, port=port, access_log=access_log)


@tokens_app.command("create")
def create_command(
    user: Annotated[
        str,
        typer.Option("--user", metavar="NAME", help="The user the token acts as."),
    ],
    label: Annotated[
        str,
        typer.Option("--label", metavar="TEXT", help="What it is for (shown in list)."),
    ] = "",
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Create a token for a user and print it ONCE (only its hash is kept; admins only)."""
    from engine.api.tokens import create_token

    issued = create_token(open_engine(db), user, label, actor=actor_name(actor))
    if output_format is OutputFormat.json:
        print_json({"id": issued.id, "user": issued.user, "token": issued.secret})
        return
    typer.echo(issued.secret)
    typer.echo(f"token {issued.id} for {issued.user}: copy it now, it is not shown again", err=True)


@tokens_app.command("list")
def list_command(
    user: Annotated[
        str | None, typer.Option("--user", metavar="NAME", help="Only this user's.")
    ] = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Every token: id, user, label, when created and revoked (never the token itself)."""
    from engine.api.tokens import list_tokens

    rows = list_tokens(open_engine(db), user)
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    print_table(
        [[r["id"], r["user"], r["label"], r["created_at"], r["revoked_at"] or "-"] for r in rows],
        ["TOKEN", "USER", "LABEL", "CREATED", "REVOKED"],
    )


@tokens_app.command("revoke")
def revoke_command(
    token_id: Annotated[
        str, typer.Argument(metavar="TOKEN", help="Token id (from `baton tokens list`).")
    ],
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Revoke a token: requests with it are refused from now on (admins only)."""
    from engine.api.tokens import revoke_token

    revoke_token(open_engine(db), token_id, actor=actor_name(actor))
    typer.echo(f"revoked {token_id}")
