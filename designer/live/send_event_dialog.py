"""Run ▸ Send event…: deliver an event to waiting runs without a terminal.

The event list offers what open runs wait for right now (and the events of every active
definition's wait steps); picking an event offers the keys those runs wait with. Data is a
JSON object, checked as it is typed. Sending reports how many runs it reached.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from designer.live.bridge import EngineBridge
from designer.runs.formatting import counted, overdue_text_color
from engine.definition import WaitStep
from engine.runtime.protocol import RunEngine


class SendEventDialog(QDialog):
    """Name, key and data of an event; Send delivers it on the engine's thread."""

    def __init__(self, bridge: EngineBridge, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send event")
        self.setMinimumWidth(460)
        self._bridge, self._actor = bridge, actor
        self._waits: list[dict[str, Any]] = []
        self.reached: list[str] | None = None
        self.event = QComboBox()
        self.event.setEditable(True)
        self.event.lineEdit().setPlaceholderText("e.g. badge_printed")
        self.key = QComboBox()
        self.key.setEditable(True)
        self.key.lineEdit().setPlaceholderText("correlation key (empty: runs waiting without one)")
        self.data = QPlainTextEdit()
        self.data.setPlaceholderText('{"badge_no": 42}')
        self.data.setFixedHeight(90)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Event", self.event)
        form.addRow("Key", self.key)
        form.addRow("Data (JSON)", self.data)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok
        )
        self.send_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send_button.setText("Send")
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.event.currentTextChanged.connect(self._offer_keys)
        self.data.textChanged.connect(self._check_data)
        bridge.submit(_listening, self._listed, self._say_error)

    # --- what runs listen for -----------------------------------------------------------------

    def _listed(self, found: tuple[list[dict[str, Any]], list[str]]) -> None:
        self._waits, events = found
        typed = self.event.currentText()
        self.event.blockSignals(True)
        self.event.clear()
        self.event.addItems(events)
        self.event.setEditText(typed or (events[0] if events else ""))
        self.event.blockSignals(False)
        self._offer_keys(self.event.currentText())

    def _offer_keys(self, event: str) -> None:
        keys = sorted({w["key"] for w in self._waits if w["event"] == event and w["key"]})
        typed = self.key.currentText()
        self.key.clear()
        self.key.addItems(keys)
        self.key.setEditText(typed if typed in keys or not keys else keys[0])
        waiting = sum(1 for w in self._waits if w["event"] == event)
        self._say(f"{counted(waiting, 'run')} waiting for {event}." if event else "")

    # --- sending ------------------------------------------------------------------------------

    def data_value(self) -> dict[str, Any] | None:
        """The data typed, as an object; None (with the reason shown) when it is not one."""
        text = self.data.toPlainText().strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            self._say(f"Data is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).", True)
            return None
        if not isinstance(value, dict):
            self._say('Data must be a JSON object, e.g. {"badge_no": 42}.', True)
            return None
        return value

    def _check_data(self) -> None:
        ok = self.data_value() is not None
        self.send_button.setEnabled(ok)
        if ok:
            self._say("")

    def send(self) -> None:
        """Deliver the event; the dialog closes once the engine has done it."""
        name = self.event.currentText().strip()
        if not name:
            self._say("Name the event to send.", True)
            return
        data = self.data_value()
        if data is None:
            return
        key = self.key.currentText().strip() or None
        actor = self._actor
        self.send_button.setEnabled(False)
        self._bridge.submit(
            lambda engine: engine.send_event(name, key, data, actor=actor),
            self._sent,
            self._say_error,
        )

    def _sent(self, reached: list[str]) -> None:
        self.reached = reached
        self.accept()

    def _say_error(self, message: str) -> None:
        self.send_button.setEnabled(True)
        self._say(message, True)

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setStyleSheet(f"color: {overdue_text_color().name()};" if problem else "")
        self.message.setText(text)


def _listening(engine: RunEngine) -> tuple[list[dict[str, Any]], list[str]]:
    """(open waits, event names): what runs wait for now, then every active wait step's."""
    waits = engine.open_waits()
    names = {w["event"] for w in waits}
    with engine.store.read() as conn:
        for found in engine.definitions():
            if not found["active"]:
                continue
            plan = engine.plan(found["id"], found["version"], conn)
            names |= {
                step.event
                for _, step in plan.definition.steps()
                if isinstance(step, WaitStep) and step.event
            }
    return waits, sorted(names)
