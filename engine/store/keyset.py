"""Keyset paging for list queries: "the rows after this one" by a two-column sort key.

A page ends with its last row's key; the next page asks for the rows after that key, so
rows added in between are neither skipped nor repeated (an offset would do both). Each
list's sort key is unique (a time and an id), and each has an index that serves it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_


def after(
    query: Select[Any],
    first: ColumnElement[Any],
    second: ColumnElement[Any],
    key: tuple[Any, Any] | None,
    *,
    newest_first: bool = False,
) -> Select[Any]:
    """`query` limited to rows after `key` = (first, second) in the order it is listed in
    (ascending, or descending when `newest_first`); unchanged when `key` is None."""
    if key is None:
        return query
    if newest_first:
        return query.where(or_(first < key[0], and_(first == key[0], second < key[1])))
    return query.where(or_(first > key[0], and_(first == key[0], second > key[1])))


def limited(query: Select[Any], limit: int | None) -> Select[Any]:
    """At most `limit` rows (None: all, for callers that want every row, such as the
    designer's pickers)."""
    return query if limit is None else query.limit(limit)
