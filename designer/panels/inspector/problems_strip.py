"""The strip under the inspector's header listing validation problems of the shown element.

Validation names the element and field at fault; showing those problems next to the form
means the admin reads "no assignee" right above the assignee field they are about to fix.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from designer.panels.icons import severity_icon
from engine.validation import Diagnostic


class ProblemsStrip(QFrame):
    """One line per diagnostic; a field link emits `field_chosen(field)`."""

    field_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemsStrip")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 6, 12, 6)
        self._layout.setSpacing(4)
        self._shown: list[Diagnostic] = []
        self.hide()

    def shown(self) -> list[Diagnostic]:
        """The diagnostics listed now."""
        return list(self._shown)

    def show_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """List these (errors first); hide the strip when there are none."""
        ordered = sorted(diagnostics, key=lambda d: d.severity != "error")
        if ordered == self._shown:
            return
        self._shown = ordered
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for diagnostic in ordered:
            self._layout.addWidget(self._row(diagnostic))
        level = "error" if any(d.severity == "error" for d in ordered) else "warning"
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(bool(ordered))

    def _row(self, diagnostic: Diagnostic) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        icon = QLabel(row)
        icon.setPixmap(severity_icon(diagnostic.severity, 14).pixmap(14, 14))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        text = QLabel(row)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        link = ""
        if diagnostic.field:
            field = escape(diagnostic.field)
            words = escape(field_words(diagnostic.field))
            link = f' <a href="{field}" style="color:#6e56cf;">Go to {words}</a>'
        text.setText(f"{escape(diagnostic.message)}{link}")
        text.setToolTip(diagnostic.code)
        text.linkActivated.connect(self.field_chosen)
        layout.addWidget(icon)
        layout.addWidget(text, 1)
        return row


def field_words(field: str) -> str:
    """A diagnostic's field as words: `flows[done].condition` -> `condition of the flow to
    done`, `inputs.payroll_id` -> `inputs: payroll_id`."""
    if field.startswith("flows[") and "]" in field:
        target, _, attribute = field[len("flows[") :].partition("]")
        attribute = attribute.lstrip(".").replace("_", " ")
        return f"{attribute} of the flow to {target}" if attribute else f"the flow to {target}"
    head, _, rest = field.partition(".")
    return head.replace("_", " ") + (f": {rest}" if rest else "")
