"""Pages in list commands: `--limit N` rows, and `--after CURSOR` for the next page.

The cursor is the same opaque text the HTTP API returns as `next_cursor` (see
`engine.api.paging`), so a page read over HTTP can be continued here and back. When more
rows follow, the command says so on stderr with the exact `--after` to pass, so stdout
(a table, JSON or ids) stays clean for scripts.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

# Re-exported: `baton runs` reads its page without Typer (engine.cli.plain).
from engine.cli.plain import MAX_LIMIT as MAX_LIMIT
from engine.cli.plain import read_page as read_page

AfterOption = Annotated[
    str | None,
    typer.Option(
        "--after", metavar="CURSOR", help="The next page: the cursor the last page ended with."
    ),
]


def limit_option(default: int = 100) -> Any:
    """`--limit N` (1 to `MAX_LIMIT`) for a list command."""
    return typer.Option(
        "--limit",
        metavar="N",
        min=1,
        max=MAX_LIMIT,
        help=f"At most this many (default {default}).",
    )
