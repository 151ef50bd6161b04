"""Table editors: the shared frame (add / remove / move) and the name -> expression mapping.

Each finished cell edit, added, removed or moved row commits the whole list once, so one
user action is one undo step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from designer.panels.inspector.editors.base import EditorContext, FieldEditor
from designer.panels.inspector.editors.expression import ExpressionLineEdit, check_expression
from designer.panels.inspector.fields import FieldSpec

_Index = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a combo box of the column's allowed values."""

    def __init__(self, choices: tuple[str, ...], parent: QWidget) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(list(self._choices))
        combo.activated.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data()))
        editor.showPopup()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText())


class _ExpressionDelegate(QStyledItemDelegate):
    """Edits a cell with the completing expression line edit."""

    def __init__(self, context: EditorContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        line = ExpressionLineEdit(self._context.names, parent)
        line.textChanged.connect(lambda text: self._mark(line, text))
        return line

    def _mark(self, line: ExpressionLineEdit, text: str) -> None:
        # Syntax is checked as the cell is typed in, like the expression fields of the form.
        level, message = check_expression(text or "None", ())
        invalid = level == "error"
        line.setToolTip(message if invalid else "Ctrl+Space lists names")
        if line.property("invalid") != invalid:
            line.setProperty("invalid", invalid)
            line.style().unpolish(line)
            line.style().polish(line)


class _InputNameDelegate(QStyledItemDelegate):
    """Edits an input's name, completing the names the step's action declares."""

    def __init__(self, context: EditorContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        line = QLineEdit(parent)
        offered = self._context.action_inputs()
        if offered:
            completer = QCompleter(offered, line)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            line.setCompleter(completer)
            line.setToolTip("This action takes: " + ", ".join(offered))
        return line


class TableEditor(FieldEditor):
    """Shared frame: a table with add / remove / move buttons under it."""

    noun = "row"

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.table = QTableWidget(self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.itemChanged.connect(self._cell_changed)
        self.body.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(2)
        self.add_button = self._button(f"+ Add {self.noun}", f"Add {self.noun}", self._add_row)
        self.remove_button = self._button(
            "\N{MINUS SIGN}", f"Remove the selected {self.noun}", self._remove_row
        )
        up = self._button("↑", "Move up", lambda: self._move_row(-1))
        down = self._button("↓", "Move down", lambda: self._move_row(1))
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        for button in (self.remove_button, up, down):
            buttons.addWidget(button)
        self.body.addLayout(buttons)
        self.setFocusProxy(self.table)

    def _button(self, text: str, tip: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def _input_widgets(self) -> list[QWidget]:
        return [self.table]

    def _fit_height(self) -> None:
        # From size hints, not geometry: a cached form may be measured while hidden.
        header = self.table.horizontalHeader().sizeHint().height()
        row_height = self.table.verticalHeader().defaultSectionSize()
        rows = max(1, min(self.table.rowCount(), 8))
        bar = 0
        if self.table.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            bar = self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(header + rows * row_height + bar + 2 * self.table.frameWidth())

    def _selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else self.table.rowCount() - 1

    # Subclasses turn rows into the stored value and back.
    def _rows(self) -> list[Any]:
        raise NotImplementedError

    def _commit_rows(self, rows: list[Any]) -> None:
        raise NotImplementedError

    def _new_row(self, rows: list[Any]) -> Any:
        raise NotImplementedError

    def _cell_changed(self, _item: QTableWidgetItem) -> None:
        self._commit_rows(self._rows())

    def _add_row(self) -> None:
        rows = self._rows()
        self._commit_rows([*rows, self._new_row(rows)])

    def _remove_row(self) -> None:
        rows, row = self._rows(), self._selected_row()
        if 0 <= row < len(rows):
            self._commit_rows(rows[:row] + rows[row + 1 :])

    def _move_row(self, delta: int) -> None:
        rows, row = self._rows(), self._selected_row()
        target = row + delta
        if 0 <= row < len(rows) and 0 <= target < len(rows):
            rows[row], rows[target] = rows[target], rows[row]
            self._commit_rows(rows)
            self.table.selectRow(target)

    def _unique_name(self, stem: str, taken: set[str]) -> str:
        n = 1
        while f"{stem}_{n}" in taken:
            n += 1
        return f"{stem}_{n}"


class MappingFieldEditor(TableEditor):
    """Named expressions (a background step's inputs): Name | Expression."""

    noun = "input"

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.table.setColumnCount(2)
        self.table.setHorizontalHeaderLabels(["Name", "Expression"])
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setItemDelegateForColumn(0, _InputNameDelegate(context, self))
        self.table.setItemDelegateForColumn(1, _ExpressionDelegate(context, self))

    def _show(self, value: Any) -> None:
        if list((value or {}).items()) == self._rows():
            return  # already shown (a cell edit came back from the document): keep the editor
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for row, (name, expression) in enumerate((value or {}).items()):
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(name))
            self.table.setItem(row, 1, QTableWidgetItem(expression))
        self.table.blockSignals(False)
        self.table.resizeColumnToContents(0)
        self._fit_height()

    def _rows(self) -> list[tuple[str, str]]:
        cells = (
            (self.table.item(r, 0), self.table.item(r, 1)) for r in range(self.table.rowCount())
        )
        return [(a.text().strip() if a else "", b.text() if b else "") for a, b in cells]

    def _commit_rows(self, rows: list[tuple[str, str]]) -> None:
        names = [name for name, _ in rows]
        known = {n.split(".", 1)[0] for n in self.context.names()}
        problem = next((f"Input {i}: give it a name." for i, n in enumerate(names, 1) if not n), "")
        if not problem and len(set(names)) < len(names):
            problem = "Two inputs have the same name."
        for name, expression in rows:
            if problem:
                break
            level, message = check_expression(expression or "None", known)
            if level == "error":
                problem = f"{name}: {message}"
        if problem:
            self.show_message(problem)
            return
        self.show_message("")
        self._commit(dict(rows))

    def _new_row(self, rows: list[tuple[str, str]]) -> tuple[str, str]:
        taken = {name for name, _ in rows}
        # The next input the action declares and the step does not set yet, if any.
        declared = next((n for n in self.context.action_inputs() if n not in taken), None)
        return declared or self._unique_name("input", taken), "None"
