"""`baton prune`: remove finished runs older than an age, in batches, after a dry run.

The rules (which runs count as finished, what goes with a run, what keeps one) are
`engine.runtime.retention`'s; docs/admin/retention.md is the operator's page.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from engine.cli.app import app
from engine.cli.closing import close_with_command
from engine.cli.common import (
    ActorOption,
    DbOption,
    FormatOption,
    OutputFormat,
    actor_name,
    number_option,
    parse_when,
    print_json,
)
from engine.errors import UsageError

if TYPE_CHECKING:
    from engine.store import Store

_AGE = re.compile(r"^(\d+)([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_TOO_OLD = timedelta(days=365_000)


def parse_age(text: str) -> timedelta:
    """`90d`, `12h`, `2w`, or an ISO 8601 duration (`P90D`).

    Raises:
        UsageError: anything else (exit code 2).
    """
    age: timedelta | None = None
    match = _AGE.match(text.strip())
    if match:
        try:
            age = timedelta(**{_UNITS[match[2]]: int(match[1])})
        except OverflowError:
            age = _TOO_OLD
    elif text.strip().upper().startswith("P"):
        from engine.definition.durations import parse_duration

        with contextlib.suppress(ValueError, OverflowError):
            age = parse_duration(text.strip().upper())
    if age is None:
        raise UsageError(
            f"--older-than {text!r} is not an age", hint="write e.g. 90d, 12h, 2w or P90D"
        )
    if age >= _TOO_OLD:
        # The cut-off is now minus the age: past year 1 no calendar (nor run) exists.
        raise UsageError(
            f"--older-than {text!r} reaches back past any run",
            hint="give an age under 1000 years, e.g. 3650d for ten years",
        )
    return age


@app.command("prune")
def prune_command(
    older_than: Annotated[
        str | None,
        typer.Option(
            "--older-than", metavar="AGE", help="Runs that ended longer ago (90d, 12h, 2w, P90D)."
        ),
    ] = None,
    before: Annotated[
        str | None,
        typer.Option("--before", metavar="TIME", help="Runs that ended before this ISO time."),
    ] = None,
    include_failed: Annotated[
        bool,
        typer.Option(
            "--include-failed", help="Failed runs too (they are kept by default: retryable)."
        ),
    ] = False,
    archive: Annotated[
        Path | None,
        typer.Option(
            "--archive",
            metavar="FILE",
            help="First append each removed run (row and event log) to FILE as JSON lines.",
        ),
    ] = None,
    vacuum: Annotated[
        bool,
        typer.Option("--vacuum", help="Give the freed space back afterwards (see the docs)."),
    ] = False,
    batch: Annotated[
        int, number_option("--batch", metavar="N", help="Runs per write transaction.")
    ] = 200,
    yes: Annotated[bool, typer.Option("--yes", help="Remove; without it, only count.")] = False,
    actor: ActorOption = None,
    output_format: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Remove completed and canceled runs that ended before an age or time, with their
    events, work items and delivered messages, and those messages' files in the outbox
    folder (a dry run unless --yes; admins only)."""
    from engine.temporal.address import configured_runtime

    address = configured_runtime()
    if address is not None:
        raise UsageError(
            f"baton prune removes runs from BATON_DB; runs on Temporal ({address.target}) are "
            f"removed by the retention period of namespace {address.namespace!r}",
            hint="set it with `temporal operator namespace update --retention 30d "
            f"--namespace {address.namespace}`",
        )
    if (older_than is None) == (before is None):
        raise UsageError(
            "say which runs are old: give --older-than AGE or --before TIME (one of them)",
            hint="e.g. baton prune --older-than 90d",
        )
    if batch < 1:
        raise UsageError(f"--batch {batch} is not a positive number of runs")
    if before is not None:
        cutoff = parse_when(before, "--before")
    else:
        cutoff = datetime.now(UTC) - parse_age(older_than or "")
    if yes and archive is not None:
        try:
            archive.open("a", encoding="utf-8").close()
        except OSError as exc:
            raise UsageError(
                f"cannot write the archive {archive}: {exc.strerror}",
                hint="give a file in a folder you may write to",
            ) from None
    from engine.runtime import Engine
    from engine.runtime.retention import prune, reclaim_space
    from engine.store import Store

    # The local engine itself (Temporal was refused above): a prune also empties its outbox
    # folder of the removed messages' files.
    engine = close_with_command(Engine(Store(db, create=db is None)))
    size_before = _file_size(engine.store)
    result = prune(
        engine,
        cutoff,  # type: ignore[arg-type]
        include_failed=include_failed,
        dry_run=not yes,
        archive=archive,
        batch=batch,
        actor=actor_name(actor),
    )
    reclaimed = None
    if yes and vacuum:
        reclaim_space(engine.store)
        reclaimed = (size_before, _file_size(engine.store))
    if output_format is OutputFormat.json:
        shown = result.to_json()
        if reclaimed is not None:
            shown["file_bytes"] = {"before": reclaimed[0], "after": reclaimed[1]}
        print_json(shown)
        return
    which = ", ".join(result.statuses)
    counts = ", ".join(
        f"{table} {count:,}"
        for table, count in sorted(result.rows.items())
        if count and table != "runs"
    )
    if result.dry_run:
        typer.echo(
            f"would prune {result.runs:,} run(s) ({which}) that ended before {result.before}"
            + (f": {counts}" if counts else "")
        )
        if result.files:
            typer.echo(
                f"would remove {result.files:,} file(s) of their messages from {result.outbox}"
            )
        if archive is not None:
            typer.echo(f"would archive them to {archive} first")
        typer.echo("repeat with --yes to do it")
    else:
        typer.echo(
            f"pruned {result.runs:,} run(s) ({which}) that ended before {result.before}"
            + (f": {counts}" if counts else "")
        )
        typer.echo(
            f"{result.batches} batch(es); longest write transaction {result.longest_hold_s:.3f} s"
        )
        if result.files:
            typer.echo(f"removed {result.files:,} file(s) of their messages from {result.outbox}")
        if archive is not None and result.runs:
            typer.echo(f"archived to {archive} (read one back: baton show --archive {archive} RUN)")
        if result.files_left:
            typer.echo(
                f"baton: warning: {result.files_left:,} file(s) of pruned messages stay "
                f"in the outbox folder ({result.files_error}); remove them by hand",
                err=True,
            )
    for why, count in sorted(result.kept.items()):
        typer.echo(f"kept {count:,} run(s): {why}")
    if reclaimed is not None:
        before_size, after_size = reclaimed
        if before_size is not None and after_size is not None:
            typer.echo(f"database file {before_size / 1e6:,.1f} MB -> {after_size / 1e6:,.1f} MB")
        else:
            typer.echo("space reclaimed (VACUUM ANALYZE of the pruned tables)")
    elif vacuum and not yes:
        typer.echo("--vacuum would then give the freed space back")


def _file_size(store: Store) -> int | None:
    # The SQLite file with its write-ahead log; None for a server database.
    from engine.store.sqlite_dialect import database_file

    file = database_file(store.url) if store.is_sqlite else None
    if file is None or not file.exists():
        return None
    wal = file.with_name(file.name + "-wal")
    return file.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
