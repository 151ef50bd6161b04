"""What commands print and parse that needs no command-line framework: output (a table,
JSON, one line to stderr), ISO times, the `--format` choice.

`baton runs` is answered without Typer when its arguments are plain (`engine.cli.runs_listing`),
so these live apart from the Typer options in `engine.cli.common`, which re-exports them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from engine.api import paging
from engine.errors import BatonError, UsageError

# One page of a list command is read into memory at once; a million rows is more than any
# screen or script wants in one go (the pages after it are an --after away), and the bound
# keeps `--limit 99999999999999999999` a usage message rather than a driver's overflow.
MAX_LIMIT = 1_000_000
"""Most rows a list command's `--limit` asks for."""

# A bigger --version, --after or --before could never match a row, and the driver would fail
# on it with a traceback instead of a usage message.
STORED_INT_MAX = 2**63 - 1
"""The largest whole number the stores hold (a signed 64-bit column in SQLite and PostgreSQL)."""


class OutputFormat(StrEnum):
    """How a command prints data."""

    text = "text"
    json = "json"


def echo(text: str, *, err: bool = False) -> None:
    """One line on stdout (stderr with `err`), flushed, as Typer's `echo` writes it."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def print_json(value: Any) -> None:
    """Stable, indented JSON on stdout."""
    echo(json.dumps(value, indent=2, sort_keys=True, default=str))


def print_table(rows: list[list[Any]], headers: list[str]) -> None:
    """A plain aligned table (no colours, easy to grep)."""
    cells = [headers, *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def parse_when(text: str | None, what: str) -> datetime | None:
    """An ISO 8601 time from the command line (a date alone means its midnight, UTC).

    Raises:
        UsageError: not an ISO time (exit code 2).
    """
    if not text:
        return None
    from engine.store.times import parse_time

    try:
        return parse_time(text)
    except ValueError:
        raise UsageError(
            f"{what} {text!r} is not an ISO time", hint="write e.g. 2026-03-01 or 2026-03-01T09:00Z"
        ) from None


def read_page(
    fetch: Callable[[paging.Key | None, int], list[dict[str, Any]]],
    key: Callable[[dict[str, Any]], paging.Key],
    after: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    """One page of rows; when more follow, one line on stderr names the next page (the
    `--after CURSOR` to repeat the command with; see `engine.cli.paging`)."""
    rows, next_cursor = paging.page(fetch, key, after, limit)
    if next_cursor is not None:
        echo(f"(more: repeat with --after {next_cursor})", err=True)
    return rows


def reported(exc: BaseException) -> int | None:
    """Tell the user about a Baton error or a database fault in one line on stderr; the
    exit code, or None when `exc` is neither (a bug: its traceback is wanted)."""
    if isinstance(exc, BatonError):
        echo(f"baton: error: {exc}", err=True)
        return exc.exit_code
    from engine.store.faults import is_driver_error

    if is_driver_error(exc):
        # Stores translate the faults they know; anything else is still one line.
        echo(f"baton: error: the database failed: {str(exc).splitlines()[0]}", err=True)
        return 2
    return None
