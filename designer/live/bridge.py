"""`EngineBridge`: the live panels' one door to the engine, kept off the UI thread.

A worker `QThread` owns its own `Engine` (SQLite connections belong to the thread that
opened them) and does two things, one at a time and in order: the calls the panels submit,
and a poll for changes every ~300 ms through a `ChangeFeed`. Results and changes come
back to the UI thread as queued signals, so a panel never waits on the database and a
change made anywhere (another window, the CLI, a worker) shows up within a second.

On a Temporal runtime the worker's engine is a `TemporalEngine` (the same calls; its
client and event loop live on the worker thread too) and the poll is a
`TemporalChangeFeed`, once a second: a visibility listing costs more than a row of
counters.

Closing (the window closes, or File ▸ Connect to engine… switches) never waits for a call
in flight: a Temporal call may wait up to 30 s for a worker or for visibility. The bridge
stops listening at once, aborts the worker's Temporal calls (they end within moments), and
lets the worker thread close its engine and end on its own; a call that cannot be
canceled (a local database waiting on a lock) finishes in the background, and its answer
is dropped. `CLOSE_WAIT_MS` is all the UI thread waits.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QObject,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)

from designer.live.connection import Connection, describe_connection, open_engine
from engine.errors import BatonError
from engine.runtime import Clock, WallClock
from engine.runtime.changes import ChangeFeed, Changes
from engine.runtime.protocol import RunEngine

log = logging.getLogger(__name__)

Work = Callable[[RunEngine], Any]
"""A function run on the worker thread with its engine; it must not touch Qt widgets."""

CLOSE_WAIT_MS = 300
"""How long closing waits for the worker thread to end before leaving it to finish alone
(an aborted Temporal call ends well within it; the wait only keeps a quiet close tidy)."""

QUIT_WAIT_MS = 5000
"""How long the application's exit waits, in all, for closed bridges' threads to end."""

_retiring: list[tuple[QThread, QObject]] = []
"""Threads (with their workers) of closed bridges that were still finishing a call: kept
referenced so Python does not free a running QThread, which would abort the process."""

TEMPORAL_POLL_MS = 1000
"""How often a Temporal runtime is looked at (at least): each look lists runs in
visibility, a round trip to the server, while a local database answers one row."""


def _feed(engine: RunEngine, on_temporal: bool) -> Any:
    """The change feed for the engine: the database's counters, or Temporal's visibility."""
    if on_temporal:
        from engine.temporal.changes import TemporalChangeFeed

        return TemporalChangeFeed(engine)  # type: ignore[arg-type]  # a TemporalEngine
    return ChangeFeed(engine.store)


def _deliver(callback: Callable[[Any], None], value: Any) -> None:
    """Call back, unless the widget that asked was closed while the call ran."""
    try:
        callback(value)
    except RuntimeError as exc:
        # PySide's words for a C++ object deleted under its Python wrapper; a panel that
        # closed meanwhile no longer wants the answer. Anything else is a real error.
        if "already deleted" not in str(exc):
            raise
        log.debug("dropped an answer for a closed widget: %s", exc)


class _Worker(QObject):
    """Lives on the worker thread: runs submitted work and polls for changes."""

    done = Signal(int, object)
    failed = Signal(int, str)
    changed = Signal(object)
    opened = Signal()

    def __init__(self, connection: Connection, clock: Clock, poll_ms: int) -> None:
        super().__init__()
        self._connection, self._clock, self._poll_ms = connection, clock, poll_ms
        self._engine: RunEngine | None = None
        self._feed: Any = None
        self._timer: QTimer | None = None
        self._error = "the database could not be opened"
        # Set from the UI thread by `stop`; read here between calls (a plain bool: the GIL
        # makes the write visible, and a late read only costs one skipped call).
        self._closing = False

    def stop(self) -> None:
        """Called on the UI thread: skip whatever is queued and abort the call in flight
        (a Temporal engine's calls end at once; a local one's are left to finish)."""
        self._closing = True
        engine = self._engine
        abort = getattr(engine, "abort", None)  # TemporalEngine only
        if abort is not None:
            abort()

    @Slot()
    def open(self) -> None:
        try:
            self._engine = open_engine(self._connection, clock=self._clock)
            if self._closing:  # closed while connecting: the close that follows cleans up
                return
            self._feed = _feed(self._engine, self._connection.on_temporal)
            self._feed.poll()
        except BatonError as exc:
            if self._closing:
                return
            self._error = str(exc)
            self._close_engine()
            self.failed.emit(-1, self._error)
            return
        except Exception as exc:  # a bad URL or an unreadable file: say which, once
            if self._closing:
                return
            log.exception("opening the engine failed")
            reason = getattr(exc, "orig", None) or exc  # the driver's words, not SQLAlchemy's
            where = describe_connection(self._connection)
            self._error = f"{where} cannot be opened: {' '.join(str(reason).split())}"
            self._close_engine()
            self.failed.emit(-1, self._error)
            return
        self._timer = QTimer(self)
        poll_ms = self._poll_ms
        if self._connection.on_temporal:
            poll_ms = max(poll_ms, TEMPORAL_POLL_MS)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)
        self._timer.start()
        self.opened.emit()

    @Slot(int, object)
    def run(self, token: int, work: Work) -> None:
        if self._closing:
            return  # queued before the close: nobody waits for it any more
        if self._engine is None:
            self.failed.emit(token, self._error)
            return
        try:
            result = work(self._engine)
        except BatonError as exc:
            if not self._closing:
                self.failed.emit(token, str(exc))
        except Exception as exc:  # shown as one line; the traceback goes to the log only
            if self._closing:  # the abort's own cancellation: expected, and unheard
                return
            log.exception("engine call failed")
            self.failed.emit(token, f"unexpected error: {type(exc).__name__}: {exc}")
        else:
            self.done.emit(token, result)
        # Our own writes show at once instead of at the next tick.
        self.poll()

    @Slot()
    def poll(self) -> None:
        if self._feed is None or self._closing:
            return
        try:
            changes: Changes = self._feed.poll()
        except Exception:  # a locked file or a server gone away must not kill the views
            if not self._closing:
                log.exception("polling for changes failed")
            return
        if changes:
            self.changed.emit(changes)

    @Slot()
    def close(self) -> None:
        if self._timer is not None:
            # Stopped and deleted here, on its own thread: a timer freed later by Python's
            # collector on the UI thread crashes Qt.
            self._timer.stop()
            self._timer.deleteLater()
            self._timer = None
        self._close_engine()
        # Freed by its own thread as that thread ends (never by the collector on another).
        self.deleteLater()
        thread = self.thread()
        if thread is not None:
            thread.quit()

    def _close_engine(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        self._feed = None


class EngineBridge(QObject):
    """Engine calls off the UI thread, and live change signals for the panels.

    Args:
        db_url: database URL or SQLite path (None: `BATON_DB` or the shared default file),
            or a whole `Connection` (a Temporal runtime with its catalogue database).
        clock: the engine's clock (a `VirtualClock` in tests).
        poll_ms: how often the database is checked for changes made elsewhere.

    Signals:
        runs_changed(): runs were started or changed status, stage or steps.
        run_changed(str): one run got new events (emitted once per run per poll).
        events_appended(str, list): those new events, as `Engine.log` gives them.
        items_changed(): work items were created, completed, reassigned, withdrawn
            or became overdue.
        directory_changed(): users, groups or queues changed.
        definitions_changed(): a definition version was activated or deactivated.
        error_occurred(str): a call without its own error handler was refused
            (the BatonError's message, never a traceback).
        ready(): the worker opened the database and took the baseline for changes.
        open_failed(str): the engine could not be opened (why, in one line); every call
            submitted then fails with the same words.
    """

    runs_changed = Signal()
    run_changed = Signal(str)
    events_appended = Signal(str, list)
    items_changed = Signal()
    directory_changed = Signal()
    definitions_changed = Signal()
    error_occurred = Signal(str)
    ready = Signal()
    open_failed = Signal(str)
    _submit = Signal(int, object)
    _close_worker = Signal()

    def __init__(
        self,
        db_url: str | Connection | None = None,
        clock: Clock | None = None,
        poll_ms: int = 300,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock: Clock = clock or WallClock()
        self._tokens = itertools.count(1)
        self._pending: dict[int, tuple[Callable | None, Callable | None]] = {}
        self._ready = False
        self._thread = QThread()
        self._thread.setObjectName("baton-engine")
        connection = db_url if isinstance(db_url, Connection) else Connection(db_url, "")
        self.connection = connection
        self._worker = _Worker(connection, self.clock, poll_ms)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.open)
        self._submit.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
        self._worker.changed.connect(self._on_changed)
        self._worker.opened.connect(self._on_opened)
        # Queued, never blocking: the worker closes its engine on its own thread once the
        # call in flight (aborted by `close`) has returned.
        self._close_worker.connect(self._worker.close, Qt.ConnectionType.QueuedConnection)
        self._closed = False
        self._thread.start()
        app = QCoreApplication.instance()
        if app is not None:  # a forgotten close() must not leave the thread running at exit
            app.aboutToQuit.connect(self.close)
            _wait_at_quit(app)

    def is_ready(self) -> bool:
        """Whether changes are being watched (changes before that are in the first loads)."""
        return self._ready

    def now(self) -> datetime:
        """The engine's current time (for ages and overdue marks)."""
        return self.clock.now()

    def submit(
        self,
        work: Work,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Run `work(engine)` on the worker thread; callbacks run later on the UI thread.

        Without `on_error`, a refusal is announced through `error_occurred`.
        """
        token = next(self._tokens)
        self._pending[token] = (on_done, on_error)
        self._submit.emit(token, work)

    def close(self) -> None:
        """Stop listening at once; the worker aborts its call in flight, closes its engine
        and ends its thread without the UI thread waiting for it (see the module)."""
        if self._closed:
            return
        self._closed, self._ready = True, False
        self._pending.clear()
        self._worker.stop()
        self._close_worker.emit()
        if self._thread.wait(CLOSE_WAIT_MS):
            return
        log.info("engine closed while a call was still running; it finishes in the background")
        _retiring[:] = [(t, w) for t, w in _retiring if not t.isFinished()]
        _retiring.append((self._thread, self._worker))

    # --- results and changes, on the UI thread ------------------------------------------

    def is_closed(self) -> bool:
        """Whether `close` was called (answers still arriving are dropped)."""
        return self._closed

    def is_running(self) -> bool:
        """Whether the worker thread still runs (after `close`: a call still finishing)."""
        return self._thread.isRunning()

    @Slot()
    def _on_opened(self) -> None:
        if self._closed:
            return
        self._ready = True
        self.ready.emit()

    @Slot(int, object)
    def _on_done(self, token: int, result: Any) -> None:
        on_done, _ = self._pending.pop(token, (None, None))
        if on_done is not None:
            _deliver(on_done, result)

    @Slot(int, str)
    def _on_failed(self, token: int, message: str) -> None:
        if self._closed:
            return
        if token == -1:
            self.open_failed.emit(message)
        _, on_error = self._pending.pop(token, (None, None))
        if on_error is not None:
            _deliver(on_error, message)
        else:
            self.error_occurred.emit(message)

    @Slot(object)
    def _on_changed(self, changes: Any) -> None:
        if self._closed:
            return
        for run_id, events in changes.events.items():
            self.events_appended.emit(run_id, events)
            self.run_changed.emit(run_id)
        if changes.events:
            self.runs_changed.emit()
        if changes.items:
            self.items_changed.emit()
        if changes.directory:
            self.directory_changed.emit()
        if changes.definitions:
            self.definitions_changed.emit()


_hooked: list[QCoreApplication] = []


def _wait_at_quit(app: QCoreApplication) -> None:
    """Have the application's exit wait for closed bridges' threads (hooked once)."""
    if app not in _hooked:
        app.aboutToQuit.connect(wait_for_closed_bridges)
        _hooked.append(app)


def wait_for_closed_bridges(timeout_ms: int = QUIT_WAIT_MS) -> bool:
    """Wait (in all at most `timeout_ms`) for the threads of closed bridges that were still
    finishing a call; True when none is left. Called as the application quits, so no
    thread is running when Qt and Python tear down."""
    deadline = QDeadlineTimer(timeout_ms)
    for thread, _worker in list(_retiring):
        thread.wait(deadline)
    _retiring[:] = [(t, w) for t, w in _retiring if not t.isFinished()]
    return not _retiring
