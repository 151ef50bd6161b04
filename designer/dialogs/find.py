"""Find element: type part of a name or id, press Enter, and the element is selected.

Matching is forgiving the way editors' "go to symbol" boxes are: an exact id or name comes
first, then prefixes, then substrings, then names that contain the typed letters in order
(`hrpw` finds "HR paperwork").
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from designer.document import Document
from designer.panels.icons import KIND_LABELS, kind_icon
from engine.definition import StageNode

MAX_SHOWN = 200
_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_DETAIL_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class ElementEntry:
    """One findable element: its id, name, kind and (for steps) its stage's name."""

    id: str
    name: str
    kind: str
    stage: str = ""


def element_entries(document: Document) -> list[ElementEntry]:
    """Every node and step of the document, in document order."""
    entries = []
    for node in document.definition.nodes:
        entries.append(ElementEntry(node.id, node.name, node.type))
        if isinstance(node, StageNode):
            stage = node.name or node.id
            entries.extend(ElementEntry(s.id, s.name, s.type, stage) for s in node.steps)
    return entries


def match_score(query: str, entry: ElementEntry) -> int | None:
    """How well `entry` matches (lower is better), or None when it does not match at all."""
    query = query.strip().lower()
    if not query:
        return 5
    best = None
    for text in (entry.id.lower(), entry.name.lower()):
        if not text:
            continue
        if text == query:
            score = 0
        elif text.startswith(query) or any(w.startswith(query) for w in text.split()):
            score = 1
        elif query in text:
            score = 2
        elif _in_order(query.replace(" ", ""), text):
            score = 3
        else:
            continue
        best = score if best is None else min(best, score)
    return best


def _in_order(letters: str, text: str) -> bool:
    remaining = iter(text)
    return all(letter in remaining for letter in letters)


def rank_elements(query: str, entries: list[ElementEntry]) -> list[ElementEntry]:
    """The entries matching `query`, best first; among equals the shorter id, then document
    order (`lap` puts `laptop` before `laptop_needed`)."""
    scored = [
        (match_score(query, e), len(e.id) if query else 0, i, e) for i, e in enumerate(entries)
    ]
    return [e for *_key, e in sorted((s for s in scored if s[0] is not None), key=lambda s: s[:3])]


class _ResultDelegate(QStyledItemDelegate):
    """Title in the normal colour, then the id, kind and stage in grey on the same line."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        title, detail = option.text, index.data(_DETAIL_ROLE) or ""
        option.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        text_rect = style.subElementRect(
            QStyle.SubElement.SE_ItemViewItemText, option, option.widget
        ).adjusted(4, 0, -4, 0)
        painter.save()
        painter.setPen(QColor("#1f2430"))
        metrics = option.fontMetrics
        title = metrics.elidedText(title, Qt.TextElideMode.ElideRight, text_rect.width() // 2)
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        painter.drawText(text_rect, flags, title)
        rest = text_rect.adjusted(metrics.horizontalAdvance(title) + 12, 0, 0, 0)
        painter.setPen(QColor("#6b7280"))
        detail = metrics.elidedText(detail, Qt.TextElideMode.ElideRight, rest.width())
        painter.drawText(rest, flags, detail)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 12))


class FindElementDialog(QDialog):
    """A filter box over the document's elements; Enter or double-click chooses one."""

    element_chosen = Signal(str)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Find element")
        self.setMinimumWidth(460)
        self._entries = element_entries(document)
        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Name or ID of a stage, step or decision")
        self.query.setClearButtonEnabled(True)
        self.query.installEventFilter(self)
        self.query.textChanged.connect(self._refilter)
        self._model = QStandardItemModel(self)
        self.results = QListView(self)
        self.results.setModel(self._model)
        self.results.setItemDelegate(_ResultDelegate(self.results))
        self.results.setStyleSheet(
            "QListView { selection-background-color: #ede9fe; border: 1px solid #c9ced6; }"
        )
        self.results.setUniformItemSizes(True)
        self.results.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.results.activated.connect(lambda index: self._choose(index.row()))
        self.status = QLabel(self)
        self.status.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self.resize(520, 420)
        self._refilter("")

    def shown_ids(self) -> list[str]:
        """Ids listed now, best match first."""
        return [self._model.item(r).data(_ID_ROLE) for r in range(self._model.rowCount())]

    def _refilter(self, text: str) -> None:
        matches = rank_elements(text, self._entries)
        self._model.clear()
        for entry in matches[:MAX_SHOWN]:
            kind = KIND_LABELS.get(entry.kind, entry.kind)
            where = f" · in {entry.stage}" if entry.stage else ""
            title = entry.name or entry.id
            detail = f"{entry.id} · {kind}{where}" if entry.name else f"{kind}{where}"
            item = QStandardItem(kind_icon(entry.kind), title)
            item.setData(entry.id, _ID_ROLE)
            item.setData(detail, _DETAIL_ROLE)
            item.setToolTip(detail)
            self._model.appendRow(item)
        if self._model.rowCount():
            self.results.setCurrentIndex(self._model.index(0, 0))
        more = f" (first {MAX_SHOWN} shown)" if len(matches) > MAX_SHOWN else ""
        self.status.setText(f"{len(matches)} of {len(self._entries)} elements{more}")

    def _choose(self, row: int) -> None:
        if 0 <= row < self._model.rowCount():
            self.element_chosen.emit(self._model.item(row).data(_ID_ROLE))
            self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Arrows and Enter in the filter box drive the list, so hands stay on the keys.
        if watched is self.query and isinstance(event, QKeyEvent):
            if event.type() != QEvent.Type.KeyPress:
                return super().eventFilter(watched, event)
            key, row = event.key(), self.results.currentIndex().row()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                target = max(0, min(self._model.rowCount() - 1, row + step))
                self.results.setCurrentIndex(self._model.index(target, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose(max(row, 0))
                return True
        return super().eventFilter(watched, event)
