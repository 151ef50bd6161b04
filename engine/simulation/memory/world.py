"""What the in-memory simulation keeps outside its runs: records and kept events.

The SQL store keeps these in its `records` and `buffered_events` tables; here they are
dictionaries. Every change is noted in the call's journal (a list of functions that undo
it, `MemoryCall.journal`), so a failed action or a call that raises leaves them as they
were, as a savepoint or a rolled-back transaction leaves the tables. Values go through
JSON on the way in, as they do into the tables, so a reader gets what a store gives back.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

Journal = list[Callable[[], None]]
_to_json = json.JSONEncoder(separators=(",", ":"), default=str).encode


class Records:
    """Records by (object, id): their fields as they are now (`engine.store.records`)."""

    def __init__(self) -> None:
        self._fields: dict[tuple[str, str], dict[str, Any]] = {}

    def get(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        """A record's fields, or None."""
        return self._fields.get((object_name, record_id))

    def put(
        self, journal: Journal, object_name: str, record_id: str, fields: dict[str, Any]
    ) -> None:
        """Store a record's full field set (a new record, or every field of one changed)."""
        key = (object_name, record_id)
        previous = self._fields.get(key)
        # The table's JSON column: plain `json.dumps`, as the store's engine writes it.
        self._fields[key] = json.loads(json.dumps(fields))
        journal.append(lambda: self._restore(key, previous))

    def _restore(self, key: tuple[str, str], previous: dict[str, Any] | None) -> None:
        if previous is None:
            del self._fields[key]
        else:
            self._fields[key] = previous


class KeptEvents:
    """Events kept for wait steps that open later (`engine.store.buffered`), by name."""

    def __init__(self) -> None:
        self._by_event: dict[str, dict[int, dict[str, Any]]] = {}
        self._ids = itertools.count(1)

    def keep(
        self,
        journal: Journal,
        event: str,
        key: Any,
        data: dict[str, Any],
        sent_at: str,
        expires_at: str,
    ) -> None:
        """Keep an event until `expires_at`."""
        entry_id = next(self._ids)
        entry = {
            "id": entry_id,
            "key": None if key is None else str(key),
            "data": json.loads(_to_json(data)),
            "sent_at": sent_at,
            "expires_at": expires_at,
        }
        self._by_event.setdefault(event, {})[entry_id] = entry
        journal.append(lambda: self._by_event[event].pop(entry_id))

    def oldest(self, event: str, key: str | None, since: str) -> dict[str, Any] | None:
        """The oldest kept event of this name sent at or after `since`, with exactly this
        key (any key when None), as `buffered.oldest` finds it."""
        found = [
            entry
            for entry in self._by_event.get(event, {}).values()
            if entry["sent_at"] >= since and (key is None or entry["key"] == key)
        ]
        if not found:
            return None
        entry = min(found, key=lambda e: (e["sent_at"], e["id"]))
        return {k: entry[k] for k in ("id", "key", "data", "sent_at")}

    def take(self, journal: Journal, entry_id: int) -> bool:
        """Remove a kept event a wait took; False when it is not there (any more)."""
        for event, entries in self._by_event.items():
            entry = entries.pop(entry_id, None)
            if entry is not None:
                journal.append(lambda ev=event, en=entry: self._put_back(ev, en))
                return True
        return False

    def prune(self, journal: Journal, now: str) -> None:
        """Drop kept events whose time is over."""
        for event, entries in self._by_event.items():
            for entry in [e for e in entries.values() if e["expires_at"] <= now]:
                del entries[entry["id"]]
                journal.append(lambda ev=event, en=entry: self._put_back(ev, en))

    def _put_back(self, event: str, entry: dict[str, Any]) -> None:
        self._by_event[event][entry["id"]] = entry

    def count(self) -> int:
        """How many events are kept."""
        return sum(len(entries) for entries in self._by_event.values())
