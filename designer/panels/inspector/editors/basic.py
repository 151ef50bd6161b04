"""Editors for plain values: text, multiline text, identifiers, integers, booleans, choices."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from designer.panels.inspector.editors.base import EditorContext, FieldEditor
from designer.panels.inspector.fields import FieldSpec


class TextFieldEditor(FieldEditor):
    """A one-line text; an optional field left empty is stored as None."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.line = self._make_line()
        self.line.setPlaceholderText(spec.placeholder)
        self.line.editingFinished.connect(self._finish)
        self.line.textEdited.connect(self._check_text)
        self.line.installEventFilter(self)
        self.body.addWidget(self.line)
        self.setFocusProxy(self.line)

    def _make_line(self) -> QLineEdit:
        return QLineEdit(self)

    def _show(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.line.text() != text:
            self.line.setText(text)
            self.line.setCursorPosition(0)

    def _to_value(self, text: str) -> Any:
        return None if self.spec.optional and not text.strip() else text

    def _check_text(self, text: str) -> str | None:
        """Complain about `text` while typing; return the complaint (None when fine)."""
        self.show_message("")
        return None

    def _finish(self) -> None:
        text = self.line.text()
        if self._check_text(text) is None:
            self._commit(self._to_value(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Escape gives the stored value back, as in every property editor.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self._has_value
        ):
            self._show(self._value)
            self.show_message("")
            return True
        return super().eventFilter(watched, event)


class IdentifierFieldEditor(TextFieldEditor):
    """An element id: letters, digits and underscores, checked while typing."""

    def _check_text(self, text: str) -> str | None:
        problem = None
        if not text:
            problem = "An ID cannot be empty."
        elif not text.isidentifier():
            problem = "Use letters, digits and underscores; do not start with a digit."
        self.show_message(problem or "")
        return problem


class StringListFieldEditor(TextFieldEditor):
    """A short list of words typed comma-separated (an output's choices)."""

    def _show(self, value: Any) -> None:
        super()._show(", ".join(value or []))

    def _to_value(self, text: str) -> Any:
        words = [w.strip() for w in text.split(",") if w.strip()]
        return words or (None if self.spec.optional else [])


class ValueFieldEditor(TextFieldEditor):
    """Any JSON value (a variable's default): `42`, `true`, `["a"]`; other text is a string."""

    def _show(self, value: Any) -> None:
        if value is None:
            text = ""
        elif isinstance(value, str):
            text = json.dumps(value) if _parses_as_json(value) else value
        else:
            text = json.dumps(value)
        super()._show(text)

    def _to_value(self, text: str) -> Any:
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text


def _parses_as_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class MultilineFieldEditor(FieldEditor):
    """Several lines of text, committed when focus leaves or on Ctrl+Enter."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(spec.placeholder)
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * 4 + 14)
        self.text.installEventFilter(self)
        self.body.addWidget(self.text)
        self.setFocusProxy(self.text)

    def _show(self, value: Any) -> None:
        text = value or ""
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._commit(self.text.toPlainText())
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._commit(self.text.toPlainText())
                return True
        return super().eventFilter(watched, event)


class IntegerFieldEditor(FieldEditor):
    """A whole number within the model's bounds; optional ones offer "Not set" below them."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.spin = QSpinBox(self)
        self.spin.setKeyboardTracking(False)
        low = spec.minimum if spec.minimum is not None else -1_000_000
        self._unset = low - 1 if spec.optional else None
        self.spin.setRange(
            self._unset if self._unset is not None else low, spec.maximum or 1_000_000
        )
        if spec.optional:
            self.spin.setSpecialValueText("Not set")
        self.spin.editingFinished.connect(self._finish)
        self.spin.setMaximumWidth(140)
        self.body.addWidget(self.spin, 0, Qt.AlignmentFlag.AlignLeft)
        self.setFocusProxy(self.spin)

    def _show(self, value: Any) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(self._unset if value is None else int(value))
        self.spin.blockSignals(False)

    def _finish(self) -> None:
        number = self.spin.value()
        self._commit(None if number == self._unset else number)


class BooleanFieldEditor(FieldEditor):
    """A check box carrying the field's label; toggling commits."""

    shows_own_label = True

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.check = QCheckBox(spec.label, self)
        self.check.toggled.connect(self._commit)
        self.body.addWidget(self.check)
        self.setFocusProxy(self.check)

    def _show(self, value: Any) -> None:
        self.check.blockSignals(True)
        self.check.setChecked(bool(value))
        self.check.blockSignals(False)


class ChoiceFieldEditor(FieldEditor):
    """One of the values a `Literal` allows."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.combo = QComboBox(self)
        if spec.optional:
            self.combo.addItem("Not set", None)
        for choice in spec.choices:
            self.combo.addItem(choice.capitalize(), choice)
        self.combo.activated.connect(lambda index: self._commit(self.combo.itemData(index)))
        self.body.addWidget(self.combo)
        self.setFocusProxy(self.combo)

    def _show(self, value: Any) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(value)))
