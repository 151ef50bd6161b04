"""Noticing what changed on a Temporal runtime since the last look (the designer's live
views poll this as they poll `engine.runtime.changes.ChangeFeed` on a local database).

Runs: every Baton event a run appends raises its `BatonSeq` search attribute, so one
visibility listing of (run, last event number) says which runs moved; only those runs'
new events are read, by a query of their workflows. Closed runs never move again, so after
the first look only open runs and those closed lately are listed. Users, groups and
definitions live in the catalogue database: its own `ChangeFeed` watches them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from engine.runtime.changes import ITEM_EVENTS, ChangeFeed, Changes

if TYPE_CHECKING:
    from engine.temporal.client import TemporalEngine

CLOSED_MARGIN = timedelta(minutes=10)
"""How far back each look also lists closed runs: visibility may show a close late, and the
server's clock need not agree with ours."""


class TemporalChangeFeed:
    """Polls a `TemporalEngine` for changes; the first poll only takes the baseline.

    Args:
        engine: the engine to watch (call `poll` on the thread that uses it).
    """

    def __init__(self, engine: TemporalEngine) -> None:
        self.engine = engine
        self._catalogue = ChangeFeed(engine.store)
        self._seqs: dict[str, int] | None = None
        self._looked_at: datetime | None = None

    def poll(self) -> Changes:
        """Changes since the previous poll (nothing on the first one)."""
        found = self._catalogue.poll()
        # Runs in the catalogue database are the local runtime's (runs begun there before
        # the move to Temporal); the Temporal engine does not show them.
        changes = Changes(directory=found.directory, definitions=found.definitions)
        now = datetime.now(UTC)
        if self._seqs is None:
            self._seqs = self.engine.run_seqs()
            self._looked_at = now
            return changes
        since = (self._looked_at or now) - CLOSED_MARGIN
        seqs = self.engine.run_seqs(closed_since=since)
        self._looked_at = now
        for run_id, seq in sorted(seqs.items()):
            known = self._seqs.get(run_id)
            if known is not None and seq <= known:
                continue
            if known is None:
                changes.new_runs.append(run_id)
            new = self.engine.log(run_id, after=known or 0)
            if not new:
                continue  # visibility ran ahead of what the query answers: next look
            self._seqs[run_id] = new[-1]["seq"]
            changes.events[run_id] = new
            changes.items = changes.items or any(e["type"] in ITEM_EVENTS for e in new)
        return changes
