"""The Run menu and the live docks (runs, inbox, history) of the main window.

Nothing here touches the engine until the admin asks for it: the bridge (a worker thread
with its own engine connection) and the docks are created on first use, so opening the
designer stays fast and a window used only for drawing never opens the run database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QMessageBox, QWidget

from designer.document import Change, ChangeKind
from designer.live import (
    EngineBridge,
    InboxPanel,
    RunHistoryPanel,
    RunsPanel,
    StartRunDialog,
    connection,
)
from designer.live.aggregate_panel import AggregatePanel
from designer.live.connect_dialog import ConnectEngineDialog
from designer.live.connection import Connection
from designer.live.monitor import RunMonitor
from designer.live.notifier import InboxNotifier
from designer.simulation import SimulationDialog
from engine.validation import has_errors, validate

if TYPE_CHECKING:
    from designer.main_window import MainWindow


class LivePanels:
    """Run ▸ Activate / Start run… / Runs / Inbox / History, created lazily."""

    def __init__(self, window: MainWindow, db_url: str | None = None) -> None:
        self._window = window
        # `BATON_DB` (and `BATON_USER`) win over File ▸ Connect to engine…'s remembered choice.
        chosen = connection.at_startup()
        self._db_url = db_url or chosen.url
        self.user = chosen.user
        self._unsubscribe: Callable[[], None] | None = None
        self.notifier = InboxNotifier(window)
        self.engine_label = QLabel()
        window.statusBar().addPermanentWidget(self.engine_label)
        self._show_engine()
        self.bridge: EngineBridge | None = None
        self.runs: RunsPanel | None = None
        self.inbox: InboxPanel | None = None
        self.history: RunHistoryPanel | None = None
        self.monitor: RunMonitor | None = None
        self.heatmap: AggregatePanel | None = None
        self.docks: dict[str, QDockWidget] = {}
        menu = QMenu("&Run", window)
        bar = window.menuBar()
        bar.insertMenu(bar.actions()[-1], menu)  # before Help, as in most desktop tools
        self.activate_action = self._action(menu, "&Activate", self.activate, "Ctrl+Shift+A")
        self.start_action = self._action(menu, "&Start run…", self.start_run, "Ctrl+R")
        self.simulate_action = self._action(menu, "Si&mulate…", self.simulate, "Ctrl+Shift+M")
        menu.addSeparator()
        self._action(menu, "R&uns", lambda: self.show_dock("runs"), "Ctrl+Shift+R")
        self._action(menu, "&Inbox", lambda: self.show_dock("inbox"), "Ctrl+Shift+I")
        self._action(menu, "&History", lambda: self.show_dock("history"), "Ctrl+Shift+H")
        self._action(menu, "Heat&map", lambda: self.show_dock("heatmap"), "Ctrl+Shift+E")
        self.menu = menu
        self.connect_action = QAction("&Connect to engine…", window)
        self.connect_action.triggered.connect(self.open_connect_dialog)
        file_menu = next(
            (a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File"),
            None,
        )
        if isinstance(file_menu, QMenu) and file_menu.actions():
            quit_action = file_menu.actions()[-1]  # in its own group, last
            file_menu.insertAction(quit_action, self.connect_action)
            file_menu.insertSeparator(quit_action)

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object], shortcut: str) -> QAction:
        action = QAction(text, self._window)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # --- lazily built parts -----------------------------------------------------------------

    def ensure_bridge(self) -> EngineBridge:
        """The engine bridge, started on first use."""
        if self.bridge is None:
            self.bridge = EngineBridge(self._db_url, parent=self._window)
            self.bridge.error_occurred.connect(self._show_error)
        return self.bridge

    def show_dock(self, which: str) -> QDockWidget:
        """Show (creating if needed) the runs, inbox or history dock."""
        if which not in self.docks:
            self._build_docks()
        dock = self.docks[which]
        dock.show()
        dock.raise_()
        return dock

    def _build_docks(self) -> None:
        bridge = self.ensure_bridge()
        window = self._window
        self.runs = RunsPanel(bridge, window.document.definition, actor=self.user)
        self.history = RunHistoryPanel(bridge)
        self.inbox = InboxPanel(bridge, acting_user=self.user)
        self.inbox.count_changed.connect(self._show_inbox_count)
        self.inbox.items_arrived.connect(self.notifier.items_arrived)
        self.runs.run_selected.connect(self.history.set_run)
        # The selected run (or a past moment of it) is painted over the diagram.
        self.monitor = RunMonitor(window.scene, bridge, self.runs, self.history)
        self.monitor.work_item_requested.connect(self._open_work_item)
        self.heatmap = AggregatePanel(
            bridge, window.scene, window.document.definition.id, self.monitor
        )
        self.heatmap.run_activated.connect(self.runs.select_run)
        area = Qt.DockWidgetArea.BottomDockWidgetArea
        for key, title, widget in (
            ("runs", "Runs", self.runs),
            ("history", "History", self.history),
            ("inbox", "Inbox", self.inbox),
            ("heatmap", "Heatmap", self.heatmap),
        ):
            dock = QDockWidget(title, window)
            dock.setObjectName(f"{key}_dock")
            dock.setWidget(widget)
            window.addDockWidget(area, dock)
            window.tabifyDockWidget(window.problems_dock, dock)
            window.view_menu.addAction(dock.toggleViewAction())
            self.docks[key] = dock
        if self._unsubscribe is None:
            self._unsubscribe = window.document.subscribe(self._follow_document)

    def _show_inbox_count(self, count: int) -> None:
        # The badge: visible on the dock's tab even while another panel is in front.
        dock = self.docks.get("inbox")
        if dock is not None:
            dock.setWindowTitle(f"Inbox ({count})" if count else "Inbox")

    def _follow_document(self, change: Change) -> None:
        # Only a new file or new orchestration properties can change whose runs are shown.
        if change.kind not in (ChangeKind.RESET, ChangeKind.PROPERTIES_CHANGED):
            return
        definition = self._window.document.definition
        if self.runs is not None:
            self.runs.set_orchestration(definition)
        if self.heatmap is not None and self.heatmap.orchestration != definition.id:
            self.heatmap.set_orchestration(definition.id)

    # --- actions ----------------------------------------------------------------------------

    def activate(self) -> bool:
        """Validate and activate the open definition on the local engine."""
        window = self._window
        definition = window.document.definition
        diagnostics = validate(definition)
        if has_errors(diagnostics):
            window.apply_diagnostics(diagnostics)
            window.problems_dock.show()
            window.problems_dock.raise_()
            errors = sum(d.severity == "error" for d in diagnostics)
            QMessageBox.warning(
                window,
                "Cannot activate",
                f"“{definition.name or definition.id}” has {errors} error(s); the Problems "
                "panel lists them. Fix them, then activate again.",
            )
            return False
        snapshot = definition.model_copy(deep=True)

        def done(version: int) -> None:
            window.statusBar().showMessage(
                f"Activated {snapshot.id} version {version} on the local engine", 6000
            )
            self.show_dock("runs")

        self.ensure_bridge().call("activate", snapshot, actor=self.user, on_done=done)
        return True

    def start_run(self) -> str | None:
        """Ask for the inputs and start a run of the active version of this orchestration."""
        dialog = StartRunDialog(
            self.ensure_bridge(),
            self._window.document.definition,
            actor=self.user,
            parent=self._window,
        )
        if dialog.exec() and dialog.run_id:
            self.show_dock("runs")
            if self.runs is not None:
                self.runs.select_run(dialog.run_id)
            return dialog.run_id
        return None

    def _open_work_item(self, item_id: str) -> None:
        self.show_dock("inbox")
        if self.inbox is not None:
            self.inbox.open_item(item_id)

    def simulate(self) -> SimulationDialog:
        """Open the simulation dialog on the definition as drawn (saved or not)."""
        window = self._window
        dialog = SimulationDialog(window.document.definition, window.path, window)
        dialog.open()
        return dialog

    # --- which engine ------------------------------------------------------------------------

    @property
    def connection(self) -> Connection:
        """The database (None: the engine's default) and the user this window acts as."""
        return Connection(self._db_url, self.user)

    def _show_engine(self) -> None:
        where = connection.describe(self._db_url)
        self.engine_label.setText(f"Engine: {where} · as {self.user}")
        self.engine_label.setToolTip("File ▸ Connect to engine… to change")

    def open_connect_dialog(self) -> ConnectEngineDialog:
        """File ▸ Connect to engine…: on OK, remember the choice and switch to it."""
        dialog = ConnectEngineDialog(self.connection, self._window)

        def switch() -> None:
            chosen = dialog.connection
            self.connect_to(chosen.url, chosen.user)

        dialog.accepted.connect(switch)
        dialog.open()
        return dialog

    def connect_to(self, url: str | None, user: str) -> None:
        """Use another database and user from now on (remembered for the next start).

        The old bridge is closed and the docks are rebuilt on a new one, rather than
        re-pointed: every panel then starts from a clean first load of the new database.
        """
        connection.remember(Connection(url, user))
        had_docks = bool(self.docks)
        old_bridge = self.bridge
        self.close()
        if old_bridge is not None:
            # Its thread has ended: free it now, on the UI thread, not via the collector.
            old_bridge.deleteLater()
        window = self._window
        for dock in self.docks.values():
            window.removeDockWidget(dock)
            dock.deleteLater()
        self.docks.clear()
        if self.monitor is not None:
            self.monitor.clear()
            self.monitor.deleteLater()
        if self.heatmap is not None:
            self.heatmap.heatmap.clear()
        self.runs = self.inbox = self.history = self.monitor = self.heatmap = None
        self._db_url, self.user = url, user
        self._show_engine()
        if had_docks:
            self.show_dock("runs")

    def close(self) -> None:
        """Stop the engine bridge's thread (the window is closing)."""
        if self.monitor is not None:
            self.monitor.stop()
        if self.bridge is not None:
            self.bridge.close()
            self.bridge = None

    def _show_error(self, message: str) -> None:
        self._window.statusBar().showMessage(message, 8000)

    def widget(self, which: str) -> QWidget | None:
        """The panel inside a live dock, if built."""
        return {"runs": self.runs, "inbox": self.inbox, "history": self.history}.get(which)
