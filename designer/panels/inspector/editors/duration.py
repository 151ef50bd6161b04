"""The duration editor: ISO 8601 text (or shorthand like `2d 4h`), checked as you type.

The stored form stays ISO (`P2D`), which is what the file format and the engine read; the
editor accepts the shorthand people type in other tools and shows the length in words.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget

from designer.panels.inspector.editors.base import EditorContext
from designer.panels.inspector.editors.basic import TextFieldEditor
from designer.panels.inspector.fields import FieldSpec
from engine.definition import format_duration, parse_duration

_SHORTHAND = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|min|s)\b", re.IGNORECASE)
_UNIT = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "min": "minutes", "s": "seconds"}
PRESETS = (
    ("30 minutes", "PT30M"),
    ("4 hours", "PT4H"),
    ("1 day", "P1D"),
    ("2 days", "P2D"),
    ("1 week", "P7D"),
)


def to_iso_duration(text: str) -> str:
    """The ISO form of an ISO or shorthand duration (`2d 4h` -> `P2DT4H`).

    Raises:
        ValueError: with the engine's message showing the expected form.
    """
    text = text.strip()
    if text.upper().startswith("P"):
        parse_duration(text.upper())
        return text.upper()
    parts = _SHORTHAND.findall(text)
    if parts and _SHORTHAND.sub("", text).strip() == "":
        delta = timedelta(**{})
        for number, unit in parts:
            delta += timedelta(**{_UNIT[unit.lower()]: float(number)})
        return format_duration(delta)
    parse_duration(text)  # raises with the message that shows the expected form
    return text


def describe_duration(iso: str) -> str:
    """A duration in words: `P1DT12H` -> `1 day 12 hours`."""
    seconds = int(parse_duration(iso).total_seconds())
    words = []
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        count, seconds = divmod(seconds, size)
        if count:
            words.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return " ".join(words) or "no delay"


class DurationFieldEditor(TextFieldEditor):
    """ISO duration text with presets; invalid text is shown and never committed."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.line.setPlaceholderText(
            "e.g. P2D, PT4H or 2d 4h" + (" (none)" if spec.optional else "")
        )
        presets = QToolButton(self)
        presets.setObjectName("durationPresets")
        presets.setText("⋯")
        presets.setToolTip("Common durations")
        presets.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(presets)
        for label, iso in PRESETS:
            action = QAction(label, menu)
            action.triggered.connect(lambda _=False, iso=iso: self._pick(iso))
            menu.addAction(action)
        presets.setMenu(menu)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.body.removeWidget(self.line)
        row.addWidget(self.line, 1)
        row.addWidget(presets)
        self.body.addLayout(row)

    def _show(self, value: Any) -> None:
        super()._show(value)
        self._describe(value)

    def _describe(self, iso: str | None) -> None:
        try:
            self.show_message(f"= {describe_duration(iso)}" if iso else "", "hint")
        except ValueError:
            self.show_message("")

    def _check_text(self, text: str) -> str | None:
        if not text.strip():
            problem = None if self.spec.optional else "A duration is required here."
            self.show_message(problem or "")
            return problem
        try:
            iso = to_iso_duration(text)
        except ValueError as exc:
            self.show_message(str(exc))
            return str(exc)
        self._describe(iso)
        return None

    def _to_value(self, text: str) -> Any:
        return to_iso_duration(text) if text.strip() else None

    def _finish(self) -> None:
        text = self.line.text()
        if self._check_text(text) is None:
            value = self._to_value(text)
            if value is not None and value != text:
                self.line.setText(value)
            self._commit(value)

    def _pick(self, iso: str) -> None:
        self.line.setText(iso)
        self._finish()
