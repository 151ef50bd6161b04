"""`baton users add|deactivate|list`, `baton tick` and `baton worker`."""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from sqlalchemy.exc import OperationalError

from engine.cli.app import app
from engine.cli.common import (
    ActorOption,
    DbOption,
    FormatOption,
    OutputFormat,
    actor_name,
    open_engine,
    open_runtime_engine,
    print_json,
    print_table,
)
from engine.cli.paging import AfterOption, limit_option, read_page
from engine.errors import BatonError, UsageError
from engine.runtime import Engine, VirtualClock
from engine.store import Store, parse_time

if TYPE_CHECKING:
    from engine.temporal.client import TemporalEngine

users_app = typer.Typer(help="The directory of users, groups and queues.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help="User name.")],
    groups: Annotated[
        list[str] | None,
        typer.Option("--group", metavar="GROUP", help="Group (repeatable)."),
    ] = None,
    queues: Annotated[
        list[str] | None,
        typer.Option("--queue", metavar="QUEUE", help="Queue (repeatable)."),
    ] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Same as --role admin.")] = False,
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            metavar="ROLE",
            help="admin, operator or assignee (default: keep; new: assignee).",
        ),
    ] = None,
    email: Annotated[
        str | None,
        typer.Option("--email", metavar="ADDRESS", help="Address for notices."),
    ] = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Add a user (or update one) with groups, queues and a role (admins only, once one exists)."""
    open_engine(db, create=True).add_user(
        name,
        groups=groups,
        queues=queues,
        admin=admin,
        role=role,
        email=email,
        actor=actor_name(actor),
    )
    typer.echo(f"user {name} ready")


@users_app.command("deactivate")
def deactivate_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help="User name.")],
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Deactivate a user; runs waiting on them show as stuck (`baton runs --stuck`)."""
    open_engine(db).deactivate_user(name, actor=actor_name(actor))
    typer.echo(f"user {name} deactivated")


@users_app.command("list")
def list_command(
    group: Annotated[
        str | None,
        typer.Option("--group", metavar="GROUP", help="Only members of this group or queue."),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option("--role", metavar="ROLE", help="Only users with this role."),
    ] = None,
    after: AfterOption = None,
    limit: Annotated[int, limit_option()] = 100,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Users by name with their role and groups, 100 at a time unless --limit says
    otherwise."""
    from engine.store import directory

    engine = open_engine(db)

    def fetch(last: tuple[str, str] | None, count: int) -> list[Any]:
        with engine.store.read() as conn:
            found = directory.list_users(
                conn, after=last[1] if last else None, limit=count, group=group, role=role
            )
        return [{"name": u.name, "user": u} for u in found]

    users = [r["user"] for r in read_page(fetch, lambda r: ("user", r["name"]), after, limit)]
    rows = [
        {
            "name": u.name,
            "admin": u.admin,
            "role": u.role,
            "active": u.active,
            "groups": list(u.groups),
            "email": u.email,
        }
        for u in users
    ]
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    print_table(
        [
            [
                r["name"],
                r["role"],
                "yes" if r["active"] else "no",
                " ".join(r["groups"]),
            ]
            for r in rows
        ],
        ["USER", "ROLE", "ACTIVE", "GROUPS"],
    )


def _parse_now(text: str) -> datetime:
    try:
        return parse_time(text)
    except ValueError:
        raise UsageError(
            f"--now {text!r} is not a date and time", hint="use ISO 8601, e.g. 2026-03-01T09:00Z"
        ) from None


@app.command("tick")
def tick_command(
    now: Annotated[
        str | None,
        typer.Option(
            "--now", metavar="TIME", help="Act as if it were this ISO time (testing, demos)."
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Fire every due timer and schedule once, then exit."""
    clock = VirtualClock(_parse_now(now)) if now else None
    fired = Engine(Store(db, create=db is None), clock=clock).tick()
    if output_format is OutputFormat.json:
        print_json({"fired": fired})
        return
    typer.echo(f"fired {fired} timer(s)/schedule(s)")


@app.command("worker")
def worker_command(
    poll: Annotated[
        float,
        typer.Option("--poll", metavar="SECONDS", help="Longest pause between checks (s)."),
    ] = 5.0,
    db: DbOption = None,
) -> None:
    """Fire timers, schedules and retries as they fall due, until Ctrl-C or SIGTERM.

    With a Temporal runtime (`BATON_RUNTIME=temporal://...`), run a Temporal worker
    instead: Baton's workflow and actions on task queue `baton` (`BATON_TASK_QUEUE`);
    beside it, webhooks and outbox messages are delivered as soon as its runs queue them,
    and every `--poll` seconds.
    """
    _check_mail_settings()
    engine = open_runtime_engine(db)
    if isinstance(engine, Engine):
        _tick_until_stopped(engine, poll)
    else:
        _serve_temporal_worker(engine, poll)


def _check_mail_settings() -> None:
    """Refuse a mail setting no pass could use before the worker starts, not once per pass."""
    from engine.actions import mail

    if mail.smtp_host() is None:
        return
    try:
        mail.outbox_copy()
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _serve_temporal_worker(engine: TemporalEngine, poll: float) -> None:
    from engine.api.deliverer import Deliverer
    from engine.temporal.worker import serve

    typer.echo(
        f"baton worker on {engine.address}, task queue {engine.address.task_queue}; Ctrl-C stops",
        err=True,
    )
    # Runs on Temporal queue their webhooks in the catalogue's outbox; this worker
    # delivers them as a local worker would (claims keep two deliverers apart), at
    # once when its own outbox activity queued some, else every `poll` seconds.
    deliverer = Deliverer(engine.catalogue, poll=poll)
    deliverer.start()
    try:
        serve(engine, deliverer.wake)
    finally:
        deliverer.stop()
    typer.echo("baton worker stopped", err=True)


def _tick_until_stopped(engine: Engine, poll: float) -> None:
    stop = threading.Event()

    def request_stop(*_: object) -> None:
        # The first Ctrl-C (or SIGTERM) lets the current transaction commit, then stops;
        # a second Ctrl-C interrupts at once (the transaction then rolls back).
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        typer.echo(f"baton worker on {engine.store.url}; Ctrl-C stops", err=True)
        while not stop.is_set():
            try:
                fired = engine.tick()
            except (BatonError, OperationalError) as exc:
                # A refused firing or a busy database is reported and tried again on the
                # next pass; the timer stays due, so nothing is dropped.
                typer.echo(f"baton worker: {exc}", err=True)
                stop.wait(poll)
                continue
            if fired:
                typer.echo(
                    f"{datetime.now().isoformat(timespec='seconds')} fired {fired}", err=True
                )
            due = engine.next_due()
            pause = poll
            if due is not None:
                pause = min(poll, max(0.0, (due - engine.clock.now()).total_seconds()))
            stop.wait(pause)
    except KeyboardInterrupt:
        pass
    finally:
        from engine.actions import smtp

        smtp.close_kept()  # say QUIT to the mail server instead of dropping the session
    engine.close()
    typer.echo("baton worker stopped", err=True)
