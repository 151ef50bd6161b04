"""`WorkGuide`: one work item opened: what to do, the run's context, and the outputs form."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from designer.live.bridge import EngineBridge
from designer.live.editors import FieldSpec
from designer.live.start_run_dialog import BANNER_STYLE
from designer.live.typed_form import TypedForm
from designer.runs.formatting import age, is_overdue, overdue_text_color, when
from engine.definition import InteractiveStep, Orchestration
from engine.runtime.protocol import RunEngine

DONE_STYLE = (
    "QLabel { background: #e6f4ea; color: #137333; border: 1px solid #ceead6;"
    " border-radius: 4px; padding: 6px 8px; }"
)
GUIDANCE_STYLE = (
    "QLabel {{ background: {background}; border-left: 3px solid {accent}; padding: 8px 10px;"
    " color: {text}; }}"
)


class GuidanceLabel(QLabel):
    """The step's guidance, boxed in the palette's colours, re-coloured when the theme changes."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setObjectName("guidance")
        self.setWordWrap(True)
        self._restyle()
        # The label's own style sheet shields it from palette change events, so it listens
        # to the application, which View ▸ Theme gives the light or the dark palette.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.paletteChanged.connect(self._restyle)

    def _restyle(self, _palette: QPalette | None = None) -> None:
        palette = QApplication.palette()
        role = QPalette.ColorRole
        base, accent = palette.color(role.Base), palette.color(role.Highlight)
        tint = QColor.fromRgbF(  # the field colour with a tenth of the accent: a soft wash
            0.9 * base.redF() + 0.1 * accent.redF(),
            0.9 * base.greenF() + 0.1 * accent.greenF(),
            0.9 * base.blueF() + 0.1 * accent.blueF(),
        )
        style = GUIDANCE_STYLE.format(
            background=tint.name(),
            accent=palette.color(role.Highlight).name(),
            text=palette.color(role.Text).name(),
        )
        if style != self.styleSheet():
            self.setStyleSheet(style)


@dataclass
class WorkContext:
    """Everything the guide shows for one item, read in one go on the worker thread."""

    item: dict[str, Any]
    run: dict[str, Any]
    definition: Orchestration
    step: InteractiveStep
    record: dict[str, Any] | None

    @classmethod
    def load(cls, engine: RunEngine, item: dict[str, Any]) -> WorkContext:
        """Read the item's run, the definition version it runs and its triggering record."""
        run = engine.run(item["run"])
        with engine.store.read() as conn:
            definition = engine.plan(run["orchestration"], run["version"], conn).definition
        step = next(s for _, s in definition.steps() if s.id == item["step"])
        record = None
        if run["record"]:
            record = engine.record(run["record"]["object"], run["record"]["id"])
        return cls(item, run, definition, step, record)


def _value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value if isinstance(value, str) else json.dumps(value, default=str)


class WorkGuide(QWidget):
    """Guidance, context and form of the open item; Complete and Reassign.

    Signals:
        complete_requested(str, dict): item id and the checked outputs.
        reassign_requested(str): item id.
    """

    complete_requested = Signal(str, dict)
    reassign_requested = Signal(str)

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.context: WorkContext | None = None
        self.form: TypedForm | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll, 1)
        self._body = QWidget()
        scroll.setWidget(self._body)
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(12, 8, 12, 8)

        self.banner = QLabel()
        self.banner.setObjectName("guide_message")
        self.banner.setWordWrap(True)
        self.banner.hide()
        outer.addWidget(self.banner)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(12, 4, 12, 8)
        buttons.addStretch(1)
        self.reassign_button = QPushButton("Reassign…")
        self.complete_button = QPushButton("Complete")
        self.complete_button.setDefault(True)
        self.complete_button.setStyleSheet(
            "QPushButton { background: #1a73e8; color: white; padding: 5px 18px;"
            " border-radius: 4px; font-weight: bold; }"
            " QPushButton:disabled { background: #9aa0a6; }"
        )
        buttons.addWidget(self.reassign_button)
        buttons.addWidget(self.complete_button)
        outer.addLayout(buttons)
        self.complete_button.clicked.connect(self._complete)
        self.reassign_button.clicked.connect(
            lambda: self.context and self.reassign_requested.emit(self.context.item["id"])
        )
        self.show_empty("Open a work item from the inbox to see what to do.")

    # --- content --------------------------------------------------------------------------

    def _clear(self) -> None:
        while self._layout.count():
            child = self._layout.takeAt(0)
            if child.widget():
                child.widget().deleteLater()
        self.form = None

    def show_empty(self, text: str) -> None:
        """No item open: a hint in place of the guide."""
        self._clear()
        self.context = None
        hint = QLabel(text)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: palette(placeholder-text); padding: 40px;")
        hint.setWordWrap(True)
        self._layout.addWidget(hint)
        self._layout.addStretch(1)
        self.complete_button.setEnabled(False)
        self.reassign_button.setEnabled(False)

    def show_item(self, context: WorkContext) -> None:
        """Lay out the guide of one item."""
        self._clear()
        self.banner.hide()
        self.context = context
        item, run, step = context.item, context.run, context.step
        title = QLabel(f"<b>{html.escape(item['title'])}</b>")
        title.setStyleSheet("font-size: 16px;")
        self._layout.addWidget(title)
        self._layout.addWidget(self._meta_line(context))
        if step.guidance:
            guidance = GuidanceLabel(html.escape(step.guidance))
            self._layout.addWidget(guidance)

        about = QGroupBox(f"{context.definition.name or run['orchestration']} · run {run['id']}")
        facts = QFormLayout(about)
        for name, value in run["variables"].items():
            facts.addRow(f"{name.replace('_', ' ').capitalize()}:", QLabel(_value_text(value)))
        if context.record is not None:
            record = run["record"]
            facts.addRow(QLabel(f"<b>{record['object']} record {record['id']}</b>"))
            for name, value in context.record.items():
                facts.addRow(f"{name}:", QLabel(_value_text(value)))
        if facts.rowCount() == 0:  # an empty frame looked like something failed to load
            nothing = QLabel("This run has no variables.")
            nothing.setStyleSheet("color: palette(placeholder-text);")
            facts.addRow(nothing)
        self._layout.addWidget(about)

        outputs = [FieldSpec.from_output(o) for o in step.outputs]
        box = QGroupBox("Your answer" if outputs else "When you are done")
        column = QVBoxLayout(box)
        if outputs:
            self.form = TypedForm(outputs, today=self.bridge.now())
            column.addWidget(self.form)
        else:
            column.addWidget(QLabel("This step asks for no values; complete it when done."))
        self._layout.addWidget(box)
        self._layout.addStretch(1)
        self.complete_button.setEnabled(True)
        self.reassign_button.setEnabled(True)

    def _meta_line(self, context: WorkContext) -> QLabel:
        item, now = context.item, self.bridge.now()
        parts = [
            f"for <b>{html.escape(item['assignee'])}</b>",
            f"open {age(item['created_at'], now)}",
        ]
        if item["due_at"]:
            due = f"due {when(item['due_at'])}"
            if is_overdue(item["due_at"], now, item["overdue"]):
                red = overdue_text_color().name()
                due = f"<span style='color:{red}; font-weight:bold'>overdue · {due}</span>"
            parts.append(due)
        line = QLabel(" · ".join(parts))
        line.setStyleSheet("color: palette(placeholder-text);")
        return line

    # --- actions and answers ------------------------------------------------------------------

    def _complete(self) -> None:
        if self.context is None:
            return
        values: dict[str, Any] | None = {}
        if self.form is not None:
            values = self.form.values()
        if values is None:
            self.show_error("Some answers need attention; they are marked above.")
            return
        self.complete_button.setEnabled(False)
        self.complete_requested.emit(self.context.item["id"], values)

    def show_error(self, message: str) -> None:
        """A refusal, shown above the buttons (and under the fields it names)."""
        if self.form is not None:
            self.form.show_refusal(message)
        self.complete_button.setEnabled(self.context is not None)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setText(message)
        self.banner.show()

    def show_done(self, message: str) -> None:
        """The item was handled: say so and clear the guide."""
        self.show_empty("Pick the next item from the inbox.")
        self.banner.setStyleSheet(DONE_STYLE)
        self.banner.setText(message)
        self.banner.show()
