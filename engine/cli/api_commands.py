"""`baton serve` (the HTTP API), `baton tokens` (its API tokens), `baton webhooks`."""

from __future__ import annotations

import math
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
from engine.cli.paging import AfterOption, limit_option, read_page
from engine.errors import UsageError

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
        typer.Option("--port", metavar="PORT", min=0, max=65535, help="Port (0 picks a free one)."),
    ] = 8080,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = True,
    deliver_every: Annotated[
        float,
        typer.Option(
            "--deliver-every",
            metavar="SECONDS",
            help="Longest pause between delivery passes (webhooks, outbox; retries).",
        ),
    ] = 5.0,
    db: DbOption = None,
) -> None:
    """Serve the HTTP API (docs at /docs) until Ctrl-C; every call needs an API token."""
    if not (deliver_every > 0 and math.isfinite(deliver_every)):
        raise UsageError(
            f"--deliver-every must be a number of seconds above 0, not {deliver_every:g}"
        )
    # Imported here: the web stack costs ~0.3 s that other commands should not pay.
    from engine.api.server import serve

    serve(db, host=host, port=port, access_log=access_log, deliver_every=deliver_every)


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
    after: AfterOption = None,
    limit: Annotated[int, limit_option()] = 100,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Tokens, oldest first: id, user, label, when created and revoked (never the token
    itself); 100 at a time unless --limit says otherwise."""
    from engine.api.tokens import list_tokens

    engine, who = open_engine(db), actor_name(actor)
    rows = read_page(
        lambda last, n: list_tokens(engine, user, actor=who, after=last, limit=n),
        lambda r: (r["created_at"], r["id"]),
        after,
        limit,
    )
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


webhooks_app = typer.Typer(
    help="Outgoing webhooks: tell other systems when runs end or work arrives.",
    no_args_is_help=True,
)
app.add_typer(webhooks_app, name="webhooks")


@webhooks_app.command("add")
def webhook_add_command(
    orchestration: Annotated[str, typer.Argument(help="Orchestration id.")],
    url: Annotated[str, typer.Option("--url", help="Where to POST (https in production).")],
    events: Annotated[
        list[str] | None,
        typer.Option(
            "--event", help="run.completed, run.failed or item.created (repeatable; default all)."
        ),
    ] = None,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Register a webhook; prints the secret that signs its deliveries ONCE (admins only)."""
    from engine.runtime.webhooks import add_webhook

    webhook_id, secret = add_webhook(
        open_engine(db), orchestration, url, events, actor=actor_name(actor)
    )
    if output_format is OutputFormat.json:
        print_json({"id": webhook_id, "orchestration": orchestration, "secret": secret})
        return
    typer.echo(secret)
    typer.echo(
        f"webhook {webhook_id} for {orchestration}: the secret above signs every delivery; "
        "copy it now, it is not shown again",
        err=True,
    )


@webhooks_app.command("list")
def webhook_list_command(
    after: AfterOption = None,
    limit: Annotated[int, limit_option()] = 100,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Webhooks, oldest first, with how many deliveries were sent, are pending or failed
    (admins); 100 at a time unless --limit says otherwise."""
    from engine.runtime.webhooks import list_webhooks

    engine, who = open_engine(db), actor_name(actor)
    rows = read_page(
        lambda last, n: list_webhooks(engine, actor=who, after=last, limit=n),
        lambda r: (r["created_at"], r["id"]),
        after,
        limit,
    )
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    print_table(
        [
            [
                r["id"],
                r["orchestration"],
                r["url"],
                ",".join(r["events"]),
                "yes" if r["active"] else "no",
                f"{r['sent']}/{r['pending']}/{r['failed']}",
            ]
            for r in rows
        ],
        ["WEBHOOK", "ORCHESTRATION", "URL", "EVENTS", "ACTIVE", "SENT/PENDING/FAILED"],
    )


@webhooks_app.command("remove")
def webhook_remove_command(
    webhook_id: Annotated[str, typer.Argument(help="Webhook id (from `baton webhooks list`).")],
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Stop a webhook: nothing new is queued for it (admins only)."""
    from engine.runtime.webhooks import remove_webhook

    remove_webhook(open_engine(db), webhook_id, actor=actor_name(actor))
    typer.echo(f"removed {webhook_id}")


@webhooks_app.command("deliveries")
def webhook_deliveries_command(
    webhook_id: Annotated[str | None, typer.Argument(help="Only this webhook's.")] = None,
    after: AfterOption = None,
    limit: Annotated[int, limit_option()] = 100,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Deliveries, oldest first: sent, pending (next try) or failed, with the last error;
    100 at a time unless --limit says otherwise (admins)."""
    from engine.api.paging import number
    from engine.runtime.webhooks import deliveries

    engine, who = open_engine(db), actor_name(actor)
    rows = read_page(
        lambda last, n: deliveries(
            engine, webhook_id, actor=who, after=number(last[1]) if last else None, limit=n
        ),
        lambda r: ("delivery", str(r["number"])),
        after,
        limit,
    )
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    print_table(
        [
            [
                r["key"],
                r["event"],
                "failed" if r["failed"] else ("sent" if r["sent_at"] else "pending"),
                r["attempts"],
                r["sent_at"] or r["next_try_at"] or "-",
                r["last_error"] or "",
            ]
            for r in rows
        ],
        ["DELIVERY", "EVENT", "STATE", "TRIES", "SENT / NEXT TRY", "LAST ERROR"],
    )
