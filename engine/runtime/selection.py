"""What a list call selects (`RunSelection`, `WorkSelection`) and the runs list's SQL.

Kept free of SQLAlchemy: `baton runs` on a SQLite file reads with the standard library's
`sqlite3` (`engine.runtime.lite`), and the SQLAlchemy path (`queries.list_runs`, SQLite and
PostgreSQL) runs the very same statement, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RunSelection:
    """Which runs to list, and which page: newest first, `after` the (started_at, id) of
    the last run of the previous page, at most `limit` (None: all)."""

    status: str | None = None
    orchestration: str | None = None
    version: int | None = None
    stage: str | None = None
    started_after: str | None = None
    started_before: str | None = None
    after: tuple[str, str] | None = None
    limit: int | None = None
    outcome: str | None = None
    assignee: str | None = None
    """Only runs with an open work item assigned to exactly this user:/group:/queue:."""

    def matches(self, run: dict[str, Any]) -> bool:
        """The same test on a run summary (for lists built outside SQL, e.g. stuck runs)."""
        wanted = {
            "status": self.status,
            "orchestration": self.orchestration,
            "version": self.version,
            "stage": self.stage,
            "outcome": self.outcome,
        }
        if any(v is not None and run[k] != v for k, v in wanted.items()):
            return False
        started = run["started_at"]
        if self.started_after is not None and started < self.started_after:
            return False
        if self.started_before is not None and started >= self.started_before:
            return False
        if self.after is not None:
            last_time, last_id = self.after
            return started < last_time or (started == last_time and run["id"] > last_id)
        return True


@dataclass(frozen=True, slots=True)
class WorkSelection:
    """Which work items to list besides whose: every given field must match."""

    assignee: str | None = None
    """Assigned to exactly this user:/group:/queue: name."""
    orchestration: str | None = None
    version: int | None = None
    stage: str | None = None
    """Items of runs whose current stage this is (an open item's own stage)."""
    created_after: str | None = None
    """Created at or after this time; `created_before`: before it."""
    created_before: str | None = None


RUN_SUMMARY_COLUMNS = (
    "id",
    "definition_id",
    "definition_version",
    "status",
    "current_stage",
    "started_at",
    "ended_at",
    "error",
    "outcome",
)
"""The columns of a run summary, in the order `runs_sql` selects them."""

_SUMMARY_KEYS = (
    "id",
    "orchestration",
    "version",
    "status",
    "stage",
    "started_at",
    "ended_at",
    "error",
    "outcome",
)
_COLUMNS = ", ".join(RUN_SUMMARY_COLUMNS)
_NEWEST_FIRST = "ORDER BY started_at DESC, id"


def run_summary(row: tuple[Any, ...]) -> dict[str, Any]:
    """A run summary (the `--format json` fields) from a row of `RUN_SUMMARY_COLUMNS`."""
    return dict(zip(_SUMMARY_KEYS, row, strict=True))


def runs_sql(selection: RunSelection) -> tuple[str, dict[str, Any]]:
    """The statement listing `selection`'s runs newest first, and its named parameters
    (`:name`, which both `sqlite3` and SQLAlchemy's `text()` bind).

    A page after the first of the whole list (or of a time range) seeks rather than
    scans: "older than the last run, or as old with a greater id" written as one OR makes
    SQLite walk the runs index from its top, so page N reads N pages of rows. Split into
    its two halves, each reads its rows straight off the index `(started_at DESC, id)`: the
    rest of the last run's start time by id, then the older start times, newest first.
    Runs started by one call share one start time, so the first half matters as much as
    the second. With a filter that has an index of its own (status, orchestration, stage,
    outcome, assignee) the database reads that index instead, whichever form the page
    takes; such a page keeps the single condition, which lets it.
    """
    where: list[str] = []
    params: dict[str, Any] = {}
    for column, name, value in (
        ("status", "status", selection.status),
        ("definition_id", "orchestration", selection.orchestration),
        ("definition_version", "version", selection.version),
        ("current_stage", "stage", selection.stage),
        ("outcome", "outcome", selection.outcome),
    ):
        if value is not None:
            where.append(f"{column} = :{name}")
            params[name] = value
    if selection.started_after is not None:
        where.append("started_at >= :started_after")
        params["started_after"] = selection.started_after
    if selection.started_before is not None:
        where.append("started_at < :started_before")
        params["started_before"] = selection.started_before
    if selection.assignee is not None:
        where.append(
            "id IN (SELECT run_id FROM work_items WHERE status = 'open' AND assignee = :assignee)"
        )
        params["assignee"] = selection.assignee
    limit = ""
    if selection.limit is not None:
        limit = " LIMIT :limit"
        params["limit"] = selection.limit
    if selection.after is None:
        return f"SELECT {_COLUMNS} FROM runs{_where(where)} {_NEWEST_FIRST}{limit}", params
    params["last_time"], params["last_id"] = selection.after
    if params.keys() - {"started_after", "started_before", "limit", "last_time", "last_id"}:
        where.append("(started_at < :last_time OR (started_at = :last_time AND id > :last_id))")
        return f"SELECT {_COLUMNS} FROM runs{_where(where)} {_NEWEST_FIRST}{limit}", params
    same_time = _where([*where, "started_at = :last_time", "id > :last_id"])
    older = _where([*where, "started_at < :last_time"])
    # Each half in its own sub-select, so each has its own ORDER BY and LIMIT (and so
    # reads at most one page); the union of at most two pages is sorted again.
    return (
        f"SELECT * FROM (SELECT {_COLUMNS} FROM runs{same_time} ORDER BY id{limit}) AS same_time"
        f" UNION ALL SELECT * FROM (SELECT {_COLUMNS} FROM runs{older} {_NEWEST_FIRST}{limit})"
        f" AS older {_NEWEST_FIRST}{limit}",
        params,
    )


def _where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""
