"""Editors for a sub-model: an optional one (a retry policy) and a union (the trigger)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFrame, QVBoxLayout, QWidget

from designer.panels.inspector.editors.base import EditorContext, FieldEditor
from designer.panels.inspector.fields import VARIANT_HELP, FieldSpec, field_specs


class _SubForm(QFrame):
    """An indented frame holding the sub-model's generated rows."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("subForm")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(10, 8, 4, 8)


class NestedFieldEditor(FieldEditor):
    """An optional sub-model: a check box turns it on, its fields appear below."""

    shows_own_label = True

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        assert spec.item_model is not None
        self._model = spec.item_model
        self.enabled = QCheckBox(spec.label if spec.optional else "", self)
        self.enabled.setVisible(spec.optional)
        self.enabled.toggled.connect(self._toggled)
        self.body.addWidget(self.enabled)
        self._frame = _SubForm(self)
        self.rows = context.build_rows(field_specs(self._model), self._frame)
        self.rows.committed.connect(self._field_committed)
        self._frame.layout_.addWidget(self.rows)
        self.body.addWidget(self._frame)
        self.setFocusProxy(self.enabled)

    def _show(self, value: Any) -> None:
        self.enabled.blockSignals(True)
        self.enabled.setChecked(value is not None)
        self.enabled.blockSignals(False)
        self._frame.setVisible(value is not None or not self.spec.optional)
        self.rows.set_values(value or self._model.model_construct().model_dump())

    def _toggled(self, on: bool) -> None:
        self._commit(self._model.model_construct().model_dump() if on else None)

    def _field_committed(self, name: str, value: Any) -> None:
        self._commit({**(self._value or {}), name: value})


class VariantFieldEditor(FieldEditor):
    """One of several sub-models chosen by `type` (manual, record, schedule triggers)."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.kind = QComboBox(self)
        for tag in spec.variants:
            self.kind.addItem(tag.capitalize(), tag)
            self.kind.setItemData(
                self.kind.count() - 1, VARIANT_HELP.get(tag, ""), Qt.ItemDataRole.ToolTipRole
            )
        self.kind.activated.connect(self._kind_picked)
        self.body.addWidget(self.kind)
        self._frame = _SubForm(self)
        self.body.addWidget(self._frame)
        self._rows: Any = None
        self._rows_tag: str | None = None
        self.setFocusProxy(self.kind)

    def current_rows(self) -> Any:
        """The rows of the chosen variant (None for a variant without fields)."""
        return self._rows

    def _show(self, value: Any) -> None:
        tag = (value or {}).get("type")
        self.kind.setCurrentIndex(max(0, self.kind.findData(tag)))
        if tag != self._rows_tag:
            if self._rows is not None:
                self._rows.deleteLater()
            specs = field_specs(self.spec.variants[tag]) if tag in self.spec.variants else []
            self._rows = self.context.build_rows(specs, self._frame) if specs else None
            if self._rows is not None:
                self._rows.committed.connect(self._field_committed)
                self._frame.layout_.addWidget(self._rows)
            self._rows_tag = tag
        self._frame.setVisible(self._rows is not None)
        if self._rows is not None:
            self._rows.set_values(value or {})
        self.show_message(VARIANT_HELP.get(tag or "", ""), "hint")

    def _kind_picked(self, _index: int) -> None:
        tag = self.kind.currentData()
        if tag != (self._value or {}).get("type"):
            self._commit(self.spec.variants[tag](type=tag).model_dump())

    def _field_committed(self, name: str, value: Any) -> None:
        self._commit({**(self._value or {}), name: value})
