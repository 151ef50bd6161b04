"""Run states kept between the calls of one engine, so a call on a run this engine moved
last does not decode the run's stored state again.

Every call on a run reads its `runs` row (locking it) and, without this, decodes the row's
state document into a `RunState`: for a run of a few stages that is about as much CPU as
running the call's decision. After a call commits, the states it wrote are kept here, each
with the row it wrote; the next call on the run takes the kept state only if the row it
reads is still exactly that row, every column including the state text and `rev`. Anything
that changed the row since (another engine or process, an operator, a repair by hand)
makes the call decode the row as before.

A kept state must be the state decoding that row would give, so only a state whose values
read back from JSON unchanged is kept: the values that come from outside or from
expressions (variables, outputs, wait keys, the fault) must be plain JSON types (a tuple, a
set or a date would read back as a list or as text), and closed work items are dropped
(the stored document keeps open ones only). A taken state leaves the keep: a call that
fails keeps nothing, and the next call decodes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from engine.runtime.state import STATE_FROM_LOG, RunState

LIMIT = 256
"""How many states an engine keeps (the ones written longest ago go first)."""

_ATOMS = frozenset({str, int, float, bool, type(None)})


def written_row(values: dict[str, Any]) -> Any:
    """What a `runs` row holds after a write of `values` (its columns as attributes)."""
    return SimpleNamespace(**values)


class KeptStates:
    """The states of one engine's last writes, by run id (see the module docstring)."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._limit = limit
        self._states: dict[str, RunState] = {}
        self._lock = threading.Lock()

    def take(self, row: Any) -> RunState | None:
        """The kept state of the run whose `runs` row was just read, if that row is exactly
        the one the state was written as; the state leaves the keep either way."""
        with self._lock:
            found = self._states.pop(row.id, None)
        if found is None:
            return None
        written = vars(found.loaded)
        for column, value in written.items():
            if getattr(row, column, _MISSING) != value:
                return None
        return found

    def keep(self, runs: Iterable[RunState]) -> None:
        """Keep the states a call wrote (call it after the commit)."""
        for run in runs:
            written = run.loaded
            if (
                not isinstance(written, SimpleNamespace)
                or run.status in STATE_FROM_LOG
                or not _reads_back(run)
            ):
                continue
            # As decoding the row would give it (`RunState.from_row`).
            if any(item["status"] != "open" for item in run.items.values()):
                run.items = {k: v for k, v in run.items.items() if v["status"] == "open"}
            run.rev = written.rev
            run.is_new = False
            run.notify_parent = True
            run.stored_without_parts = False
            run.forget_changes()
            with self._lock:
                self._states.pop(run.id, None)  # re-inserted last: newest at the end
                self._states[run.id] = run
                if len(self._states) > self._limit:
                    del self._states[next(iter(self._states))]

    def clear(self) -> None:
        """Keep nothing (the database was swapped or closed)."""
        with self._lock:
            self._states.clear()


_MISSING = object()


def _plain(value: Any) -> bool:
    # Loops rather than all(...): this runs after every call, mostly over empty outputs.
    kind = type(value)
    if kind in _ATOMS:
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) not in _ATOMS and not _plain(item)):
                return False
        return True
    if kind is list:
        for item in value:  # noqa: SIM110 (a loop: all() over a generator costs more here)
            if type(item) not in _ATOMS and not _plain(item):
                return False
        return True
    return False


def _reads_back(run: RunState) -> bool:
    # The parts of a state that hold values from outside or from expressions; the rest
    # (statuses, times, counts, ids) the engine writes as text and numbers itself.
    values = [run.variables, run.fault]
    values += [step.get("outputs") for step in run.steps.values()]
    values += [item.get("outputs") for item in run.items.values()]
    values += [wait.get("key") for wait in run.waits.values()]
    return _plain(values)
