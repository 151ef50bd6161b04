"""The table of sub-models (outputs, variables): compact columns plus a detail form.

Columns and the detail form are generated from the item model's fields like the inspector's
own form. Each finished cell edit, detail edit, added, removed or moved row commits the whole
list once, so one user action is one undo step.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHeaderView, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from designer.panels.inspector.editors.base import EditorContext
from designer.panels.inspector.editors.tables import ChoiceDelegate, TableEditor
from designer.panels.inspector.fields import FieldKind, FieldSpec, field_specs

_COMPACT = (FieldKind.CHOICE, FieldKind.BOOLEAN)


class ModelTableFieldEditor(TableEditor):
    """A list of sub-models: compact columns in the table, every field of the selected row
    in a generated detail form under it (a narrow dock has no room for all columns)."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        assert spec.item_model is not None
        self.noun = spec.item_model.__name__.lower()
        super().__init__(spec, context, parent)
        self._model: type[BaseModel] = spec.item_model
        self._data: list[dict[str, Any]] = []
        specs = field_specs(self._model)
        self._columns = [s for s in specs if s.name == "name" or s.kind in _COMPACT]
        self.table.setColumnCount(len(self._columns))
        self.table.setHorizontalHeaderLabels([c.label for c in self._columns])
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, field in enumerate(self._columns):
            header_item = self.table.horizontalHeaderItem(column)
            if header_item is not None and field.help:
                header_item.setToolTip(field.help)
            if field.kind is FieldKind.CHOICE:
                self.table.setItemDelegateForColumn(column, ChoiceDelegate(field.choices, self))
        self._detail_frame = QFrame(self)
        self._detail_frame.setObjectName("subForm")
        frame_layout = QVBoxLayout(self._detail_frame)
        frame_layout.setContentsMargins(10, 4, 0, 4)
        self.detail_title = QLabel(self._detail_frame)
        self.detail_title.setObjectName("detailTitle")
        specs_left = [s for s in specs if s not in self._columns]
        self.detail = context.build_rows(specs_left, self._detail_frame)
        self.detail.committed.connect(self._detail_committed)
        frame_layout.addWidget(self.detail_title)
        frame_layout.addWidget(self.detail)
        self.body.addWidget(self._detail_frame)
        self.table.itemSelectionChanged.connect(self._show_detail)
        self._show_detail()

    def _show(self, value: Any) -> None:
        rows = [dict(row) for row in value or []]
        if len(rows) == len(self._data) and rows == self._rows():
            # The table already shows this (the document caught up with a cell edit): leave
            # it alone, or the rebuild would pull the cell editor from under the view.
            self._data = rows
            self._show_detail()
            return
        selected = self._selected_row()
        self._data = rows
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for row, data in enumerate(self._data):
            self.table.insertRow(row)
            for column, field in enumerate(self._columns):
                self.table.setItem(row, column, _cell(field, data.get(field.name)))
        self.table.blockSignals(False)
        self._fit_height()
        if 0 <= selected < len(self._data):
            self.table.selectRow(selected)
        self._show_detail()

    def _selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def select_row(self, row: int) -> None:
        """Select a row so its fields show in the detail form."""
        self.table.selectRow(row)

    def _show_detail(self) -> None:
        row = self._selected_row()
        shown = 0 <= row < len(self._data)
        self._detail_frame.setVisible(shown)
        if shown:
            name = self._data[row].get("name") or f"{self.noun} {row + 1}"
            self.detail_title.setText(f"{self.noun.capitalize()} “{name}”")
            self.detail.set_values(self._data[row])

    def _rows(self) -> list[dict[str, Any]]:
        rows = []
        for row, original in enumerate(self._data):
            data = dict(original)
            for column, field in enumerate(self._columns):
                data[field.name] = _cell_value(field, self.table.item(row, column))
            rows.append(data)
        return rows

    def _detail_committed(self, name: str, value: Any) -> None:
        row = self._selected_row()
        if 0 <= row < len(self._data):
            rows = self._rows()
            rows[row] = {**rows[row], name: value}
            self._commit_rows(rows)

    def _remove_row(self) -> None:
        rows, row = self._rows(), self._selected_row()
        row = row if row >= 0 else len(rows) - 1
        if 0 <= row < len(rows):
            self._commit_rows(rows[:row] + rows[row + 1 :])

    def _commit_rows(self, rows: list[dict[str, Any]]) -> None:
        for number, row in enumerate(rows, start=1):
            try:
                self._model.model_validate(row)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                self.show_message(f"{self.noun.capitalize()} {number}, {where}: {first['msg']}")
                return
        names = [row.get("name") for row in rows]
        if len(set(names)) < len(names):
            self.show_message(f"Two {self.noun}s have the same name.")
            return
        self.show_message("")
        self._commit(rows)

    def _new_row(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        name = self._unique_name(self.noun, {r.get("name") for r in rows})
        return self._model(name=name).model_dump()

    def _add_row(self) -> None:
        super()._add_row()
        self.table.selectRow(self.table.rowCount() - 1)


def _cell(field: FieldSpec, value: Any) -> QTableWidgetItem:
    item = QTableWidgetItem()
    if field.kind is FieldKind.BOOLEAN:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
        item.setFlags(flags | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
    else:
        item.setText("" if value is None else str(value))
    return item


def _cell_value(field: FieldSpec, item: QTableWidgetItem | None) -> Any:
    if item is None:
        return None
    if field.kind is FieldKind.BOOLEAN:
        return item.checkState() == Qt.CheckState.Checked
    return item.text().strip()
