"""Retention: removing finished runs older than a cutoff, with everything only they use.

A run is *finished* when nothing can move it again: `completed` or `canceled`. A `failed`
run can still be retried (`baton retry`), so it is kept unless the caller counts failed runs
as closed (`include_failed`). Its age is its end (`ended_at`): a run that ended before the
cutoff is old; a failed run, which has no end, is old when it failed (its last event) before
the cutoff.

What goes with a run: its events, stage and step rows, work items, waits and timers, and
its notices, outbox messages and webhook deliveries, and the files the outbox folder holds
for those messages (their `.eml` files and SMTP-sent markers): a message's file goes with its
row, so the folder stays bounded too, and a later notice that gets a freed id is never
mistaken for the old one already written. A run is kept (and counted as kept,
with the reason) while any of those messages still waits for delivery, while its parent is
kept, or while one of its child runs is kept, so a family goes together and nothing in
flight is lost. Event buffers belong to no run (a taken event is deleted when it is taken;
a kept one lapses at its own `kept_until`). The audit log and records stay.

The work is done in batches of `batch` runs, each in its own short write transaction, so
others keep starting and completing runs while a large prune goes on; the longest write
transaction is reported (`PruneResult.longest_hold_s`). Before a batch is deleted, the runs'
rows and event logs are appended to the archive file (JSON lines, flushed to disk) when one
is given: what is removed can be read back (`read_archive`).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, delete, false, func, or_, select

from engine.actions import mail
from engine.errors import InvalidInput, NotFound, PermissionDenied, StoreFault
from engine.runtime import eventrows, permissions
from engine.store import audit as audit_rows
from engine.store import faults, format_time
from engine.store.schema import (
    events,
    notifications,
    outbox,
    runs,
    stage_instances,
    step_instances,
    timers,
    waits,
    webhook_deliveries,
    work_items,
)
from engine.store.times import time_micros

if TYPE_CHECKING:
    from engine.runtime.engine import Engine
    from engine.store import Store

FINISHED = ("completed", "canceled")
"""Statuses nothing moves on from; `failed` joins them with `include_failed`."""

ARCHIVE_FORMAT = "baton-archive/1"
_INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL
DEFAULT_BATCH = 200

# Rows that belong to one run, deleted with it (the run's own row last).
_OWNED = (events, stage_instances, step_instances, work_items, waits, timers)
_MESSAGES = (notifications, outbox, webhook_deliveries)


@dataclass
class PruneResult:
    """What a prune removed (or, in a dry run, would remove) and what it kept."""

    before: str
    statuses: tuple[str, ...]
    dry_run: bool
    runs: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    longest_hold_s: float = 0.0
    archive: str | None = None
    files: int = 0
    """Files of the removed messages taken from the outbox folder (or, dry, there to take)."""
    files_left: int = 0
    """Files that could not be removed (`files_error` says why)."""
    files_error: str | None = None
    outbox: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The result as the CLI's `--format json` prints it."""
        return {
            "before": self.before,
            "statuses": list(self.statuses),
            "dry_run": self.dry_run,
            "runs": self.runs,
            "rows": dict(sorted(self.rows.items())),
            "kept": dict(sorted(self.kept.items())),
            "batches": self.batches,
            "longest_hold_s": round(self.longest_hold_s, 4),
            "archive": self.archive,
            "outbox_files": {
                "folder": self.outbox,
                "removed": self.files,
                "left": self.files_left,
                "error": self.files_error,
            },
        }


def prune(
    engine: Engine,
    before: datetime,
    *,
    include_failed: bool = False,
    dry_run: bool = True,
    archive: Path | None = None,
    batch: int = DEFAULT_BATCH,
    actor: str | None = None,
) -> PruneResult:
    """Remove the finished runs that ended before `before` (see the module docstring).

    Args:
        engine: the local engine whose database (and outbox folder) is pruned.
        before: runs that ended before this moment are old.
        include_failed: count failed runs as finished too.
        dry_run: count only; nothing is written (the default).
        archive: append each removed run (row and event log) to this JSON-lines file first.
        batch: runs per write transaction.
        actor: who prunes (an admin when roles are enforced); named in the audit log.

    Raises:
        PermissionDenied: `actor` is not an admin.
        InvalidInput: a batch size below 1.
    """
    if batch < 1:
        raise InvalidInput(f"--batch {batch} is not a positive number of runs")
    statuses = (*FINISHED, "failed") if include_failed else FINISHED
    cutoff = format_time(before)
    result = PruneResult(cutoff, statuses, dry_run, archive=str(archive) if archive else None)
    result.outbox = str(engine.outbox)
    store = engine.store
    with store.read() as conn:
        if engine.enforce_roles:
            permissions.require(conn, actor, "admin", "prune runs")
        held = _parents_of_kept_children(conn, statuses, cutoff)
    sink = None if dry_run or archive is None else archive.open("a", encoding="utf-8")
    try:
        for status in statuses:
            for ids in _batches(store, status, cutoff, batch):
                with store.read() as conn:
                    chosen = _keepers_removed(conn, ids, statuses, cutoff, held, result.kept)
                    if sink is not None and chosen:
                        _write_archive(conn, chosen, sink)
                if not chosen:
                    continue
                if dry_run:
                    with store.read() as conn:
                        counts = _count_owned(conn, chosen)
                        keys = _message_keys(conn, chosen)
                    removed = len(chosen)
                    result.files += sum(len(mail.message_files(engine.outbox, k)) for k in keys)
                else:
                    began = time.perf_counter()
                    removed, counts, keys = _delete_batch(store, chosen, statuses, cutoff)
                    result.longest_hold_s = max(result.longest_hold_s, time.perf_counter() - began)
                    # After the commit (files are never touched inside a transaction): a
                    # crash in between leaves files without rows, never rows without files.
                    _remove_files(engine.outbox, keys, result)
                result.batches += 1
                result.runs += removed
                for table, count in counts.items():
                    result.rows[table] = result.rows.get(table, 0) + count
    finally:
        if sink is not None:
            sink.close()
    if not dry_run:
        with store.transaction() as conn:
            audit_rows.record(
                conn,
                time=format_time(engine.clock.now()),
                actor=actor,
                action="runs.pruned",
                subject="runs",
                details={
                    "before": cutoff,
                    "statuses": list(statuses),
                    "runs": result.runs,
                    "archive": result.archive,
                },
            )
    return result


def _old(statuses: tuple[str, ...], cutoff: str) -> Any:
    # A failed run has no end (it may be retried): it is old when it started before the
    # cutoff and its last event (the failure) is before it too (`_failed_lately`).
    ended = [s for s in statuses if s != "failed"]
    clause = and_(runs.c.status.in_(ended), runs.c.ended_at < cutoff)
    if "failed" in statuses:
        clause = or_(clause, and_(runs.c.status == "failed", runs.c.started_at < cutoff))
    return clause


def _failed_lately(conn: Connection, ids: list[str], cutoff: str) -> set[str]:
    """Those of `ids` whose last event is at or after the cutoff (a failed run's failure)."""
    last = (
        select(events.c.run_id)
        .where(events.c.run_id.in_(ids))
        .group_by(events.c.run_id)
        .having(func.max(events.c.time) >= time_micros(cutoff))
    )
    return {row[0] for row in conn.execute(last)}


def _parents_of_kept_children(conn: Connection, statuses: tuple[str, ...], cutoff: str) -> set:
    # One pass over the child runs: a parent with a child that stays must stay too (a
    # finished parent cannot start a new child, so the set cannot grow during the prune).
    query = select(runs.c.parent_run_id).where(
        runs.c.parent_run_id.isnot(None), ~_old(statuses, cutoff)
    )
    held = {row[0] for row in conn.execute(query)}
    if "failed" in statuses:
        # `_old` dates a failed child by its start; one that failed after the cutoff (a retry
        # that failed again) stays, and its parent with it.
        failed = select(runs.c.id, runs.c.parent_run_id).where(
            runs.c.parent_run_id.isnot(None), _old(statuses, cutoff), runs.c.status == "failed"
        )
        children = conn.execute(failed).all()
        for first in range(0, len(children), DEFAULT_BATCH):
            part = children[first : first + DEFAULT_BATCH]
            lately = _failed_lately(conn, [row.id for row in part], cutoff)
            held |= {row.parent_run_id for row in part if row.id in lately}
    return held


def _batches(store: Store, status: str, cutoff: str, size: int) -> Iterator[list[str]]:
    """Ids of the runs of one status that ended before the cutoff, oldest first, `size` at
    a time (keyset on (ended_at, id), read through the (status, ended_at, id) index)."""
    # Failed runs have no end; they are walked by their start (ix_runs_started).
    moment = runs.c.started_at if status == "failed" else runs.c.ended_at
    last: tuple[str, str] | None = None
    while True:
        query = (
            select(runs.c.id, moment.label("moment"))
            .where(runs.c.status == status, moment < cutoff)
            .order_by(moment, runs.c.id)
            .limit(size)
        )
        if last is not None:
            query = query.where(or_(moment > last[0], and_(moment == last[0], runs.c.id > last[1])))
        with store.read() as conn:
            rows = conn.execute(query).all()
        if not rows:
            return
        last = (rows[-1].moment, rows[-1].id)
        yield [row.id for row in rows]
        if len(rows) < size:
            return


def _keepers_removed(
    conn: Connection,
    ids: list[str],
    statuses: tuple[str, ...],
    cutoff: str,
    held: set,
    kept: dict[str, int],
) -> list[str]:
    """`ids` without the runs that must stay; counts each kept run under its reason."""
    if "failed" in statuses:
        ids = [run_id for run_id in ids if run_id not in _failed_lately(conn, ids, cutoff)]
    reasons: dict[str, str] = {}
    for run_id in ids:
        if run_id in held:
            reasons[run_id] = "a child run is kept"
    parents = dict(
        conn.execute(
            select(runs.c.id, runs.c.parent_run_id).where(
                runs.c.id.in_(ids), runs.c.parent_run_id.isnot(None)
            )
        ).all()
    )
    if parents:
        staying = {
            row[0]
            for row in conn.execute(
                select(runs.c.id).where(
                    runs.c.id.in_(set(parents.values())), ~_old(statuses, cutoff)
                )
            )
        }
        if "failed" in statuses:  # a parent that failed after the cutoff stays too
            old = [parent for parent in set(parents.values()) if parent not in staying]
            staying |= _failed_lately(conn, old, cutoff) if old else set()
        for child, parent in parents.items():
            if parent in staying:
                reasons.setdefault(child, "its parent run is kept")
    for table in _MESSAGES:
        pending = select(table.c.run_id).where(
            table.c.run_id.in_(ids), table.c.sent_at.is_(None), table.c.failed == false()
        )
        for row in conn.execute(pending):
            reasons.setdefault(row[0], "a message waits for delivery")
    for why in reasons.values():
        kept[why] = kept.get(why, 0) + 1
    return [run_id for run_id in ids if run_id not in reasons]


def _count_owned(conn: Connection, ids: list[str]) -> dict[str, int]:
    counts = {"runs": len(ids)}
    for table in (*_OWNED, *_MESSAGES):
        counts[table.name] = conn.execute(
            select(func.count()).select_from(table).where(table.c.run_id.in_(ids))
        ).scalar_one()
    return counts


def _message_keys(conn: Connection, ids: list[str]) -> list[str]:
    """The keys of the emails and notices of these runs, which name their outbox files."""
    keys = [row[0] for row in conn.execute(select(outbox.c.key).where(outbox.c.run_id.in_(ids)))]
    notices = select(notifications.c.id).where(notifications.c.run_id.in_(ids))
    # Named as engine.runtime.notify names a notice's message (tests/engine/cli/
    # test_cli_prune.py checks the folder is empty afterwards, so a rename cannot slip by).
    keys += [f"notice-{row[0]}" for row in conn.execute(notices)]
    return keys


def _remove_files(folder: Path, keys: list[str], result: PruneResult) -> None:
    for key in keys:
        for file in mail.message_files(folder, key):
            try:
                file.unlink()
            except FileNotFoundError:
                continue  # another prune took it meanwhile
            except OSError as exc:
                result.files_left += 1
                result.files_error = result.files_error or f"{file}: {exc.strerror}"
                continue
            result.files += 1


def _delete_batch(
    store: Store, ids: list[str], statuses: tuple[str, ...], cutoff: str
) -> tuple[int, dict[str, int], list[str]]:
    try:
        with store.transaction() as conn:
            return _delete(conn, ids, statuses, cutoff)
    except StoreFault as exc:
        if faults.sqlstate(exc.__cause__ or exc) != _INSUFFICIENT_PRIVILEGE:
            raise
        # docs/team-db-roles.sql keeps the event log append-only for the app role.
        raise PermissionDenied(
            "this database role may not delete from the event log (it is append-only for "
            "the app role)",
            hint="run baton prune connected as the role that owns the tables, as for "
            "`baton db upgrade` (e.g. --db postgresql://baton_owner@HOST/baton)",
        ) from None


def _delete(
    conn: Connection, ids: list[str], statuses: tuple[str, ...], cutoff: str
) -> tuple[int, dict[str, int], list[str]]:
    # Checked again under the write lock: a failed run retried since it was read is no
    # longer old-and-finished, and nothing of it may go.
    query = select(runs.c.id).where(runs.c.id.in_(ids), _old(statuses, cutoff))
    confirmed = [row[0] for row in conn.execute(query)]
    if "failed" in statuses and confirmed:
        lately = _failed_lately(conn, confirmed, cutoff)
        confirmed = [run_id for run_id in confirmed if run_id not in lately]
    counts: dict[str, int] = {}
    if not confirmed:
        return 0, counts, []
    keys = _message_keys(conn, confirmed)
    for table in (*_OWNED, *_MESSAGES):
        counts[table.name] = conn.execute(
            delete(table).where(table.c.run_id.in_(confirmed))
        ).rowcount
    counts["runs"] = conn.execute(delete(runs).where(runs.c.id.in_(confirmed))).rowcount
    return counts["runs"], counts, keys


def _write_archive(conn: Connection, ids: list[str], sink: IO[str]) -> None:
    """Append one JSON line per run (its row and its event log), then flush to disk, so the
    archive holds a batch before the batch is deleted."""
    rows = {row.id: row for row in conn.execute(select(runs).where(runs.c.id.in_(ids)))}
    logs: dict[str, list[Any]] = {run_id: [] for run_id in ids}
    query = (
        select(events.c.run_id, events.c.seq, events.c.time, events.c.type, events.c.actor,
               events.c.payload)
        .where(events.c.run_id.in_(ids))
        .order_by(events.c.run_id, events.c.seq)
    )  # fmt: skip
    for row in conn.execute(query):
        logs[row.run_id].append(row)
    for run_id in ids:
        row = rows.get(run_id)
        if row is None:
            continue
        line = {
            "format": ARCHIVE_FORMAT,
            "run": {key: value for key, value in row._mapping.items() if key != "state"},
            "events": eventrows.shown(logs[run_id]),
        }
        sink.write(json.dumps(line, separators=(",", ":"), default=str) + "\n")
    sink.flush()
    os.fsync(sink.fileno())


def reclaim_space(store: Store) -> None:
    """Give the space of removed rows back (after a prune; see docs/admin/retention.md).

    SQLite: `VACUUM` rewrites the whole file; it holds the write lock for as long as that
    takes (others wait up to the busy timeout) and needs free disk space about the size of
    the file. Without it the file keeps its size and reuses the freed pages for new runs.
    PostgreSQL: `VACUUM (ANALYZE)` of the pruned tables makes their space reusable without
    locking anyone out (it does not shrink the files; that is `VACUUM FULL`, an outage).
    """
    if store.is_sqlite:
        # The driver connection is in autocommit (sqlite_dialect.configure); VACUUM cannot
        # run inside a transaction.
        raw = store.engine.raw_connection()
        try:
            raw.cursor().execute("VACUUM")
        finally:
            raw.close()
        store.checkpoint()
        return
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in (runs, *_OWNED, *_MESSAGES):
            conn.exec_driver_sql(f"VACUUM (ANALYZE) {table.name}")


def read_archive(file: Path, run_id: str) -> dict[str, Any]:
    """A run as an archive keeps it: `{"run": {...row...}, "events": [...]}` (the last copy
    when a prune that was stopped and run again wrote it twice).

    Raises:
        NotFound: the file is missing, or holds no such run.
        InvalidInput: a line is not an archive entry.
    """
    try:
        handle = file.open(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"archive {file} does not exist") from None
    found = None
    with handle:
        for number, text in enumerate(handle, start=1):
            if f'"{run_id}"' not in text:  # cheap skip: most lines are other runs
                continue
            try:
                entry = json.loads(text)
            except ValueError:
                raise InvalidInput(f"{file}:{number}: not a JSON line of a Baton archive") from None
            if not isinstance(entry, dict) or entry.get("format") != ARCHIVE_FORMAT:
                raise InvalidInput(f"{file}:{number}: not a {ARCHIVE_FORMAT} entry")
            if entry["run"].get("id") == run_id:
                found = entry
    if found is None:
        raise NotFound(f"no run with id {run_id!r} in archive {file}")
    return found
