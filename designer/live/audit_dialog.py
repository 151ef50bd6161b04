"""Run ▸ Audit log…: who did what to the catalogue, without a terminal.

The same entries as `baton audit` (`engine.runtime.audit.entries`): activations and
deactivations, users added or changed, tokens, webhooks; newest first, a page at a time.
Filters (action kind, who, subject) are applied by the engine; "Older" fetches the next
page after the last entry shown. Reading needs the admin role when roles are enforced; a
refusal is shown in the dialog, in the engine's words.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
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

from designer.live.bridge import EngineBridge
from designer.runs.formatting import counted, overdue_text_color, when
from designer.screens import fit_dialog
from engine.runtime.audit import entries
from engine.runtime.protocol import RunEngine

PAGE = 50
KINDS = (
    ("Every action", None),
    ("Orchestrations", "definition."),
    ("Users and roles", "user."),
    ("API tokens", "token."),
    ("Webhooks", "webhook."),
)
COLUMNS = ("#", "Time", "By", "Action", "Subject", "Details")


class AuditLogDialog(QDialog):
    """Filters above, the entries below, newest first; Older loads the next page."""

    def __init__(self, bridge: EngineBridge, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit log")
        fit_dialog(self, QSize(980, 560))
        self._bridge, self._actor = bridge, actor
        self.shown: list[dict[str, Any]] = []
        self._loads = 0
        self.kind = QComboBox()
        for label, prefix in KINDS:
            self.kind.addItem(label, prefix)
        self.by = QLineEdit()
        self.by.setPlaceholderText("who (user name)")
        self.subject = QLineEdit()
        self.subject.setPlaceholderText("about (orchestration, user, token or webhook id)")
        self.refresh_button = QPushButton("Refresh")
        self.older_button = QPushButton("Older")
        self.older_button.setEnabled(False)
        filters = QHBoxLayout()
        filters.addWidget(self.kind)
        filters.addWidget(self.by)
        filters.addWidget(self.subject, 1)
        filters.addWidget(self.refresh_button)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        footer = QHBoxLayout()
        footer.addWidget(self.message, 1)
        footer.addWidget(self.older_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.by.returnPressed.connect(self.refresh)
        self.subject.returnPressed.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.older_button.clicked.connect(self.load_older)
        self.refresh()

    def refresh(self) -> None:
        """Load the newest page for the filters as they are now."""
        self._load(None, replace=True)

    def load_older(self) -> None:
        """Append the page after the last entry shown."""
        if self.shown:
            self._load(self.shown[-1]["id"], replace=False)

    def _load(self, before: int | None, replace: bool) -> None:
        action = self.kind.currentData()
        by = self.by.text().strip() or None
        subject = self.subject.text().strip() or None
        actor = self._actor

        def read(engine: RunEngine) -> list[dict[str, Any]]:
            # One more than a page: whether an older page exists, without a second query.
            return entries(
                engine,
                actor,
                action=action,
                by=by,
                subject=subject,
                before=before,
                limit=PAGE + 1,
            )

        self.refresh_button.setEnabled(False)
        self.older_button.setEnabled(False)
        # Only the latest load is shown: an earlier one answering late (filters changed
        # while it ran) must not overwrite it.
        self._loads += 1
        load = self._loads
        self._bridge.submit(
            read,
            lambda found: self._show(found, replace) if load == self._loads else None,
            lambda message: self._fail(message) if load == self._loads else None,
        )

    def _show(self, found: list[dict[str, Any]], replace: bool) -> None:
        more = len(found) > PAGE
        page = found[:PAGE]
        self.shown = page if replace else [*self.shown, *page]
        self.table.setRowCount(len(self.shown))
        for row, entry in enumerate(self.shown):
            details = " ".join(f"{k}={v}" for k, v in sorted((entry["details"] or {}).items()))
            cells = (
                str(entry["id"]),
                when(entry["time"]),  # as every other list writes times; exact in the tooltip
                entry["actor"] or "-",
                entry["action"],
                entry["subject"],
                details,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            self.table.item(row, 1).setToolTip(entry["time"])
        self.refresh_button.setEnabled(True)
        self.older_button.setEnabled(more)
        tail = "; Older shows more" if more else ""
        self._say(f"{counted(len(self.shown), 'entry', 'entries')}, newest first{tail}.")

    def _fail(self, message: str) -> None:
        self.refresh_button.setEnabled(True)
        self._say(message, True)

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setStyleSheet(f"color: {overdue_text_color().name()};" if problem else "")
        self.message.setText(text)
