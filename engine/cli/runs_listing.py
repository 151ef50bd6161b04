"""`baton runs`: listing runs, and answering a plain `baton runs ...` without Typer.

The Typer command (`engine.cli.run_commands.runs_command`) declares the options and their
help; `list_runs` does the work for it. Building Typer's command costs more than the rest
of `baton runs` together (its pydantic adapters are imported and one is built per option),
so `engine.cli.main` first offers the arguments to `answer_plainly`: when each is one of
`RUNS_OPTIONS` with a value it reads exactly, the runs are listed right away; anything
else (`--help`, a typo, a bad value, a Temporal runtime) goes to Typer, so every usage
message is Typer's. `tests/engine/cli/test_cli_runs_plain.py` checks that `RUNS_OPTIONS`
is exactly the Typer command's options and that both paths print the same.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from engine.cli.closing import close_with_command, closing_engines
from engine.cli.plain import (
    MAX_LIMIT,
    STORED_INT_MAX,
    OutputFormat,
    echo,
    parse_when,
    print_json,
    print_table,
    read_page,
    reported,
)

if TYPE_CHECKING:
    from engine.runtime.lite import LiteReader
    from engine.runtime.protocol import RunEngine

RUNS_OPTIONS: dict[str, tuple[str, str]] = {
    "--status": ("status", "text"),
    "--stuck": ("stuck", "flag"),
    "--orchestration": ("orchestration", "text"),
    "--version": ("version", "number"),
    "--stage": ("stage", "text"),
    "--started-after": ("started_after", "text"),
    "--started-before": ("started_before", "text"),
    "--assignee": ("assignee", "text"),
    "--limit": ("limit", "count"),
    "--after": ("after", "text"),
    "--outcome": ("outcome", "text"),
    "--quiet": ("quiet", "flag"),
    "-q": ("quiet", "flag"),
    "--format": ("output_format", "format"),
    "--db": ("db", "text"),
}
"""Each option of `baton runs`: its parameter and how its value is read (`text` as given,
`number` digits, `count` digits from 1, `format` text or json, `flag` no value)."""

DEFAULTS: dict[str, Any] = {
    "status": None,
    "stuck": False,
    "orchestration": None,
    "version": None,
    "stage": None,
    "started_after": None,
    "started_before": None,
    "assignee": None,
    "limit": 100,
    "after": None,
    "outcome": None,
    "quiet": False,
    "output_format": OutputFormat.text,
    "db": None,
}
"""What each parameter is when its option is not given (the Typer command's defaults)."""

DB_ENVVAR = "BATON_DB"


def open_run_lister(db: str | None) -> LiteReader | RunEngine:
    """What `baton runs` lists runs with: on a SQLite file, a `LiteReader`, which reads
    the list without importing SQLAlchemy (a third of the command's start-up) and hands
    anything else to a `Reader`; with a Temporal runtime the `TemporalEngine` (see
    `engine.cli.common.open_engine`).

    Args:
        db: `--db` (or `BATON_DB`); None is the default file in the user data folder.
    """
    from engine.temporal.address import configured_runtime

    if configured_runtime() is not None:
        from engine.cli.common import open_engine

        return open_engine(db)
    from engine.runtime.lite import LiteReader

    return close_with_command(LiteReader(db))


def list_runs(
    *,
    status: str | None,
    stuck: bool,
    orchestration: str | None,
    version: int | None,
    stage: str | None,
    started_after: str | None,
    started_before: str | None,
    assignee: str | None,
    limit: int,
    after: str | None,
    outcome: str | None,
    quiet: bool,
    output_format: OutputFormat,
    db: str | None,
) -> None:
    """Print one page of runs as `baton runs` does (see its help for each option)."""
    engine = open_run_lister(db)
    since = parse_when(started_after, "--started-after")
    until = parse_when(started_before, "--started-before")
    # Given only when used, so a runtime without this filter is asked nothing new.
    extra = {"assignee": assignee} if assignee is not None else {}
    found = read_page(
        lambda last, count: engine.runs(
            status=status,
            stuck=stuck,
            orchestration=orchestration,
            version=version,
            stage=stage,
            started_after=since,
            started_before=until,
            after=last,
            limit=count,
            outcome=outcome,
            **extra,
        ),
        lambda r: (r["started_at"], r["id"]),
        after,
        limit,
    )
    if output_format is OutputFormat.json and not quiet:
        print_json(found)
        return
    if quiet:
        for r in found:
            echo(r["id"])
    else:
        columns = ("id", "orchestration", "version", "status", "stage", "started_at")
        rows = [
            [status_text(r) if c == "status" else "-" if r[c] is None else r[c] for c in columns]
            for r in found
        ]
        print_table(rows, ["RUN", "ORCHESTRATION", "V", "STATUS", "STAGE", "STARTED"])
        if stuck:
            for r in found:
                for reason in r["reasons"]:
                    echo(f"{r['id']}: {reason}")


def status_text(run: dict) -> str:
    """A run's status, with its end's outcome when that is not plainly `completed`."""
    outcome = run.get("outcome")
    return f"{run['status']} ({outcome})" if outcome and outcome != "completed" else run["status"]


def plain_arguments(args: list[str]) -> dict[str, Any] | None:
    """The parameters of `baton runs ARGS` (the arguments after `runs`), or None when an
    argument is not one this reads exactly: an unknown or repeated option, a missing value,
    a value that is not what the option takes, `--opt=value`, `--help`."""
    values = dict(DEFAULTS)
    given: set[str] = set()
    rest = iter(args)
    for arg in rest:
        option = RUNS_OPTIONS.get(arg)
        if option is None or option[0] in given:
            return None
        name, kind = option
        given.add(name)
        if kind == "flag":
            values[name] = True
            continue
        value = next(rest, None)
        # A value that looks like an option is left to Typer, which knows what it means.
        if value is None or value.startswith("-"):
            return None
        if kind in ("number", "count"):
            # The bounds of the Typer options (`limit_option`, `number_option`): outside
            # them Typer gives the usage message.
            highest = MAX_LIMIT if kind == "count" else STORED_INT_MAX
            if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= highest:
                return None
            values[name] = int(value)
        elif kind == "format":
            if value not in OutputFormat.__members__:
                return None
            values[name] = OutputFormat(value)
        else:
            values[name] = value
    if "db" not in given:
        # As Typer reads the option's environment variable: an empty one is not given.
        values["db"] = os.environ.get(DB_ENVVAR) or None
    return values


def answer_plainly(args: list[str]) -> int | None:
    """Run `baton runs ARGS` without Typer; its exit code, or None when Typer must (see
    the module docstring and `plain_arguments`)."""
    from engine.temporal.address import configured_runtime

    values = plain_arguments(args)
    if values is None or configured_runtime() is not None:
        return None
    try:
        with closing_engines():
            list_runs(**values)
    except Exception as exc:
        code = reported(exc)
        if code is None:
            raise
        return code
    except KeyboardInterrupt:
        echo("", err=True)
        echo("baton: aborted", err=True)
        return 1
    return 0
