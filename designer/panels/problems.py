"""The problems panel: every diagnostic of the document, sortable and filterable.

Activating a row (double-click or Enter) emits `element_activated(id)`; the main window
selects and centres that element. Problems of the orchestration as a whole (no element)
emit `orchestration_activated` instead, so the window can show its properties.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
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
from designer.panels.icons import severity_icon
from designer.panels.problems_model import DIAGNOSTIC_ROLE, MESSAGE_COLUMN, ProblemsModel
from designer.panels.themed import themed_style
from engine.validation import Diagnostic

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


class ProblemsPanel(QWidget):
    """A table of diagnostics with severity toggles, a text filter and counts."""

    element_activated = Signal(str)
    orchestration_activated = Signal()
    diagnostic_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, document: Document | None = None) -> None:
        """With a `document`, elements are shown by name and kind icon, not by id alone."""
        super().__init__(parent)
        self.setObjectName("problemsPanel")
        self.restyle()
        self._model = ProblemsModel(document, self)

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
        self.view.setModel(self._model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.view.header()
        header.setStretchLastSection(False)
        # Size columns from the first rows only: measuring thousands costs a frame or ten.
        header.setResizeContentsPrecision(40)
        for column in range(self._model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(MESSAGE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(self._activate)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction("Copy", self.view)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_selected)
        self.view.addAction(copy)

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

    def restyle(self, dark: bool = False) -> None:
        """Colours of the light or the dark palette."""
        self.setStyleSheet(themed_style(_STYLE, dark))

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Show these diagnostics (replacing the previous ones), keeping sort and filters."""
        self._model.set_diagnostics(diagnostics)
        self._update_counts()

    def diagnostics(self) -> list[Diagnostic]:
        """Everything shown (before filtering)."""
        return self._model.all()

    def counts(self) -> tuple[int, int]:
        """(errors, warnings) among all diagnostics."""
        everything = self._model.all()
        errors = sum(d.severity == "error" for d in everything)
        return errors, len(everything) - errors

    def visible_diagnostics(self) -> list[Diagnostic]:
        """The diagnostics passing the filters, in display order."""
        return self._model.rows()

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

    def _update_counts(self) -> None:
        errors, warnings = self.counts()
        self.errors_button.setText(f"{errors} error{'s' if errors != 1 else ''}")
        self.warnings_button.setText(f"{warnings} warning{'s' if warnings != 1 else ''}")
        shown, total = self._model.rowCount(), len(self._model.all())
        self.summary.setText(f"{shown} of {total} shown" if shown != total else "")
        self._empty.setText("No problems found." if not total else "No problems match the filter.")
        self._pages.setCurrentWidget(self.view if shown else self._empty)

    def _severity_toggled(self, severity: str, shown: bool) -> None:
        severities = self._model.severities
        (severities.add if shown else severities.discard)(severity)
        self._model.refilter()
        self._update_counts()

    def _text_changed(self, text: str) -> None:
        self._model.text = text.strip()
        self._model.refilter()
        self._update_counts()

    def copy_selected(self) -> str:
        """Put the selected problems on the clipboard, one CLI-style line each; returns it."""
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        shown = self._model.rows()
        text = "\n".join(shown[row].format_line() for row in rows)
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def _activate(self, index: QModelIndex) -> None:
        diagnostic: Diagnostic = self._model.index(index.row(), 0).data(DIAGNOSTIC_ROLE)
        # Element first (the window selects and centres it), then the whole diagnostic, so a
        # listener can refine that: select the flow a flow problem names, focus the field.
        if diagnostic.element:
            self.element_activated.emit(diagnostic.element)
        else:
            self.orchestration_activated.emit()
        self.diagnostic_activated.emit(diagnostic)
