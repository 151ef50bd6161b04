"""One input widget per declared type, reading back a value the engine accepts.

Optional number, date and date-time fields without a default get a "set" box: a spin box
or a date edit always holds some value, and an unset optional field must stay unset
rather than become 0 or today.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTimeZone
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

RADIO_LIMIT = 4
"""Up to this many choices show as radio buttons (all visible at once); more as a combo."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of a generated form."""

    name: str
    type: str = "text"
    label: str = ""
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    description: str = ""

    @property
    def title(self) -> str:
        """The label shown to people."""
        return self.label or self.name.replace("_", " ").capitalize()

    @classmethod
    def from_variable(cls, variable: Any) -> FieldSpec:
        """From an input `Variable` of a definition."""
        return cls(
            name=variable.name,
            type=variable.type,
            required=variable.required,
            default=variable.default,
            description=variable.description,
        )

    @classmethod
    def from_output(cls, output: Any) -> FieldSpec:
        """From an `Output` of an interactive step."""
        return cls(
            name=output.name,
            type=output.type,
            label=output.label,
            required=output.required,
            choices=tuple(output.choices or ()),
        )


class FieldEditor:
    """A field's widget and how to read it."""

    widget: QWidget

    def value(self) -> Any:
        """The typed value, None when empty.

        Raises:
            ValueError: the text cannot mean a value of the field's type.
        """
        raise NotImplementedError


class _TextEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        self.widget = QLineEdit("" if spec.default is None else str(spec.default))
        self.widget.setPlaceholderText("required" if spec.required else "optional")

    def value(self) -> Any:
        return self.widget.text().strip() or None


class _RadioEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        self.widget = QWidget()
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self.widget)
        for choice in spec.choices:
            button = QRadioButton(choice.replace("_", " ").capitalize())
            button.setObjectName(f"choice_{choice}")
            button.setProperty("choice", choice)
            button.setChecked(choice == spec.default)
            self.group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)

    def value(self) -> Any:
        checked = self.group.checkedButton()
        return checked.property("choice") if checked else None


class _ComboEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        self.widget = QComboBox()
        self.widget.addItem("Choose…", None)
        for choice in spec.choices:
            self.widget.addItem(choice, choice)
        if spec.default in spec.choices:
            self.widget.setCurrentIndex(spec.choices.index(spec.default) + 1)

    def value(self) -> Any:
        return self.widget.currentData()


class _CompactSpinBox(QDoubleSpinBox):
    """Shows 5 and 2.5 rather than 5.000000 and 2.500000."""

    def textFromValue(self, value: float) -> str:
        return f"{value:.6f}".rstrip("0").rstrip(".")


class _NumberEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        self.widget = _CompactSpinBox()
        self.widget.setRange(-1e12, 1e12)
        self.widget.setDecimals(6)
        self.widget.setValue(float(spec.default or 0))

    def value(self) -> Any:
        number = self.widget.value()
        return int(number) if number.is_integer() else number


class _BooleanEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        self.widget = QCheckBox("Yes")
        self.widget.setChecked(bool(spec.default))

    def value(self) -> Any:
        return self.widget.isChecked()


class _DateEditor(FieldEditor):
    def __init__(self, spec: FieldSpec, today: date) -> None:
        self.widget = QDateEdit()
        self.widget.setCalendarPopup(True)
        self.widget.setDisplayFormat("yyyy-MM-dd")
        given = QDate.fromString(str(spec.default or ""), Qt.DateFormat.ISODate)
        self.widget.setDate(given if given.isValid() else QDate(today.year, today.month, today.day))

    def value(self) -> Any:
        return self.widget.date().toString(Qt.DateFormat.ISODate)


class _DateTimeEditor(FieldEditor):
    def __init__(self, spec: FieldSpec, now: datetime) -> None:
        self.widget = QDateTimeEdit()
        self.widget.setCalendarPopup(True)
        self.widget.setTimeZone(QTimeZone.utc())
        self.widget.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        text = str(spec.default or now.strftime("%Y-%m-%dT%H:%M:00")).replace("Z", "")
        moment = QDateTime.fromString(text[:19], "yyyy-MM-ddTHH:mm:ss")
        moment.setTimeZone(QTimeZone.utc())
        self.widget.setDateTime(moment)

    def value(self) -> Any:
        return self.widget.dateTime().toUTC().toString("yyyy-MM-ddTHH:mm:ss") + "Z"


class _JsonEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        self.widget = QPlainTextEdit()
        self.widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.widget.setPlaceholderText('JSON, e.g. {"key": "value"}')
        self.widget.setFixedHeight(72)
        if spec.default is not None:
            self.widget.setPlainText(json.dumps(spec.default, indent=2))
        self.widget.textChanged.connect(self._mark)

    def _mark(self) -> None:
        try:
            self.value()
        except ValueError:
            self.widget.setStyleSheet("QPlainTextEdit { border: 1px solid #d93025; }")
        else:
            self.widget.setStyleSheet("")

    def value(self) -> Any:
        text = self.widget.toPlainText().strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"Not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}."
            ) from None


class _OptionalEditor(FieldEditor):
    """A "set" box in front of an editor that always holds a value."""

    def __init__(self, inner: FieldEditor) -> None:
        self.inner = inner
        self.widget = QWidget()
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(0, 0, 0, 0)
        self.toggle = QCheckBox("Set")
        row.addWidget(self.toggle)
        row.addWidget(inner.widget, 1)
        inner.widget.setEnabled(False)
        self.toggle.toggled.connect(inner.widget.setEnabled)

    def value(self) -> Any:
        return self.inner.value() if self.toggle.isChecked() else None


def make_editor(spec: FieldSpec, now: datetime | None = None) -> FieldEditor:
    """The editor for a field's type (choices win over the type)."""
    now = now or datetime.now()
    if spec.choices:
        if len(spec.choices) <= RADIO_LIMIT:
            return _RadioEditor(spec)
        return _ComboEditor(spec)
    editor: FieldEditor
    if spec.type == "number":
        editor = _NumberEditor(spec)
    elif spec.type == "boolean":
        return _BooleanEditor(spec)
    elif spec.type == "date":
        editor = _DateEditor(spec, now.date())
    elif spec.type == "datetime":
        editor = _DateTimeEditor(spec, now)
    elif spec.type == "json":
        return _JsonEditor(spec)
    else:
        return _TextEditor(spec)
    if spec.required or spec.default is not None:
        return editor
    return _OptionalEditor(editor)
