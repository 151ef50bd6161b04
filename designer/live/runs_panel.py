"""`RunsPanel`: the runs of one orchestration (all versions), live, with operator actions.

The first load reads the newest `RUNS_PAGE` runs of the orchestration (a keyset page of
`Engine.runs`), and "Load older" adds a page at a time, so thousands of runs in the database
do not mean thousands of reads before the panel shows anything. After that only the runs the
bridge reports as changed are read again, so a busy database does not mean a full reload
per tick. Stuck reasons are asked for the listed window only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from designer.live.bridge import EngineBridge
from designer.live.run_actions import RunActions
from designer.live.runs_model import AGE, STARTED, STUCK, RunsFilter, RunsModel
from designer.runs.formatting import counted, operator_name
from engine.definition import Orchestration
from engine.runtime.events import EventType
from engine.runtime.protocol import RunEngine
from engine.store import parse_time

STATUS_FILTERS = (
    ("All runs", ""),
    ("Active", "active"),
    ("Stuck", "stuck"),
    ("Waiting", "waiting"),
    ("Paused", "paused"),
    ("Failed", "failed"),
    ("Completed", "completed"),
    ("Canceled", "canceled"),
)
STUCK_EVERY_S = 1.0
"""At most this often are stuck reasons recomputed after changes."""
NOTICE_STYLE = "QLabel { padding: 4px 8px; border-radius: 3px; background: %s; color: %s; }"
RUNS_PAGE = 200
"""Runs read per page: the first load, and each "Load older"."""


@dataclass
class RunsPage:
    """Run details of one keyset page, newest first, and where the next page starts."""

    runs: list[dict[str, Any]]
    cursor: tuple[str, str] | None
    """(started_at, id) of the page's last run: `Engine.runs(after=...)` for the next."""
    more: bool
    """Older runs exist past this page."""


def load_runs_page(
    engine: RunEngine,
    orchestration: str | None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> RunsPage:
    """The details of at most `limit` runs of `orchestration` (None: all), newest first,
    older than `after` (engine thread; `limit` None: `RUNS_PAGE`). One run more is listed
    to learn whether there are more, and only the page's runs are read in detail."""
    limit = limit or RUNS_PAGE
    listed = engine.runs(orchestration=orchestration, after=after, limit=limit + 1)
    page = listed[:limit]
    cursor = (page[-1]["started_at"], page[-1]["id"]) if page else after
    return RunsPage([engine.run(r["id"]) for r in page], cursor, len(listed) > limit)


def _stuck_map(
    engine: RunEngine, orchestration: str | None = None, since: str | None = None
) -> dict[str, list[str]]:
    """Stuck reasons by run, of the runs of `orchestration` started at or after `since` (a
    stored time; None: all): the engine checks only those."""
    started_after = parse_time(since) if since else None
    found = engine.runs(stuck=True, orchestration=orchestration, started_after=started_after)
    return {r["id"]: r["reasons"] for r in found}


class RunsPanel(QWidget):
    """Runs of an orchestration with filter, search and operator actions.

    Args:
        bridge: the engine bridge.
        orchestration: the definition (for stage names) or just its id; None lists all runs.
        actor: who the operator actions are logged as (default: the operator's name).

    Signals:
        run_selected(str): the current run changed (the overlay and history follow it).
    """

    run_selected = Signal(str)

    def __init__(
        self,
        bridge: EngineBridge,
        orchestration: Orchestration | str | None = None,
        actor: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.actor = actor or operator_name()
        self.orchestration_id: str | None = None
        self.run_actions = RunActions(bridge, self, self.actor)
        self._pending: set[str] = set()
        self._wanted_rows = RUNS_PAGE  # how many the user has paged in; a refresh keeps it
        self._cursor: tuple[str, str] | None = None
        self._more = False
        self._select_when_listed: str | None = None  # a run just started here
        self.model = RunsModel(bridge.now, self)
        self.proxy = RunsFilter(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self._flush_timer = QTimer(self, singleShot=True, interval=30)
        self._flush_timer.timeout.connect(self._load_pending)
        self._stuck_timer = QTimer(self, singleShot=True)
        self._stuck_timer.timeout.connect(self._reload_stuck)
        self._stuck_loaded_at = 0.0
        self._clock_timer = QTimer(self, interval=30_000)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start()
        bridge.events_appended.connect(self._on_events)
        bridge.directory_changed.connect(self._reload_stuck)
        self.set_orchestration(orchestration)

    # --- building -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(16, 16))
        self.actions_by_name = self.run_actions.by_name
        for name, action in self.actions_by_name.items():
            self.toolbar.addAction(action)
            if name in ("resume", "skip"):
                self.toolbar.addSeparator()
        layout.addWidget(self.toolbar)

        filters = QHBoxLayout()
        self.status_filter = QComboBox()
        for text, value in STATUS_FILTERS:
            self.status_filter.addItem(text, value)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search run id or variable value…")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: palette(placeholder-text);")
        filters.addWidget(self.status_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count_label)
        self.load_older = QPushButton(f"Load {RUNS_PAGE} older")
        self.load_older.setToolTip("Only the newest runs are read at first; read the next page")
        self.load_older.clicked.connect(self.load_more)
        self.load_older.hide()
        filters.addWidget(self.load_older)
        layout.addLayout(filters)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(STARTED, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STUCK, QHeaderView.ResizeMode.Stretch)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        layout.addWidget(self.table, 1)

        self.notice = QLabel()
        self.notice.setObjectName("runs_notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)
        self._update_actions()

    # --- loading --------------------------------------------------------------------------

    def set_orchestration(self, orchestration: Orchestration | str | None) -> None:
        """Show the runs of another orchestration (all its versions)."""
        if isinstance(orchestration, Orchestration):
            self.orchestration_id = orchestration.id
            self.model.stage_names = {s.id: s.name or s.id for s in orchestration.stages()}
        else:
            self.orchestration_id = orchestration
        self._wanted_rows = RUNS_PAGE
        self.refresh()

    def refresh(self) -> None:
        """Read the newest runs of the orchestration again (as many as are paged in)."""
        wanted, limit = self.orchestration_id, self._wanted_rows

        def load(engine: RunEngine) -> tuple[RunsPage, dict[str, list[str]]]:
            page = load_runs_page(engine, wanted, limit=limit)
            return page, _stuck_map(engine, wanted, self._window_start(page))

        self.bridge.submit(load, lambda result: self._loaded(wanted, *result), self.show_error)

    def load_more(self) -> None:
        """Add the next page of older runs to the list."""
        wanted, cursor = self.orchestration_id, self._cursor
        self.load_older.setEnabled(False)

        def load(engine: RunEngine) -> tuple[RunsPage, dict[str, list[str]]]:
            page = load_runs_page(engine, wanted, after=cursor)
            since = self._window_start(page)
            return page, _stuck_map(engine, wanted, since)

        def loaded(result: tuple[RunsPage, dict[str, list[str]]]) -> None:
            self.load_older.setEnabled(True)
            page, stuck = result
            if wanted != self.orchestration_id or cursor != self._cursor:
                return  # another orchestration, or a refresh, came in between
            self.model.extend(page.runs)
            self.model.set_stuck(stuck)
            self._wanted_rows = self.model.rowCount()
            self._paged(page)

        def failed(message: str) -> None:
            self.load_older.setEnabled(True)
            self.show_error(message)

        self.bridge.submit(load, loaded, failed)

    @staticmethod
    def _window_start(page: RunsPage) -> str | None:
        # The listed runs are the newest ones down to the page's last: stuck reasons are
        # needed from its start time on (None when nothing older was left out).
        return page.cursor[0] if page.more and page.cursor else None

    def _in_window(self, run: dict[str, Any]) -> bool:
        # Changes of a run older than the listed pages (its start reported late, say) must
        # not slip it in at the top: it comes with "Load older", in its place.
        if not self._more or self._cursor is None or self.model.row_of(run["id"]) >= 0:
            return True
        last_time, last_id = self._cursor
        return run["started_at"] > last_time or (
            run["started_at"] == last_time and run["id"] <= last_id
        )

    def _paged(self, page: RunsPage) -> None:
        self._cursor, self._more = page.cursor, page.more
        self.load_older.setVisible(page.more)
        self._count()

    def _loaded(self, wanted: str | None, page: RunsPage, stuck: dict) -> None:
        if wanted != self.orchestration_id:
            return
        selected = self.selected_run_id()
        self.model.reset(page.runs, stuck)
        self._paged(page)
        if self._select_when_listed and self.model.row_of(self._select_when_listed) >= 0:
            selected, self._select_when_listed = self._select_when_listed, None
        if selected:
            self.select_run(selected)

    def _on_events(self, run_id: str, events: list) -> None:
        # Read again only runs listed here, or new runs of this orchestration.
        wanted = self.orchestration_id
        started_here = any(
            e["type"] == EventType.RUN_STARTED and e["payload"].get("definition") == wanted
            for e in events
        )
        if wanted is None or started_here or self.model.row_of(run_id) >= 0:
            self._pending.add(run_id)
            self._flush_timer.start()

    def _load_pending(self) -> None:
        ids, self._pending = sorted(self._pending), set()
        wanted = self.orchestration_id

        def load(engine: RunEngine) -> list[dict[str, Any]]:
            details = [engine.run(i) for i in ids]
            return [d for d in details if wanted in (None, d["orchestration"])]

        def loaded(runs: list[dict[str, Any]]) -> None:
            if wanted == self.orchestration_id:
                self.model.update([r for r in runs if self._in_window(r)])
                self._count()
                self._update_actions()
                new_run = self._select_when_listed
                if new_run and self.model.row_of(new_run) >= 0:
                    self._select_when_listed = None
                    self.select_run(new_run)

        self.bridge.submit(load, loaded, self.show_error)
        self._schedule_stuck()

    def _schedule_stuck(self) -> None:
        # Stuck reasons need a pass over every waiting run (~0.2 ms a run), so a busy
        # database gets at most one pass a second instead of one per change.
        if self._stuck_timer.isActive():
            return
        wait = STUCK_EVERY_S - (time.monotonic() - self._stuck_loaded_at)
        self._stuck_timer.start(max(0, int(wait * 1000)))

    def _reload_stuck(self) -> None:
        self._stuck_loaded_at = time.monotonic()
        wanted = self.orchestration_id
        since = self._cursor[0] if self._more and self._cursor else None
        self.bridge.submit(
            lambda engine: _stuck_map(engine, wanted, since), self.model.set_stuck, self.show_error
        )

    def _tick(self) -> None:
        self.model.refresh_column(AGE)
        self._reload_stuck()

    # --- selection and filter -------------------------------------------------------------

    def selected_run(self) -> dict[str, Any] | None:
        """The detail of the selected run."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.run_at(self.proxy.mapToSource(index).row())

    def selected_run_id(self) -> str | None:
        """The id of the selected run."""
        run = self.selected_run()
        return run["id"] if run else None

    def select_new_run(self, run_id: str) -> None:
        """Select a run just started, now or as soon as the list has caught up with it."""
        if self.model.row_of(run_id) >= 0:
            self.select_run(run_id)
            return
        self._select_when_listed = run_id
        self.refresh()

    def select_run(self, run_id: str) -> None:
        """Select a run (if it is listed and passes the filter)."""
        source = self.model.index(self.model.row_of(run_id), 0)
        index = self.proxy.mapFromSource(source)
        if index.isValid():
            self.table.selectRow(index.row())

    def _on_current_changed(self, *_: Any) -> None:
        self._update_actions()
        run_id = self.selected_run_id()
        if run_id:
            self.run_selected.emit(run_id)

    def _apply_filter(self) -> None:
        self.proxy.set_filter(self.status_filter.currentData(), self.search.text())
        self._count()

    def _count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        # When older runs were left out, say so: a filter then sees only the listed ones.
        runs = f"newest {counted(total, 'run')}" if self._more else counted(total, "run")
        self.count_label.setText(f"{shown} of {runs}" if shown != total else runs)
        self.count_label.setToolTip(
            "Older runs are not read yet: “Load older” reads the next page" if self._more else ""
        )

    def _update_actions(self) -> None:
        self.run_actions.update(self.selected_run())

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for name, action in self.actions_by_name.items():
            menu.addAction(action)
            if name in ("resume", "skip"):
                menu.addSeparator()
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # --- messages ---------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """An engine refusal, shown under the table."""
        self.notice.setStyleSheet(NOTICE_STYLE % ("#fce8e6", "#a50e0e"))
        self.notice.setText(message)
        self.notice.show()

    def show_notice(self, message: str) -> None:
        """A confirmation, shown under the table."""
        self.notice.setStyleSheet(NOTICE_STYLE % ("#e6f4ea", "#137333"))
        self.notice.setText(message)
        self.notice.show()

    # --- operator actions (see RunActions) ------------------------------------------------------

    @property
    def dialog(self) -> Any:
        """The dialog an action has open, if any (tests fill it in)."""
        return self.run_actions.dialog

    def pause_selected(self) -> None:
        """Pause the selected run."""
        self.run_actions.pause_selected()

    def bulk_reassign(self, source: str | None = None) -> None:
        """Move every open item of one assignee (e.g. `user:bob`) to another."""
        self.run_actions.bulk_reassign(source)
