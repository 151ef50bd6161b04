"""Keyset pagination: a page ends with an opaque cursor naming its last row's sort key.

A cursor encodes the (time, id) of the last row served, so the next page starts right
after it even when rows were added in between (offsets would skip or repeat rows).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from engine.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

Key = tuple[str, str]


def encode(key: Key) -> str:
    """The cursor for a row's sort key."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode(cursor: str) -> Key:
    """The sort key inside a cursor.

    Raises:
        InvalidInput: not a cursor this server gave out.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        first, second = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if isinstance(first, str) and isinstance(second, str):
            return first, second
    except (ValueError, TypeError):
        pass
    raise InvalidInput(
        f"cursor {cursor!r} is not one this server gave out",
        field="cursor",
        hint="pass the next_cursor of the previous page unchanged",
    )


def page(
    fetch: Callable[[Key | None, int], list[dict[str, Any]]],
    key: Callable[[dict[str, Any]], Key],
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page: the rows after `cursor` (at most `limit`) and the cursor of the next page.

    Args:
        fetch: `fetch(after, n)` returns at most `n` rows after the key `after`, in order
            (the engine does the keyset query).
        key: a row's sort key.
        cursor: from the previous page, or None for the first.
        limit: the page size.
    """
    rows = fetch(decode(cursor) if cursor is not None else None, limit + 1)
    chosen = rows[:limit]
    more = len(rows) > limit
    return chosen, encode(key(chosen[-1])) if more and chosen else None


def number(text: str) -> int:
    """A cursor part that counts (an event or entry number).

    Raises:
        InvalidInput: not a number, so not a cursor this server gave out.
    """
    # Numbers in cursors are INTEGER columns (versions, entry numbers): anything longer
    # was not given out here, and would only make the database refuse the query.
    if not text.isdigit() or len(text) > 9:
        raise InvalidInput(
            "the cursor is not one this server gave out",
            field="cursor",
            hint="pass the next_cursor of the previous page unchanged",
        )
    return int(text)
