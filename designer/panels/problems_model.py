"""The table model behind the problems panel: filtering and sorting done in Python lists.

A validation of a big diagram can report thousands of problems after every edit. Building
items for each (QStandardItemModel) or letting a proxy call `data()` for every comparison
costs hundreds of milliseconds on the UI thread; keeping the rows as a plain list, sorted
and filtered with `list.sort` and a comprehension, makes a refresh a model reset.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from designer.document import Document
from designer.panels.icons import kind_icon, severity_icon
from engine.validation import Diagnostic

# The message leads: it is what people read; code and field are for looking things up.
COLUMNS = ("", "Message", "Element", "Field", "Code")
MESSAGE_COLUMN, ELEMENT_COLUMN = 1, 2
DIAGNOSTIC_ROLE = Qt.ItemDataRole.UserRole + 1
_SEVERITY_RANK = {"error": 0, "warning": 1}
_Index = QModelIndex | QPersistentModelIndex


class ProblemsModel(QAbstractTableModel):
    """The diagnostics passing the filters, in the chosen order."""

    def __init__(self, document: Document | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._document = document
        self._all: list[Diagnostic] = []
        self._rows: list[Diagnostic] = []
        self._labels: dict[str, tuple[str, str]] = {}
        self.severities = {"error", "warning"}
        self.text = ""
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    # --- content ----------------------------------------------------------------------------

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Replace every diagnostic, keeping filters and order."""
        self._all = list(diagnostics)
        self._labels.clear()
        self.refilter()

    def all(self) -> list[Diagnostic]:
        """Every diagnostic, filtered or not."""
        return list(self._all)

    def rows(self) -> list[Diagnostic]:
        """The diagnostics shown, in display order."""
        return list(self._rows)

    def refilter(self) -> None:
        """Apply the severity and text filters and the sort order again."""
        words = self.text.lower().split()
        self.beginResetModel()
        self._rows = [d for d in self._all if d.severity in self.severities and _matches(d, words)]
        self._rows.sort(key=self._sort_key, reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    # --- Qt model ---------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        diagnostic, column = self._rows[index.row()], index.column()
        if role == DIAGNOSTIC_ROLE:
            return diagnostic
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(diagnostic)[column]
        if role == Qt.ItemDataRole.DecorationRole:
            if column == 0:
                return severity_icon(diagnostic.severity)
            if column == ELEMENT_COLUMN:
                return kind_icon(self._label(diagnostic.element)[1])
        if role == Qt.ItemDataRole.ToolTipRole:
            return diagnostic.severity.capitalize() if column == 0 else diagnostic.message
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._rows.sort(key=self._sort_key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    # --- helpers ----------------------------------------------------------------------------

    def _texts(self, d: Diagnostic) -> tuple[str, str, str, str, str]:
        return ("", d.message, self._label(d.element)[0], d.field or "", d.code)

    def _label(self, element: str | None) -> tuple[str, str]:
        """(text, kind) shown for an element id; cached per set of diagnostics."""
        key = element or ""
        if key not in self._labels:
            found = self._document.element(key) if self._document and key else None
            if not key:
                self._labels[key] = ("(orchestration)", "orchestration")
            elif found is None:
                self._labels[key] = (key, "flow")
            else:
                text = f"{found.name} ({key})" if found.name else key
                self._labels[key] = (text, found.type)
        return self._labels[key]

    def _sort_key(self, d: Diagnostic) -> tuple:
        column = self._sort[0]
        rank = _SEVERITY_RANK.get(d.severity, 2)
        if column == 0:
            return (rank, d.code, d.element or "")
        return (self._texts(d)[column].lower(), rank)


def _matches(diagnostic: Diagnostic, words: list[str]) -> bool:
    if not words:
        return True
    parts = (diagnostic.code, diagnostic.element, diagnostic.field, diagnostic.message)
    haystack = " ".join(p or "" for p in parts).lower()
    return all(word in haystack for word in words)
