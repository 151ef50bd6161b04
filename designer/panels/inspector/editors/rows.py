"""A column of labelled field editors, used by the form's sections and by nested editors."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from designer.panels.inspector.editors import factory
from designer.panels.inspector.editors.base import EditorContext, FieldEditor
from designer.panels.inspector.fields import FieldSpec


class FieldRows(QWidget):
    """Label above editor, one pair per field; `committed(field, value)` for any of them."""

    committed = Signal(str, object)

    def __init__(
        self,
        specs: list[FieldSpec],
        context: EditorContext,
        parent: QWidget | None = None,
        *,
        title: str = "",
    ) -> None:
        """`title` is the heading above these rows; a field labelled the same needs no label."""
        super().__init__(parent)
        context = replace(context, rows=FieldRows)  # nested editors build their rows with it
        self._editors: dict[str, FieldEditor] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        for spec in specs:
            editor = factory.create_editor(spec, context, self)
            editor.setToolTip(spec.help)
            (editor.focusProxy() or editor).setAccessibleName(spec.label)
            editor.committed.connect(lambda value, name=spec.name: self.committed.emit(name, value))
            pair = QVBoxLayout()
            pair.setSpacing(3)
            if not editor.shows_own_label and spec.label != title:
                label = QLabel(spec.label, self)
                label.setObjectName("fieldLabel")
                label.setBuddy(editor.focusProxy() or editor)
                label.setToolTip(spec.help)
                pair.addWidget(label)
            pair.addWidget(editor)
            layout.addLayout(pair)
            self._editors[spec.name] = editor

    def editor(self, name: str) -> FieldEditor | None:
        """The editor of a field, or None when this column has no such field."""
        return self._editors.get(name)

    def editors(self) -> dict[str, FieldEditor]:
        """Every editor by field name."""
        return dict(self._editors)

    def set_values(self, data: dict[str, Any]) -> None:
        """Show a model's dumped data; editors whose value did not change are left alone."""
        for name, editor in self._editors.items():
            editor.set_value(data.get(name))
