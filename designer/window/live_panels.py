"""The Run menu and the live docks (runs, inbox, history) of the main window.

Nothing here touches the engine until the admin asks for it: the bridge (a worker thread
with its own engine connection) and the docks are created on first use, so opening the
designer stays fast and a window used only for drawing never opens the run database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMessageBox, QWidget

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
from designer.live.audit_dialog import AuditLogDialog
from designer.live.connect_dialog import ConnectEngineDialog
from designer.live.connection import Connection
from designer.live.directory_dialog import DirectoryDialog
from designer.live.directory_names import DirectoryNames
from designer.live.migrate_dialog import MigrateRunsDialog
from designer.live.monitor import RunMonitor
from designer.live.notifier import InboxNotifier
from designer.live.send_event_dialog import SendEventDialog
from designer.proctest import ProcessTestDialog
from designer.runs.formatting import counted
from designer.simulation import SimulationDialog
from designer.window.actions import Entry, make_action
from designer.window.host import LiveHost
from engine.validation import has_errors, validate


class LivePanels:
    """Run ▸ Activate / Start run… / Simulate… / Test / Runs / Inbox / History / Heatmap, and
    File ▸ Connect to engine…; the docks and the bridge are created on first use."""

    def __init__(self, host: LiveHost, db_url: str | None = None) -> None:
        self._host = host
        # `BATON_DB`, `BATON_RUNTIME` (and `BATON_USER`) win over File ▸ Connect to
        # engine…'s remembered choice.
        chosen = connection.at_startup()
        if db_url:
            chosen = replace(chosen, url=db_url)
        self._connection = chosen
        self.user = chosen.user
        self._unsubscribe: Callable[[], None] | None = None
        self.notifier = InboxNotifier(host.widget)
        self.engine_label = QLabel()
        self._show_engine()
        self.bridge: EngineBridge | None = None
        self.runs: RunsPanel | None = None
        self.inbox: InboxPanel | None = None
        self.history: RunHistoryPanel | None = None
        self.monitor: RunMonitor | None = None
        self.heatmap: AggregatePanel | None = None
        self.docks: dict[str, QDockWidget] = {}
        parent = host.widget
        self.activate_action = make_action(parent, "&Activate", self.activate, "Ctrl+Shift+A")
        self.start_action = make_action(parent, "&Start run…", self.start_run, "Ctrl+R")
        self.simulate_action = make_action(parent, "Si&mulate…", self.simulate, "Ctrl+Shift+M")
        self.test_action = make_action(
            parent,
            "&Test",
            self.run_tests,
            "Ctrl+Shift+T",
            tip="Run this file's process tests (NAME.tests.json) and show coverage on the diagram",
        )
        self.send_event_action = make_action(
            parent,
            "Send &event…",
            self.send_event,
            "Ctrl+Shift+V",
            tip="Deliver an event (name, key, JSON data) to the runs waiting for it",
        )
        self.migrate_action = make_action(
            parent,
            "Mi&grate runs…",
            self.migrate_runs,
            tip="Move the open runs of one version of this orchestration to another",
        )
        self.audit_action = make_action(
            parent,
            "Au&dit log…",
            self.audit_log,
            tip="Who activated versions, changed users and roles, made tokens and webhooks",
        )
        self.dock_actions = [
            make_action(parent, text, lambda _=False, k=key: self.show_dock(k), keys)
            for key, text, keys in (
                ("runs", "R&uns", "Ctrl+Shift+R"),
                ("inbox", "&Inbox", "Ctrl+Shift+I"),
                ("history", "&History", "Ctrl+Shift+H"),
                ("heatmap", "Heat&map", "Ctrl+Shift+E"),
            )
        ]
        self.connect_action = make_action(parent, "&Connect to engine…", self.open_connect_dialog)
        # Users, groups and queues: completion in the inspector and Run ▸ Directory….
        self.directory = DirectoryNames(self.ensure_bridge, parent=parent)
        self.directory_action = make_action(
            parent,
            "&Directory…",
            self.open_directory,
            "Ctrl+Shift+U",
            tip="Users, groups and queues: add, deactivate, memberships and roles",
        )

    # --- what the window places -------------------------------------------------------------

    def actions(self) -> list[QAction]:
        """Every Run action and Connect to engine."""
        return [
            self.activate_action,
            self.start_action,
            self.simulate_action,
            self.test_action,
            self.send_event_action,
            self.migrate_action,
            self.audit_action,
            self.directory_action,
            *self.dock_actions,
            self.connect_action,
        ]

    def menu_sections(self) -> dict[str, list[Entry]]:
        """run (Activate, Start run, Simulate); docks; connect (File)."""
        return {
            "run": [
                self.activate_action,
                self.start_action,
                self.send_event_action,
                self.migrate_action,
                self.audit_action,
                self.simulate_action,
                self.test_action,
                self.directory_action,
            ],
            "docks": list(self.dock_actions),
            "connect": [self.connect_action],
        }

    def status_widgets(self) -> list[QWidget]:
        """Which engine and user this window acts on, for the status bar."""
        return [self.engine_label]

    # --- lazily built parts -----------------------------------------------------------------

    def ensure_bridge(self) -> EngineBridge:
        """The engine bridge, started on first use."""
        if self.bridge is None:
            self.bridge = EngineBridge(self._connection, parent=self._host.widget)
            self.bridge.error_occurred.connect(self._show_error)
            self.bridge.open_failed.connect(self._show_not_connected)
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
        host = self._host
        self.runs = RunsPanel(bridge, host.document.definition, actor=self.user)
        self.history = RunHistoryPanel(bridge)
        self.inbox = InboxPanel(bridge, acting_user=self.user)
        self.inbox.count_changed.connect(self._show_inbox_count)
        self.inbox.items_arrived.connect(self.notifier.items_arrived)
        self.runs.run_selected.connect(self.history.set_run)
        # The selected run (or a past moment of it) is painted over the diagram.
        self.monitor = RunMonitor(host.scene, bridge, self.runs, self.history)
        self.monitor.work_item_requested.connect(self._open_work_item)
        self.heatmap = AggregatePanel(bridge, host.scene, host.document.definition.id, self.monitor)
        self.heatmap.run_activated.connect(self.runs.select_run)
        for key, title, widget in (
            ("runs", "Runs", self.runs),
            ("history", "History", self.history),
            ("inbox", "Inbox", self.inbox),
            ("heatmap", "Heatmap", self.heatmap),
        ):
            self.docks[key] = host.add_dock(key, title, widget)
        if self._unsubscribe is None:
            self._unsubscribe = host.document.subscribe(self._follow_document)

    def _show_inbox_count(self, count: int) -> None:
        # The badge: visible on the dock's tab even while another panel is in front.
        dock = self.docks.get("inbox")
        if dock is not None:
            more = "+" if self.inbox.more else ""  # a cut list: at least this many
            dock.setWindowTitle(f"Inbox ({count}{more})" if count else "Inbox")

    def _follow_document(self, change: Change) -> None:
        # Only a new file or new orchestration properties can change whose runs are shown.
        if change.kind not in (ChangeKind.RESET, ChangeKind.PROPERTIES_CHANGED):
            return
        definition = self._host.document.definition
        if self.history is not None and self.history.run_id is not None:
            shown = self.history.plan
            if shown is None or shown.definition.id != definition.id:
                self.history.set_run(None)  # another file: its run is not this diagram's
        if self.runs is not None:
            self.runs.set_orchestration(definition)
        if self.heatmap is not None and self.heatmap.orchestration != definition.id:
            self.heatmap.set_orchestration(definition.id)

    # --- actions ----------------------------------------------------------------------------

    def activate(self) -> bool:
        """Validate and activate the open definition on the connected engine."""
        host = self._host
        definition = host.document.definition
        diagnostics = validate(definition)
        if has_errors(diagnostics):
            host.show_problems(diagnostics)
            errors = sum(d.severity == "error" for d in diagnostics)
            QMessageBox.warning(
                host.widget,
                "Cannot activate",
                f"“{definition.name or definition.id}” has {errors} error(s); the Problems "
                "panel lists them. Fix them, then activate again.",
            )
            return False
        snapshot = definition.model_copy(deep=True)

        where = connection.describe_connection(self._connection)

        def done(version: int) -> None:
            host.show_message(f"Activated {snapshot.id} version {version} on {where}", 6000)
            self.show_dock("runs")

        user = self.user
        self.ensure_bridge().submit(lambda engine: engine.activate(snapshot, actor=user), done)
        return True

    def start_run(self) -> str | None:
        """Ask for the inputs and start a run of the active version of this orchestration."""
        dialog = StartRunDialog(
            self.ensure_bridge(),
            self._host.document.definition,
            actor=self.user,
            parent=self._host.widget,
        )
        if dialog.exec() and dialog.run_id:
            self.show_dock("runs")
            if self.runs is not None:  # selected, so the canvas shows where it is
                self.runs.select_new_run(dialog.run_id)
            return dialog.run_id
        return None

    def send_event(self) -> SendEventDialog:
        """Open Run ▸ Send event…; the Runs list shows where the runs moved on."""
        dialog = SendEventDialog(self.ensure_bridge(), self.user, self._host.widget)
        dialog.accepted.connect(lambda: self._sent(dialog))
        dialog.open()
        return dialog

    def open_directory(self) -> DirectoryDialog:
        """Open Run ▸ Directory…, acting as this window's user."""
        dialog = DirectoryDialog(self.directory, self.user, self._host.widget)
        dialog.open()
        return dialog

    def _sent(self, dialog: SendEventDialog) -> None:
        reached = dialog.reached or []
        self._host.show_message(f"Event delivered to {counted(len(reached), 'run')}.", 5000)
        if self.runs is not None:
            self.runs.refresh()

    def migrate_runs(self) -> MigrateRunsDialog:
        """Open Run ▸ Migrate runs… for this orchestration; the Runs list follows the moves."""
        dialog = MigrateRunsDialog(
            self.ensure_bridge(), self._host.document.definition.id, self.user, self._host.widget
        )
        dialog.finished.connect(lambda _code: self.runs.refresh() if self.runs else None)
        dialog.open()
        return dialog

    def audit_log(self) -> AuditLogDialog:
        """Open Run ▸ Audit log…: admin actions outside runs, newest first."""
        dialog = AuditLogDialog(self.ensure_bridge(), self.user, self._host.widget)
        dialog.open()
        return dialog

    def _open_work_item(self, item_id: str) -> None:
        self.show_dock("inbox")
        if self.inbox is not None:
            self.inbox.open_item(item_id)

    def simulate(self) -> SimulationDialog:
        """Open the simulation dialog on the definition as drawn (saved or not)."""
        host = self._host
        dialog = SimulationDialog(host.document.definition, host.current_path(), host.widget)
        dialog.open()
        return dialog

    def run_tests(self) -> ProcessTestDialog:
        """Open Run ▸ Test on the definition as drawn and run its tests at once."""
        host = self._host
        dialog = ProcessTestDialog(host.document.definition, host.current_path(), host.widget)
        dialog.open()
        dialog.run_tests()
        return dialog

    # --- which engine ------------------------------------------------------------------------

    @property
    def connection(self) -> Connection:
        """The engine (database, and Temporal runtime if any) and the user this window
        acts as."""
        return replace(self._connection, user=self.user)

    def _where(self) -> str:
        # The status bar is narrow at 1024 px: the runtime only; the catalogue is in the
        # tooltip (and in File ▸ Connect to engine…).
        chosen = self._connection
        return (
            (chosen.runtime or "").strip()
            if chosen.on_temporal
            else connection.describe(chosen.url)
        )

    def _show_engine(self) -> None:
        self.engine_label.setText(f"Engine: {self._where()} · as {self.user}")
        self.engine_label.setToolTip(
            f"{connection.describe_connection(self._connection)}\n"
            "File ▸ Connect to engine… to change"
        )

    def _show_not_connected(self, reason: str) -> None:
        # Kept in the status bar (a message would fade): every panel is empty because of it.
        self.engine_label.setText(f"Engine: {self._where()} · not connected")
        self.engine_label.setToolTip(f"{reason}\nFile ▸ Connect to engine… to change")

    def open_connect_dialog(self) -> ConnectEngineDialog:
        """File ▸ Connect to engine…: on OK, remember the choice and switch to it."""
        dialog = ConnectEngineDialog(self.connection, self._host.widget)

        def switch() -> None:
            self.connect_to(dialog.connection)

        dialog.accepted.connect(switch)
        dialog.open()
        return dialog

    def connect_to(self, target: Connection | str | None, user: str | None = None) -> None:
        """Use another engine and user from now on (remembered for the next start; an API
        key only for this session). `target` is a whole `Connection`, or a database URL
        (local runs) with `user`.

        The old bridge is closed and the docks are rebuilt on a new one, rather than
        re-pointed: every panel then starts from a clean first load of the new engine.
        """
        if not isinstance(target, Connection):
            target = Connection(target, user or self.user)
        elif user is not None:
            target = replace(target, user=user)
        connection.remember(target)
        had_docks = bool(self.docks)
        old_bridge = self.bridge
        self.close()
        if old_bridge is not None:
            # Closed (its thread ends on its own, a call in flight aborted or left to
            # finish): free it now, on the UI thread, not via the collector.
            old_bridge.deleteLater()
        for dock in self.docks.values():
            self._host.remove_dock(dock)
        self.docks.clear()
        if self.monitor is not None:
            self.monitor.clear()
            self.monitor.deleteLater()
        if self.heatmap is not None:
            self.heatmap.heatmap.clear()
        self.runs = self.inbox = self.history = self.monitor = self.heatmap = None
        self._connection, self.user = target, target.user
        self._show_engine()
        self.directory.forget()
        if had_docks:
            self.show_dock("runs")

    def close(self) -> None:
        """Stop the engine bridge (the window is closing); never waits for a call in
        flight (see `EngineBridge.close`)."""
        self.directory.close()
        if self.monitor is not None:
            self.monitor.stop()
        if self.bridge is not None:
            self.bridge.close()
            self.bridge = None

    def _show_error(self, message: str) -> None:
        self._host.show_message(message, 8000)
