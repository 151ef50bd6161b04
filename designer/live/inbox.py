"""`InboxPanel`: an assignee's open work (own, group's, queue's) beside the work guide.

It lists the oldest `INBOX_PAGE` open items first (they are due first) and says when there
are more ("Show more" lists as many again), so thousands of open items do not mean reading
thousands of runs for their case lines before the list shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.live.bridge import EngineBridge
from designer.live.operator_dialogs import ReassignItemDialog, assignee_choices
from designer.live.runs_model import subject
from designer.live.work_guide import WorkContext, WorkGuide
from designer.runs.formatting import age, is_overdue, overdue_text_color, when
from engine.runtime.protocol import RunEngine
from engine.store import directory

COLUMNS = ("Task", "Context", "Assigned to", "Age", "Due")
INBOX_PAGE = 200
"""Open items listed at first, and added by each "Show more"."""
GUIDE_WINDOW_KEY = "inbox/guide_in_own_window"


def _settings() -> QSettings:
    # The designer's own settings store (designer.window.settings names the same one).
    return QSettings("Baton", "Baton designer")


ITEM_ID_ROLE = Qt.ItemDataRole.UserRole


def _load_users(engine: RunEngine) -> list[Any]:
    with engine.store.read() as conn:
        return [u for u in directory.list_users(conn) if u.active]


@dataclass
class InboxLoad:
    """What one load of the inbox read (engine thread)."""

    items: list[dict[str, Any]]
    """The oldest open items, each with its case (`context`)."""
    more: bool
    """More items are open than listed."""
    fresh: list[dict[str, Any]] = field(default_factory=list)
    """Items created since the previous load that the cut list does not show (they are
    the newest): announced all the same."""
    loaded_at: datetime | None = None
    """The engine's time when the load began (the next load's `since`)."""


def _load_items(
    engine: RunEngine,
    user: str,
    known: dict[str, str] | None = None,
    limit: int | None = None,
    since: datetime | None = None,
) -> InboxLoad:
    """The user's oldest `limit` open items (None: all), each with its case (`context`),
    and whether more are open; when the list is cut, also the items created at or after
    `since` that it leaves out. `known`: cases already read by run, kept while the run has
    no new events (on Temporal a run read is a query)."""
    loaded_at = engine.clock.now()
    items = engine.work_items(user=user, limit=None if limit is None else limit + 1)
    more = limit is not None and len(items) > limit
    items = items[:limit] if more else items
    fresh: list[dict[str, Any]] = []
    if more and since is not None:
        listed = {i["id"] for i in items}
        new = engine.work_items(user=user, created_after=since)
        fresh = [i for i in new if i["id"] not in listed]
    contexts = dict(known or {})
    for item in [*items, *fresh]:
        if item["run"] not in contexts:
            run = engine.run(item["run"])
            # The first text value (the employee, the deal) says which case this is.
            context = subject(run) or item["run"]
            if run["status"] == "paused":  # work can be done, but the run will not move on
                context += " · run paused"
            contexts[item["run"]] = context
        item["context"] = contexts[item["run"]]
    return InboxLoad(items, more, fresh, loaded_at)


class InboxPanel(QWidget):
    """The inbox of the user chosen under "Acting as", and the guide of the open item.

    Args:
        bridge: the engine bridge.

    Signals:
        item_opened(str): an item was opened in the guide (its id).
        item_completed(str): the acting user completed an item (its id).
        count_changed(int): the number of listed open items, after every load.
        items_arrived(list): items new since the last load for the same user (the
            dicts the list shows); never on a user's first load, which is all "new".
    """

    item_opened = Signal(str)
    item_completed = Signal(str)
    count_changed = Signal(int)
    items_arrived = Signal(list)

    def __init__(
        self, bridge: EngineBridge, acting_user: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._preferred = acting_user  # chosen once the directory is loaded, if listed
        self._seen: tuple[str, set[str]] | None = None  # (user, item ids) of the last load
        self._loaded_at: datetime | None = None  # the engine's time at the last load
        self.dialog: Any = None
        self._users: dict[str, Any] = {}
        self._items: list[dict[str, Any]] = []
        self.limit = INBOX_PAGE  # the oldest items listed; "Show more" raises it
        self.more = False  # more items are open than listed
        self._open_id: str | None = None
        self._foreign: dict[str, Any] | None = None  # opened from the canvas, not listed
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Acting as"))
        self.user_combo = QComboBox()
        self.user_combo.setMinimumWidth(220)
        bar.addWidget(self.user_combo)
        self.all_items = QCheckBox("Everyone's items (admin)")
        self.all_items.hide()
        bar.addWidget(self.all_items)
        # The guide needs room (guidance, context, a form): by default an opened item gets
        # a window of its own rather than a slice of a bottom dock. Remembered.
        self.separate_guide = QCheckBox("Guide in its own window")
        self.separate_guide.setToolTip(
            "Open work items in a separate, roomy window (off: beside the list)"
        )
        self.separate_guide.setChecked(_settings().value(GUIDE_WINDOW_KEY, True, type=bool))
        self.separate_guide.toggled.connect(self._guide_placement_changed)
        bar.addWidget(self.separate_guide)
        self.guide_window: QDialog | None = None
        bar.addStretch(1)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: palette(placeholder-text);")
        bar.addWidget(self.summary)
        self.show_more = QPushButton(f"Show {INBOX_PAGE} more")
        self.show_more.setToolTip("Only the oldest open items are listed at first")
        self.show_more.clicked.connect(self.load_more)
        self.show_more.hide()
        bar.addWidget(self.show_more)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(COLUMNS)
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformRowHeights(True)
        self.list.setStyleSheet("QTreeWidget::item { padding: 4px 2px; }")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.guide = WorkGuide(bridge)
        splitter.addWidget(self.list)
        splitter.addWidget(self.guide)
        self._splitter = splitter
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        self.user_combo.currentIndexChanged.connect(self._user_changed)
        self.all_items.toggled.connect(self.refresh)
        self.list.itemActivated.connect(lambda row, _col: self.open_item(row.data(0, ITEM_ID_ROLE)))
        self.list.itemClicked.connect(lambda row, _col: self.open_item(row.data(0, ITEM_ID_ROLE)))
        self.guide.complete_requested.connect(self._complete)
        self.guide.reassign_requested.connect(self._reassign)
        bridge.items_changed.connect(self.refresh)
        # Each run's case line, read once and kept until the run changes: a refresh after
        # every change anywhere then reads only the runs that moved.
        self._contexts: dict[str, str] = {}
        self._context_epochs: dict[str, int] = {}
        bridge.run_changed.connect(self._run_changed)
        bridge.directory_changed.connect(self.load_users)
        self._clock_timer = QTimer(self, interval=30_000)
        self._clock_timer.timeout.connect(self._fill)
        self._clock_timer.start()
        self.load_users()

    # --- who is acting ----------------------------------------------------------------------

    @property
    def acting_user(self) -> str | None:
        """The user whose inbox is shown."""
        return self.user_combo.currentData()

    def set_acting_user(self, name: str) -> None:
        """Act as another user (must be in the directory and active)."""
        index = self.user_combo.findData(name)
        if index >= 0:
            self.user_combo.setCurrentIndex(index)

    def load_users(self) -> None:
        """Read the directory again (users added, deactivated, regrouped)."""
        self.bridge.submit(_load_users, self._users_loaded, self.guide.show_error)

    def _users_loaded(self, users: list[Any]) -> None:
        current = self.acting_user or self._preferred
        self._users = {u.name: u for u in users}
        self.user_combo.blockSignals(True)
        self.user_combo.clear()
        for user in users:
            memberships = ", ".join(g.split(":", 1)[1] for g in user.groups)
            label = user.name + (f" — {memberships}" if memberships else "")
            self.user_combo.addItem(label + (" (admin)" if user.admin else ""), user.name)
        if current in self._users:
            self.set_acting_user(current)
        self.user_combo.blockSignals(False)
        if self.acting_user != current:
            self._user_changed()
        else:
            # Same person (or still nobody, in an empty directory): keep the open item;
            # memberships may have changed what they see.
            user = self._users.get(current or "")
            self.all_items.setVisible(bool(user and user.admin))
            self.refresh()

    def _user_changed(self) -> None:
        user = self._users.get(self.acting_user or "")
        self.all_items.setVisible(bool(user and user.admin))
        self._open_id = None
        self.limit = INBOX_PAGE
        self.guide.show_empty("Open a work item from the inbox to see what to do.")
        self.guide.banner.hide()
        self.refresh()

    # --- the list ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the acting user's open items again."""
        user = self.acting_user
        if not user:
            return
        known, epochs = dict(self._contexts), dict(self._context_epochs)
        limit = self.limit
        same_user = self._seen is not None and self._seen[0] == user
        since = self._loaded_at if same_user else None
        self.bridge.submit(
            lambda engine: _load_items(engine, user, known, limit, since),
            lambda load: self._items_loaded(user, load, epochs),
            self.guide.show_error,
        )

    def load_more(self) -> None:
        """List as many open items again (the inbox lists the oldest ones first)."""
        self.limit += INBOX_PAGE
        self.refresh()

    def _run_changed(self, run_id: str) -> None:
        self._contexts.pop(run_id, None)
        self._context_epochs[run_id] = self._context_epochs.get(run_id, 0) + 1

    def _items_loaded(
        self, user: str, load: InboxLoad, epochs: dict[str, int] | None = None
    ) -> None:
        items, more, fresh = load.items, load.more, load.fresh
        for item in items:  # kept unless the run changed while they were read
            run_id = item["run"]
            if self._context_epochs.get(run_id, 0) == (epochs or {}).get(run_id, 0):
                self._contexts[run_id] = item["context"]
        if user != self.acting_user:
            return
        found = self._users.get(user)
        if found and found.admin and not self.all_items.isChecked():
            # The engine lets an admin complete anything; the inbox shows their own work.
            own = {f"user:{user}", *found.groups}
            items = [i for i in items if i["assignee"] in own]
            fresh = [i for i in fresh if i["assignee"] in own]
        self._items, self.more = items, more
        self.show_more.setVisible(more)
        self._fill()
        listed = {i["id"] for i in items}
        known = {*listed, *(i["id"] for i in fresh)}
        if self._seen is not None and self._seen[0] == user:
            # New items past the cut (the newest) are announced too, then remembered.
            arrived = [i for i in [*items, *fresh] if i["id"] not in self._seen[1]]
            if arrived:
                self.items_arrived.emit(arrived)
            known |= self._seen[1]
        self._seen, self._loaded_at = (user, known), load.loaded_at
        self.count_changed.emit(len(items))
        if self._foreign and self._foreign["id"] != self._open_id:
            self._foreign = None
        if self._open_id and self._open_id not in listed and not self._foreign:
            self._open_id = None
            if self.guide.context is not None:
                self.guide.show_empty(
                    "That item is no longer open (completed, withdrawn or reassigned elsewhere)."
                )

    def _fill(self) -> None:
        now = self.bridge.now()
        user = self.acting_user
        self.list.clear()
        overdue_count = 0
        bold = QFont()
        bold.setBold(True)
        for item in self._items:
            overdue = is_overdue(item["due_at"], now, item["overdue"])
            overdue_count += overdue
            assignee = "you" if item["assignee"] == f"user:{user}" else item["assignee"]
            due = when(item["due_at"]) + (" · overdue" if overdue else "")
            row = QTreeWidgetItem(
                [item["title"], item["context"], assignee, age(item["created_at"], now), due]
            )
            row.setData(0, ITEM_ID_ROLE, item["id"])
            row.setToolTip(0, f"{item['id']} · step {item['step']} · run {item['run']}")
            if overdue:
                for column in (0, 4):
                    row.setForeground(column, QBrush(overdue_text_color()))
                row.setFont(4, bold)
            self.list.addTopLevelItem(row)
            if item["id"] == self._open_id:
                row.setSelected(True)
        if not self._items and user:
            empty = QTreeWidgetItem([f"Nothing is waiting for {user}."])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            muted = self.list.palette().color(QPalette.ColorRole.PlaceholderText)
            empty.setForeground(0, QBrush(muted))  # a fixed grey read at 3.5:1 in Light
            self.list.addTopLevelItem(empty)
        text = (
            f"oldest {len(self._items)} open, more not listed"
            if self.more
            else (f"{len(self._items)} open")
        )
        self.summary.setText(text + (f" · {overdue_count} overdue" if overdue_count else ""))

    def item_ids(self) -> list[str]:
        """Ids of the listed items, in order."""
        return [i["id"] for i in self._items]

    def _known_items(self) -> list[dict[str, Any]]:
        return [*self._items, *([self._foreign] if self._foreign else [])]

    # --- where the guide is ---------------------------------------------------------------

    def _show_guide_window(self, title: str) -> None:
        """Move the guide into its own window (made on first use) and bring it up."""
        if self.guide_window is None:
            window = QDialog(self.window(), Qt.WindowType.Window)
            window.setObjectName("work_guide_window")
            QVBoxLayout(window).setContentsMargins(8, 8, 8, 8)
            window.finished.connect(self._guide_window_closed)
            self.guide_window = window
            screen = self.screen().availableGeometry() if self.screen() else None
            width, height = 760, 720
            if screen is not None:  # roomy, but inside a small screen too
                width, height = min(width, screen.width() - 40), min(height, screen.height() - 60)
            window.resize(width, height)
        window = self.guide_window
        if self.guide.parent() is not window:
            window.layout().addWidget(self.guide)
            self.guide.show()
        window.setWindowTitle(f"Work guide — {title}")
        window.show()
        window.raise_()
        window.activateWindow()

    def _guide_window_closed(self) -> None:
        # Closed by the user: the guide goes back beside the list (still the open item).
        if self.guide.parent() is not self._splitter:
            self._splitter.addWidget(self.guide)
            self.guide.show()

    def _guide_placement_changed(self, separate: bool) -> None:
        _settings().setValue(GUIDE_WINDOW_KEY, separate)
        if separate and self.guide.context is not None:
            self._show_guide_window(self.guide.context.item.get("title") or "")
        elif not separate and self.guide_window is not None:
            self.guide_window.close()  # finished -> the guide returns to the splitter

    # --- one item -------------------------------------------------------------------------

    def open_item(self, item_id: str) -> None:
        """Show an item in the work guide (also used by the canvas overlay)."""
        shown_now = self.guide.context
        if shown_now is not None and shown_now.item["id"] == item_id:
            return  # already open: keep what the user has typed
        item = next((i for i in self._known_items() if i["id"] == item_id), None)
        if item is None:
            # Opened from elsewhere (the canvas): find it among all open items; completing
            # it still needs the acting user to be allowed, and the engine says so if not.
            def found(items: list[dict[str, Any]]) -> None:
                match = next((i for i in items if i["id"] == item_id), None)
                if match is None:
                    self.guide.show_error(f"Work item {item_id} is no longer open.")
                    return
                self._foreign = {**match, "context": match["run"]}
                self.open_item(item_id)

            self.bridge.submit(lambda engine: engine.work_items(), found, self.guide.show_error)
            return
        self._open_id = item_id
        for index in range(self.list.topLevelItemCount()):
            row = self.list.topLevelItem(index)
            row.setSelected(row.data(0, ITEM_ID_ROLE) == item_id)

        def shown(context: WorkContext) -> None:
            if self._open_id == item_id:
                self.guide.show_item(context)
                if self.separate_guide.isChecked():
                    self._show_guide_window(context.item.get("title") or item_id)
                self.item_opened.emit(item_id)

        self.bridge.submit(
            lambda engine: WorkContext.load(engine, item), shown, self.guide.show_error
        )

    def open_step(self, run_id: str, step_id: str) -> None:
        """Open the open work item of a run's step (a double-click on an amber step)."""

        def found(items: list[dict[str, Any]]) -> None:
            match = next((i for i in items if i["run"] == run_id and i["step"] == step_id), None)
            if match is None:
                self.guide.show_error(f"Step {step_id} of run {run_id} has no open work item.")
            else:
                self.open_item(match["id"])

        self.bridge.submit(lambda engine: engine.work_items(), found, self.guide.show_error)

    def _complete(self, item_id: str, outputs: dict[str, Any]) -> None:
        def done(_run_id: str) -> None:
            self.guide.show_done(f"Completed “{self._title(item_id)}”. The run moves on.")
            self.item_completed.emit(item_id)

        user = self.acting_user
        self.bridge.submit(
            lambda engine: engine.complete_item(item_id, user, outputs),
            done,
            self.guide.show_error,
        )

    def _title(self, item_id: str) -> str:
        return next((i["title"] for i in self._known_items() if i["id"] == item_id), item_id)

    def _reassign(self, item_id: str) -> None:
        item = next((i for i in self._known_items() if i["id"] == item_id), None)
        if item is None:
            return

        def ask(choices: list[str]) -> None:
            dialog = ReassignItemDialog([item], choices, self)

            def reassign() -> None:
                # Read the dialog here, on the UI thread; the work runs on the engine's thread.
                to, reason = dialog.to.currentText().strip(), dialog.reason.text().strip()
                actor = self.acting_user
                self.bridge.submit(
                    lambda engine: engine.reassign(item_id, to, reason, actor=actor),
                    lambda _r: self.guide.show_done(f"Reassigned “{item['title']}” to {to}."),
                    self.guide.show_error,
                )

            dialog.accepted.connect(reassign)
            self.dialog = dialog
            dialog.open()

        self.bridge.submit(assignee_choices, ask, self.guide.show_error)
