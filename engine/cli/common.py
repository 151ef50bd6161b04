"""Options and helpers shared by the runtime commands: database, format, actor, k=v pairs."""

from __future__ import annotations

import getpass
import json
import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

from engine.cli.closing import close_with_command

# Re-exported: the commands take them from here; they live where `baton runs` reads them
# without Typer (engine.cli.plain).
from engine.cli.plain import STORED_INT_MAX
from engine.cli.plain import OutputFormat as OutputFormat
from engine.cli.plain import parse_when as parse_when
from engine.cli.plain import print_json as print_json
from engine.cli.plain import print_table as print_table
from engine.errors import UsageError

if TYPE_CHECKING:
    from engine.runtime import Engine
    from engine.runtime.protocol import RunEngine
    from engine.runtime.reader import Reader
    from engine.temporal.client import TemporalEngine


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="BATON_DB",
        metavar="URL",
        help="Database URL or SQLite file (default: the shared file in the user data folder).",
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", metavar="text|json", help="text or json"),
]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Only the ids, one per line (for scripts: id=$(baton ... -q))."
    ),
]
ReasonOption = Annotated[
    str,
    typer.Option("--reason", metavar="TEXT", help="Why (logged with who did it)."),
]


def number_option(*names: str, metavar: str, help: str, min: int | None = None) -> Any:
    """A whole-number option checked against what the stores can hold (usage error, exit 2)."""
    return typer.Option(*names, metavar=metavar, min=min, max=STORED_INT_MAX, help=help)


ActorOption = Annotated[
    str | None,
    typer.Option(
        "--as", metavar="NAME", help="Who acts (default: $BATON_USER, else the login name)."
    ),
]


def open_engine(db: str | None, *, create: bool = False) -> RunEngine:
    """An engine on the chosen database, with the wall clock; with a Temporal runtime
    (`BATON_RUNTIME` / `baton --runtime`), runs live on Temporal and the database is the
    catalogue (see `engine.temporal.client.TemporalEngine`; both answer `RunEngine`).

    Args:
        db: `--db` (or `BATON_DB`); None is the default file in the user data folder.
        create: whether a database file that does not exist yet is created. Only the
            commands that set a database up (`activate`, `users add`) pass True; every
            other command reports a mistyped `--db` (exit code 2) instead of making a new
            empty database there. The default database is always created.
    """
    return open_runtime_engine(db, create=create)


def open_runtime_engine(db: str | None, *, create: bool = False) -> Engine | TemporalEngine:
    """`open_engine`'s engine typed as what it is, for a command that does different work
    on each runtime (`baton worker` ticks timers locally, or serves a Temporal worker): it
    chooses with `isinstance`, where every other command keeps to the calls both answer.

    Args:
        db: `--db` (or `BATON_DB`), as for `open_engine`.
        create: as for `open_engine`.
    """
    # Imported here: `Engine` brings the whole runtime, which read commands do without.
    from engine.runtime import Engine
    from engine.store import Store

    catalogue = Engine(Store(db, create=create or db is None))
    from engine.temporal.address import configured_runtime

    address = configured_runtime()
    if address is None:
        return close_with_command(catalogue)
    try:
        from engine.temporal.client import TemporalEngine
    except ImportError as exc:
        catalogue.close()
        raise UsageError(
            f"BATON_RUNTIME is {address}, but Temporal support is not installed ({exc.name})",
            hint="pip install 'baton-studio[temporal]'",
        ) from None
    return close_with_command(TemporalEngine(address, catalogue))


def open_reader(db: str | None) -> Reader:
    """What a command that only reads runs, logs and work uses: a `Reader` on the database
    (the read calls of `Engine` without importing the rest of the runtime, so `baton runs`
    starts quickly), or with a Temporal runtime the `TemporalEngine`, which has the same
    read calls (see `open_engine`).

    Args:
        db: `--db` (or `BATON_DB`); None is the default file in the user data folder.
    """
    from engine.temporal.address import configured_runtime

    if configured_runtime() is not None:
        return open_engine(db)  # type: ignore[return-value]
    from engine.runtime.reader import Reader
    from engine.store import Store

    return close_with_command(Reader(Store(db, create=db is None)))


def note_local_only(command: str, what: str) -> None:
    """One line on stderr when a Temporal runtime is set for a command that always runs on
    the local engine (process tests, simulation: they need the virtual clock)."""
    from engine.temporal.address import configured_runtime

    address = configured_runtime()
    if address is not None:
        typer.echo(
            f"baton {command}: {what} run locally on a virtual clock, not on {address}",
            err=True,
        )


def actor_name(given: str | None) -> str:
    """The acting user for logs: `--as`, `$BATON_USER`, or the login name."""
    return given or os.environ.get("BATON_USER") or getpass.getuser()


def hint_when_unknown(engine: RunEngine, given: str | None) -> None:
    """First-run help when Baton acts under a login name the directory does not know.

    Only when nobody chose the name (no `--as`, no `$BATON_USER`): one line on stderr says
    how to add yourself as an admin; the command itself goes on.
    """
    if given or os.environ.get("BATON_USER"):
        return
    from engine.store import directory

    name = getpass.getuser()
    with engine.store.read() as conn:
        known = directory.get_user(conn, name) is not None
    if not known:
        typer.echo(
            f"baton: note: you act as {name!r} (your login name), who is not in the directory;"
            f" add yourself as an admin: baton users add {name} --role admin",
            err=True,
        )


def parse_pairs(pairs: list[str] | None, what: str) -> dict[str, Any]:
    """`k=v` options as a mapping; a value that parses as JSON (5, true, [1]) is read so.

    Raises:
        UsageError: a pair without `=` (exit code 2).
    """
    values: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"{what} {pair!r} is not key=value")
        try:
            values[key.strip()] = json.loads(raw)
        except ValueError:
            values[key.strip()] = raw
    return values


def parse_json_object(text: str | None, what: str) -> dict[str, Any]:
    """A JSON object given on the command line.

    Raises:
        UsageError: not JSON or not an object (exit code 2).
    """
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise UsageError(f"{what} must be a JSON object")
    return value
