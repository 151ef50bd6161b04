"""The editor of an end's outcome: pick `completed`, `rejected` or `failed`, or type a name
of your own (checked as you type, like validation's `end-outcome` rule)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget

from designer.panels.inspector.editors.base import EditorContext, FieldEditor
from designer.panels.inspector.editors.basic import TextFieldEditor
from designer.panels.inspector.fields import FieldSpec
from engine.definition import OUTCOMES
from engine.validation.fault_rules import OUTCOME_NAME


class OutcomeFieldEditor(TextFieldEditor):
    """An editable combo box: the usual outcomes listed, any short name accepted."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        FieldEditor.__init__(self, spec, context, parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.addItems(OUTCOMES)
        self.line = self.combo.lineEdit()
        self.line.setPlaceholderText(spec.placeholder)
        self.line.editingFinished.connect(self._finish)
        self.line.textEdited.connect(self._check_text)
        self.line.installEventFilter(self)
        self.combo.activated.connect(lambda _index: self._finish())
        self.body.addWidget(self.combo)
        self.setFocusProxy(self.combo)

    def _show(self, value: Any) -> None:
        super()._show("completed" if value in (None, "") else value)

    def _check_text(self, text: str) -> str | None:
        if OUTCOME_NAME.fullmatch(text) is None:
            complaint = "a short name: letters, digits, _ and - (e.g. rejected)"
            self.show_message(complaint)
            return complaint
        self.show_message("")
        return None
