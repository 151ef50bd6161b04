"""The problems panel: every diagnostic of the document, sortable and filterable.

Activating a row (double-click or Enter) emits `element_activated(id)`; the main window
selects and centres that element. Problems of the orchestration as a whole (no element)
emit `orchestration_activated` instead, so the window can show its properties.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from designer.document import Document
from designer.panels.icons import kind_icon, severity_icon
from engine.validation import Diagnostic

# The message leads: it is what people read; code and field are for looking things up.
COLUMNS = ("", "Message", "Element", "Field", "Code")
MESSAGE_COLUMN = 1
_SEVERITY_RANK = {"error": 0, "warning": 1}
_DIAGNOSTIC_ROLE = Qt.ItemDataRole.UserRole + 1
_SORT_ROLE = Qt.ItemDataRole.UserRole + 2

_STYLE = """
#problemsBar { background: #f8fafc; border-bottom: 1px solid #e2e8f0; }
#problemsBar QToolButton { border: 1px solid transparent; border-radius: 4px; padding: 2px 6px; }
#problemsBar QToolButton:checked { background: #e2e8f0; border-color: #cbd5e1; }
#problemsBar QLineEdit { border: 1px solid #cbd5e1; border-radius: 4px; padding: 2px 5px; }
#problemsEmpty { color: #64748b; }
QTreeView#problemsList::item { padding: 3px 2px; }
QTreeView#problemsList {
    border: none; selection-background-color: #ede9fe; selection-color: #1f2430;
}
"""


class _ProblemFilter(QSortFilterProxyModel):
    """Shows the severities switched on whose text contains the filter words."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.severities = {"error", "warning"}
        self.text = ""
        self.setSortRole(_SORT_ROLE)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        item = self.sourceModel().index(source_row, 0, source_parent)
        diagnostic: Diagnostic = item.data(_DIAGNOSTIC_ROLE)
        if diagnostic.severity not in self.severities:
            return False
        if not self.text:
            return True
        haystack = " ".join(
            str(part or "")
            for part in (diagnostic.code, diagnostic.element, diagnostic.field, diagnostic.message)
        ).lower()
        return all(word in haystack for word in self.text.lower().split())


class ProblemsPanel(QWidget):
    """A table of diagnostics with severity toggles, a text filter and counts."""

    element_activated = Signal(str)
    orchestration_activated = Signal()
    diagnostic_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, document: Document | None = None) -> None:
        """With a `document`, elements are shown by name and kind icon, not by id alone."""
        super().__init__(parent)
        self.setObjectName("problemsPanel")
        self.setStyleSheet(_STYLE)
        self._document = document
        self._diagnostics: list[Diagnostic] = []
        self._model = QStandardItemModel(0, len(COLUMNS), self)
        self._model.setHorizontalHeaderLabels(list(COLUMNS))
        self._filter = _ProblemFilter(self)
        self._filter.setSourceModel(self._model)

        self.errors_button = self._toggle("error")
        self.warnings_button = self._toggle("warning")
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter problems")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(260)
        self.filter_edit.textChanged.connect(self._text_changed)
        self.summary = QLabel(self)
        self.summary.setObjectName("problemsSummary")
        bar = QWidget(self)
        bar.setObjectName("problemsBar")
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(6, 4, 6, 4)
        bar_layout.setSpacing(4)
        bar_layout.addWidget(self.errors_button)
        bar_layout.addWidget(self.warnings_button)
        bar_layout.addSpacing(8)
        bar_layout.addWidget(self.filter_edit, 1)
        bar_layout.addStretch(1)
        bar_layout.addWidget(self.summary)

        self.view = QTreeView(self)
        self.view.setObjectName("problemsList")
        self.view.setModel(self._filter)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.view.header()
        header.setStretchLastSection(False)
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(MESSAGE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(self._activate)

        self._empty = QLabel("No problems found.", self)
        self._empty.setObjectName("problemsEmpty")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._pages = QStackedWidget(self)
        self._pages.addWidget(self.view)
        self._pages.addWidget(self._empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self._pages, 1)
        self.set_diagnostics([])

    # --- public -----------------------------------------------------------------------------

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Show these diagnostics (replacing the previous ones), keeping sort and filters."""
        self._diagnostics = list(diagnostics)
        self._model.removeRows(0, self._model.rowCount())
        for diagnostic in self._diagnostics:
            self._model.appendRow(self._row(diagnostic))
        self._update_counts()

    def diagnostics(self) -> list[Diagnostic]:
        """Everything shown (before filtering)."""
        return list(self._diagnostics)

    def counts(self) -> tuple[int, int]:
        """(errors, warnings) among all diagnostics."""
        errors = sum(d.severity == "error" for d in self._diagnostics)
        return errors, len(self._diagnostics) - errors

    def visible_diagnostics(self) -> list[Diagnostic]:
        """The diagnostics passing the filters, in display order."""
        rows = range(self._filter.rowCount())
        return [self._filter.index(row, 0).data(_DIAGNOSTIC_ROLE) for row in rows]

    def show_severity(self, severity: str, shown: bool) -> None:
        """Switch a severity's rows on or off (as the toolbar toggles do)."""
        button = self.errors_button if severity == "error" else self.warnings_button
        button.setChecked(shown)

    # --- building ---------------------------------------------------------------------------

    def _toggle(self, severity: str) -> QToolButton:
        button = QToolButton(self)
        button.setCheckable(True)
        button.setChecked(True)
        button.setIcon(severity_icon(severity))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setToolTip(f"Show {severity}s")
        button.toggled.connect(lambda on: self._severity_toggled(severity, on))
        return button

    def _row(self, diagnostic: Diagnostic) -> list[QStandardItem]:
        element = diagnostic.element or ""
        found = self._document.element(element) if self._document and element else None
        label = f"{found.name} ({element})" if found is not None and found.name else element
        texts = (
            "",
            diagnostic.message,
            label or "(orchestration)",
            diagnostic.field or "",
            diagnostic.code,
        )
        items = [QStandardItem(text) for text in texts]
        items[0].setIcon(severity_icon(diagnostic.severity))
        items[0].setToolTip(diagnostic.severity.capitalize())
        items[0].setData(diagnostic, _DIAGNOSTIC_ROLE)
        rank = _SEVERITY_RANK.get(diagnostic.severity, 2)
        items[0].setData(f"{rank}{diagnostic.code}{element}", _SORT_ROLE)
        for item, text in zip(items[1:], texts[1:], strict=True):
            item.setData(text.lower(), _SORT_ROLE)
        items[MESSAGE_COLUMN].setToolTip(diagnostic.message)
        items[2].setIcon(kind_icon(found.type if found is not None else "orchestration"))
        return items

    def _update_counts(self) -> None:
        errors, warnings = self.counts()
        self.errors_button.setText(f"{errors} error{'s' if errors != 1 else ''}")
        self.warnings_button.setText(f"{warnings} warning{'s' if warnings != 1 else ''}")
        shown, total = self._filter.rowCount(), len(self._diagnostics)
        self.summary.setText(f"{shown} of {total} shown" if shown != total else "")
        self._empty.setText("No problems found." if not total else "No problems match the filter.")
        self._pages.setCurrentWidget(self.view if shown else self._empty)

    def _severity_toggled(self, severity: str, shown: bool) -> None:
        (self._filter.severities.add if shown else self._filter.severities.discard)(severity)
        self._filter.invalidate()
        self._update_counts()

    def _text_changed(self, text: str) -> None:
        self._filter.text = text.strip()
        self._filter.invalidate()
        self._update_counts()

    def _activate(self, index: QModelIndex) -> None:
        diagnostic: Diagnostic = self._filter.index(index.row(), 0).data(_DIAGNOSTIC_ROLE)
        self.diagnostic_activated.emit(diagnostic)
        if diagnostic.element:
            self.element_activated.emit(diagnostic.element)
        else:
            self.orchestration_activated.emit()
