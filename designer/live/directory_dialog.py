"""Run ▸ Directory…: the engine's users, groups and queues, managed without a terminal.

What `baton users add|deactivate|list` does, in one dialog: the list of users with their
role, state and memberships; a form to add a user or update one (role, email, groups and
queues to join); Deactivate and Reactivate for the selected user. Every change runs on
the engine bridge's thread as the window's user, so the engine's own rules apply (only an
admin may manage users once one exists) and its refusal is shown in one line.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.live.bridge import Work
from designer.live.directory_names import DirectoryEntry, DirectoryNames
from designer.runs.formatting import overdue_text_color
from engine.store.directory import ROLES

COLUMNS = ("User", "Role", "Active", "Groups and queues", "Email")
_NAME = re.compile(r"^[A-Za-z0-9_.@-]+$")


class DirectoryDialog(QDialog):
    """Users, their roles and memberships; add, update, deactivate and reactivate."""

    def __init__(self, names: DirectoryNames, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Directory")
        self.setMinimumSize(620, 460)
        self._names, self._actor = names, actor
        self._bridge = names.bridge()
        self._entries: list[DirectoryEntry] = []
        self._pending_select: str | None = None  # a user just saved: selected once listed

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)

        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. alice")
        self.role = QComboBox()
        for role in reversed(ROLES):  # assignee first: what most people are
            self.role.addItem(role.capitalize(), role)
        self.groups = QLineEdit()
        self.groups.setPlaceholderText("groups to join, e.g. hr finance")
        self.queues = QLineEdit()
        self.queues.setPlaceholderText("queues to join, e.g. it_service_desk")
        self.email = QLineEdit()
        self.email.setPlaceholderText("for notices, e.g. alice@example.com")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        form.addRow("Groups", self.groups)
        form.addRow("Queues", self.queues)
        form.addRow("Email", self.email)
        note = QLabel(
            "Saving adds the user, or updates their role and email and adds the groups and "
            "queues named (memberships are only added here)."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        form.addRow(note)
        self.save_button = QPushButton("Save user")
        self.save_button.clicked.connect(self.save)
        self.deactivate_button = QPushButton("Deactivate")
        self.deactivate_button.clicked.connect(self.deactivate)
        self.reactivate_button = QPushButton("Reactivate")
        self.reactivate_button.clicked.connect(self.reactivate)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        row.addWidget(self.deactivate_button)
        row.addWidget(self.reactivate_button)
        form.addRow(row)
        editor = QGroupBox("Add or update a user")
        editor.setLayout(form)

        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(editor)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        names.changed.connect(self._show_directory)
        self._show_directory()
        self._selected()
        names.reload()

    # --- the list -------------------------------------------------------------------------

    def _show_directory(self) -> None:
        found = self._names.current()
        if found is None:
            return
        chosen = self._pending_select or self.selected_name()
        self._pending_select = None
        self._entries = list(found.users)
        self.table.setRowCount(len(self._entries))
        for row, entry in enumerate(self._entries):
            cells = (
                entry.name,
                entry.role,
                "yes" if entry.active else "no (deactivated)",
                " ".join(entry.memberships),
                entry.email or "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not entry.active:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, column, item)
        if chosen is not None:
            self.select(chosen)
        self._selected()  # the same row again emits nothing, but its user may have changed
        if not self._entries:
            self._say(
                "No users yet: add the first one with the form above (it may manage the others)."
            )

    def select(self, name: str) -> None:
        """Select a user's row (and fill the form from it)."""
        for row, entry in enumerate(self._entries):
            if entry.name == name:
                self.table.selectRow(row)
                return

    def selected_name(self) -> str | None:
        """The selected user's name, if a row is selected."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._entries):
            return None
        return self._entries[rows[0].row()].name

    def _selected(self) -> None:
        name = self.selected_name()
        entry = next((e for e in self._entries if e.name == name), None)
        self.deactivate_button.setEnabled(entry is not None and entry.active)
        self.reactivate_button.setEnabled(entry is not None and not entry.active)
        if entry is None:
            return
        self.name.setText(entry.name)
        self.role.setCurrentIndex(max(0, self.role.findData(entry.role)))
        self.groups.setText(_members(entry, "group"))
        self.queues.setText(_members(entry, "queue"))
        self.email.setText(entry.email or "")

    # --- changes --------------------------------------------------------------------------

    def save(self) -> None:
        """Add the user in the form, or update them (role, email, memberships added)."""
        name = self.name.text().strip()
        if not name:
            self._say("Name the user to add or update.", True)
            self.name.setFocus()
            return
        if not _NAME.match(name):
            self._say(f"{name!r}: a user name has no spaces or colons.", True)
            self.name.setFocus()
            return
        groups, queues = _words(self.groups.text()), _words(self.queues.text())
        for field_name, words in (("Groups", groups), ("Queues", queues)):
            bad = next((w for w in words if not _NAME.match(w)), None)
            if bad is not None:
                self._say(f"{field_name}: {bad!r} is not a name (no colons).", True)
                return
        role, email, actor = self.role.currentData(), self.email.text().strip() or None, self._actor
        self._run(
            lambda engine: engine.add_user(
                name, groups=groups, queues=queues, role=role, email=email, actor=actor
            ),
            f"{name} saved.",
            select=name,
        )

    def deactivate(self) -> None:
        """Deactivate the selected user (runs waiting on them show as stuck)."""
        name, actor = self.selected_name(), self._actor
        if name is not None:
            self._run(
                lambda engine: engine.deactivate_user(name, actor=actor),
                f"{name} deactivated: their open work shows as stuck until reassigned.",
                select=name,
            )

    def reactivate(self) -> None:
        """Make a deactivated user active again (keeping role and memberships)."""
        name, actor = self.selected_name(), self._actor
        if name is not None:
            self._run(
                lambda engine: engine.add_user(name, actor=actor),
                f"{name} is active again.",
                select=name,
            )

    def _run(self, work: Work, done_text: str, select: str) -> None:
        def done(_result: object) -> None:
            self._say(done_text)
            self._pending_select = select
            self._names.reload()

        self._say("Saving…")
        self._bridge.submit(work, done, lambda message: self._say(message, True))

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setStyleSheet(f"color: {overdue_text_color().name()};" if problem else "")
        self.message.setText(text)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text.strip()) if w]


def _members(entry: DirectoryEntry, kind: str) -> str:
    return " ".join(m.partition(":")[2] for m in entry.memberships if m.startswith(kind + ":"))
