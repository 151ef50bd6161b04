"""Expression fields: syntax checked as you type, names completed from the document.

Completion works on the word under the cursor (`contract.de|` offers `contract.decision`),
not on the whole line, because an expression mixes names with operators and literals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from designer.panels.inspector.editors.basic import TextFieldEditor
from engine.errors import ExpressionError
from engine.expressions import FUNCTIONS, RESERVED_NAMES, names_read, parse

_WORD_BEFORE_CURSOR = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*$")


def check_expression(text: str, known: Iterable[str]) -> tuple[str, str]:
    """(level, message) about an expression: a syntax error, or names nobody defines."""
    try:
        parse(text)
        unknown = sorted(names_read(text) - set(known) - RESERVED_NAMES)
    except ExpressionError as exc:
        return "error", exc.message + (f" — {exc.hint}" if exc.hint else "")
    if unknown:
        listed = ", ".join(repr(n) for n in unknown)
        return "warning", f"{listed}: not a variable or step id here."
    return "", ""


class ExpressionLineEdit(QLineEdit):
    """A line edit completing variable, step and output names at the cursor."""

    def __init__(self, names: Callable[[], list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names = names
        self._word_start = 0
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setWidget(self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self._completer.activated.connect(self._insert)
        self.textEdited.connect(lambda _text: self.update_completion())
        font = self.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.setFont(font)

    def name_completer(self) -> QCompleter:
        """The completer (its popup lists what matches the word under the cursor)."""
        return self._completer

    def update_completion(self, show_all: bool = False) -> None:
        """Offer names matching the word before the cursor (all names when `show_all`)."""
        before = self.text()[: self.cursorPosition()]
        match = _WORD_BEFORE_CURSOR.search(before)
        prefix = match.group(0) if match else ""
        self._word_start = match.start() if match else len(before)
        popup = self._completer.popup()
        if not prefix and not show_all:
            popup.hide()
            return
        self._model.setStringList(sorted(set(self._names()) | set(FUNCTIONS) | RESERVED_NAMES))
        self._completer.setCompletionPrefix(prefix)
        count = self._completer.completionCount()
        if count == 0 or (count == 1 and self._completer.currentCompletion() == prefix):
            popup.hide()
            return
        popup.setCurrentIndex(self._completer.completionModel().index(0, 0))
        rect = self.cursorRect()
        rect.setWidth(max(180, popup.sizeHintForColumn(0) + 24))
        self._completer.complete(rect)

    def _insert(self, completion: str) -> None:
        cursor = self.cursorPosition()
        text = self.text()
        self.setText(text[: self._word_start] + completion + text[cursor:])
        self.setCursorPosition(self._word_start + len(completion))
        self.textEdited.emit(self.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Tab)
        if self._completer.popup().isVisible() and event.key() in keys:
            event.ignore()  # the completer's popup takes these
            return
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() == Qt.Key.Key_Space:
            self.update_completion(show_all=True)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self._completer.popup().hide()
        super().focusOutEvent(event)


class ExpressionFieldEditor(TextFieldEditor):
    """An expression: parse errors block the commit; unknown names only warn."""

    def _make_line(self) -> QLineEdit:
        line = ExpressionLineEdit(self.context.names, self)
        line.setToolTip("Ctrl+Space lists variables, step ids and outputs")
        return line

    def _show(self, value: Any) -> None:
        super()._show(value)
        if value:
            self._check_text(value)

    def _check_text(self, text: str) -> str | None:
        if not text.strip():
            self.show_message("")
            return None
        level, message = check_expression(text, self._known_roots())
        self.show_message(message, level)
        return message if level == "error" else None

    def _known_roots(self) -> set[str]:
        return {name.split(".", 1)[0] for name in self.context.names()}
