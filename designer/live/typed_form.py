"""`TypedForm`: a form generated from declared fields (run inputs, step outputs).

Each field gets the widget its type asks for: text (or choices as radio buttons / a combo),
number, boolean, date, date-time, JSON. Required fields are marked, defaults filled in, and
problems are shown under the field they concern, never in a dialog of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from designer.live.editors import FieldEditor, FieldSpec, make_editor
from designer.runs.formatting import overdue_text_color

__all__ = ["FieldSpec", "TypedForm"]


class TypedForm(QWidget):
    """Widgets for a list of fields, reading back typed values.

    Args:
        fields: what to ask for, in order.
        today: the date pre-filled in required date fields without a default.
    """

    def __init__(
        self, fields: list[FieldSpec], today: datetime | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.fields = list(fields)
        self._editors: dict[str, FieldEditor] = {}
        self._errors: dict[str, QLabel] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout.setVerticalSpacing(6)
        for spec in self.fields:
            editor = make_editor(spec, today)
            self._editors[spec.name] = editor
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(editor.widget)
            if spec.description:
                hint = QLabel(spec.description)
                hint.setWordWrap(True)
                hint.setStyleSheet("color: palette(placeholder-text); font-size: 11px;")
                column.addWidget(hint)
            error = QLabel()
            error.setObjectName(f"error_{spec.name}")
            error.setStyleSheet(f"color: {overdue_text_color().name()};")  # reads in Dark too
            error.setWordWrap(True)
            error.hide()
            column.addWidget(error)
            self._errors[spec.name] = error
            red = overdue_text_color().name()
            mark = f' <span style="color:{red}">*</span>' if spec.required else ""
            label = QLabel(f"{spec.title}{mark}")
            label.setToolTip(f"{spec.name} ({spec.type}{', required' if spec.required else ''})")
            layout.addRow(label, cell)

    def editor(self, name: str) -> QWidget:
        """The input widget of a field (tests type into it)."""
        return self._editors[name].widget

    def values(self) -> dict[str, Any] | None:
        """The typed values, or None after marking every field that is missing or invalid."""
        self.clear_errors()
        values: dict[str, Any] = {}
        ok = True
        for spec in self.fields:
            try:
                value = self._editors[spec.name].value()
            except ValueError as exc:
                self.show_error(spec.name, str(exc))
                ok = False
                continue
            if spec.required and value in (None, ""):
                self.show_error(spec.name, "Required.")
                ok = False
                continue
            if value is not None:
                values[spec.name] = value
        return values if ok else None

    def show_error(self, name: str, message: str) -> None:
        """Show a problem under one field."""
        label = self._errors[name]
        label.setText(message)
        label.show()

    def clear_errors(self) -> None:
        """Hide every field's problem."""
        for label in self._errors.values():
            label.clear()
            label.hide()

    def show_refusal(self, message: str) -> bool:
        """Put an engine refusal (`...refused: name: why; other: why`) under its fields.

        Returns:
            Whether at least one part named a field of this form.
        """
        body = message.split("refused: ", 1)[-1].split(" (", 1)[0]
        placed = False
        for part in body.split("; "):
            name, sep, why = part.partition(": ")
            if sep and name in self._errors:
                self.show_error(name, why[:1].upper() + why[1:])
                placed = True
        return placed
