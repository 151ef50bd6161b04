"""Run ▸ Start run…: a dialog generated from an orchestration's input variables."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from designer.live.bridge import EngineBridge
from designer.live.editors import FieldSpec
from designer.live.typed_form import TypedForm
from designer.runs.formatting import operator_name, overdue_text_color
from engine.definition import Orchestration
from engine.runtime.protocol import RunEngine

SCROLL_AFTER = 8
"""More inputs than this scroll inside the dialog; fewer are shown whole."""
BANNER_STYLE = (
    "QLabel { background: #fce8e6; color: #a50e0e; border: 1px solid #f5c2bd;"
    " border-radius: 4px; padding: 6px 8px; }"
)


class StartRunDialog(QDialog):
    """Asks for a run's inputs and starts it on the active version of the orchestration.

    Args:
        bridge: the engine bridge (the call runs off the UI thread).
        definition: the orchestration whose input variables make the form.
        actor: who starts the run, for the log (default: the operator's name).

    After `exec()` returns `Accepted`, `run_id` holds the new run's id.
    """

    def __init__(
        self,
        bridge: EngineBridge,
        definition: Orchestration,
        actor: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.definition = definition
        self.actor = actor or operator_name()
        self.run_id: str | None = None
        self.setWindowTitle(f"Start a run — {definition.name or definition.id}")
        self.setMinimumWidth(460)

        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{definition.name or definition.id}</b>")
        heading.setStyleSheet("font-size: 15px;")
        layout.addWidget(heading)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        # The theme's muted colour: a fixed grey read at 2.3:1 on the dark dialog.
        self.about.setStyleSheet("color: palette(placeholder-text);")
        self._describe("the active version")
        layout.addWidget(self.about)

        inputs = [FieldSpec.from_variable(v) for v in definition.variables if v.input]
        self.form = TypedForm(inputs, today=bridge.now())
        if len(inputs) > SCROLL_AFTER:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(self.form)
            scroll.setMinimumHeight(320)
            layout.addWidget(scroll, 1)
        elif inputs:
            layout.addWidget(self.form)
        if inputs:
            red = overdue_text_color().name()
            legend = QLabel(f"<span style='color:{red}'>*</span> required")
            legend.setStyleSheet("color: palette(placeholder-text); font-size: 11px;")
            layout.addWidget(legend)
        else:
            layout.addWidget(QLabel("This orchestration takes no inputs."))

        self.banner = QLabel()
        self.banner.setObjectName("start_error")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        layout.addWidget(self.banner)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("Start run")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        bridge.submit(self._active_version, self._show_version, lambda _message: None)

    def _active_version(self, engine: RunEngine) -> int | None:
        return next(
            (
                d["version"]
                for d in engine.definitions()
                if d["id"] == self.definition.id and d["active"]
            ),
            None,
        )

    def _show_version(self, version: int | None) -> None:
        if version is None:
            self._describe("nothing: it is not active")
            self._show_problem(
                f"{self.definition.id} is not active, so no run can start. "
                "Activate it first (Run ▸ Activate)."
            )
        else:
            self._describe(f"the active version, v{version}")

    def _describe(self, starts: str) -> None:
        description = self.definition.description
        self.about.setText(
            f"{self.definition.id} · starts {starts}{' · ' + description if description else ''}"
        )

    def start(self) -> None:
        """Check the form, then ask the engine to start the run."""
        self.banner.hide()
        values = self.form.values()
        if values is None:
            self._show_problem("Some inputs need attention; they are marked above.")
            return
        self.start_button.setEnabled(False)
        self.start_button.setText("Starting…")
        orchestration, actor = self.definition.id, self.actor
        self.bridge.submit(
            lambda engine: engine.start(orchestration, values, actor=actor),
            self._started,
            self._refused,
        )

    def _started(self, run_id: str) -> None:
        self.run_id = run_id
        self.accept()

    def _refused(self, message: str) -> None:
        self.start_button.setEnabled(True)
        self.start_button.setText("Start run")
        self.form.show_refusal(message)
        self._show_problem(message)

    def _show_problem(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()
        self.adjustSize()  # the error lines made the form taller
