"""Small dialogs behind the operator actions: a reason, a step, an assignee, a bulk move.

They only collect what the engine call needs; the panel makes the call. They are opened
with `open()` (window-modal, not blocking) so the live views keep updating behind them.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from designer.runs.formatting import counted, overdue_text_color
from engine.runtime.protocol import RunEngine
from engine.store import directory


def assignee_choices(engine: RunEngine) -> list[str]:
    """Every user, group and queue of the directory as `user:`/`group:`/`queue:` names.

    Runs on the bridge's worker thread.
    """
    with engine.store.read() as conn:
        users = directory.list_users(conn)
    found = {f"user:{u.name}" for u in users if u.active}
    found.update(g for u in users if u.active for g in u.groups)
    return sorted(found, key=lambda a: (a.split(":")[0] != "user", a))


class _ActionDialog(QDialog):
    """A titled form with OK/Cancel and an explanation line."""

    def __init__(self, title: str, explanation: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = QLabel(explanation)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {overdue_text_color().name()};")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self._check_and_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _problem(self) -> str | None:
        return None

    def _check_and_accept(self) -> None:
        problem = self._problem()
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.accept()


class CancelRunDialog(_ActionDialog):
    """Asks why a run is canceled (the reason goes into the run's log)."""

    def __init__(self, run_id: str, parent: QWidget | None = None) -> None:
        super().__init__(
            "Cancel run",
            f"Cancel run <b>{run_id}</b>? Its open work items are withdrawn, waits dropped "
            "and child runs canceled. This cannot be undone.",
            "Cancel run",
            parent,
        )
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. offer withdrawn by the candidate")
        self.form.addRow("Reason *", self.reason)

    def _problem(self) -> str | None:
        return None if self.reason.text().strip() else "Give a reason; it is kept in the log."


class StepActionDialog(_ActionDialog):
    """Picks the step to retry or skip; skipping may give the outputs later steps read."""

    def __init__(self, mode: str, run: dict[str, Any], parent: QWidget | None = None) -> None:
        retry = mode == "retry"
        super().__init__(
            "Retry a failed step" if retry else "Skip a step",
            "Run the failed step again with a fresh set of attempts."
            if retry
            else "Mark a step skipped and let the run move on. Later steps read the outputs "
            "you give here.",
            "Retry step" if retry else "Skip step",
            parent,
        )
        self.mode = mode
        self.step = QComboBox()
        wanted = ("failed",) if retry else ("failed", "waiting", "running", "ready", "not_started")
        for st in run.get("steps", []):
            if st["status"] in wanted:
                label = f"{st['id']} — {st['status']}" + (f": {st['error']}" if st["error"] else "")
                self.step.addItem(label, st["id"])
        self.form.addRow("Step", self.step)
        self.outputs = QPlainTextEdit()
        self.outputs.setPlaceholderText('{"payroll_id": "P-123"}')
        self.outputs.setFixedHeight(64)
        if not retry:
            self.form.addRow("Outputs (JSON)", self.outputs)

    def step_id(self) -> str:
        """The chosen step."""
        return self.step.currentData()

    def output_values(self) -> dict[str, Any]:
        """The outputs given for a skip (empty when none)."""
        text = self.outputs.toPlainText().strip()
        return json.loads(text) if text else {}

    def _problem(self) -> str | None:
        if self.step.count() == 0:
            verb = "retried" if self.mode == "retry" else "skipped"
            return f"This run has no step that can be {verb}."
        try:
            values = self.output_values()
        except json.JSONDecodeError as exc:
            return f"Outputs are not valid JSON: {exc.msg} (line {exc.lineno})."
        return None if isinstance(values, dict) else "Outputs must be a JSON object."


def _unworkable(to: str, choices: list[str]) -> str | None:
    # The engine accepts any well-formed assignee; one nobody can work would leave the
    # item stuck, so say so before it happens.
    if to in choices:
        return None
    return (
        f"Nobody active is behind {to!r} in the directory; the item would be stuck. "
        "Pick an active user, group or queue."
    )


def _assignee_combo(choices: list[str], current: str = "") -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(choices)
    combo.setCurrentText(current)
    combo.lineEdit().setPlaceholderText("user:NAME, group:NAME or queue:NAME")
    return combo


class ReassignItemDialog(_ActionDialog):
    """Gives one open work item to another user, group or queue."""

    def __init__(
        self, items: list[dict[str, Any]], choices: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Reassign work item",
            "The new assignee sees the item in their inbox at once; the change is logged.",
            "Reassign",
            parent,
        )
        self._choices = choices
        self.item = QComboBox()
        for item in items:
            self.item.addItem(f"{item['title']} — {item['assignee']} ({item['id']})", item["id"])
        self.form.addRow("Work item", self.item)
        self.to = _assignee_combo(choices)
        self.form.addRow("New assignee", self.to)
        self.reason = QLineEdit()
        self.form.addRow("Reason", self.reason)

    def item_id(self) -> str:
        """The chosen item."""
        return self.item.currentData()

    def _problem(self) -> str | None:
        if self.item.count() == 0:
            return "There is no open work item to reassign."
        to = self.to.currentText().strip()
        if not to:
            return "Choose who takes the item over."
        return _unworkable(to, self._choices)


class BulkReassignDialog(_ActionDialog):
    """Moves every open item of one assignee (someone left or is away) to another."""

    def __init__(
        self, open_items: list[dict[str, Any]], choices: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Reassign all items of…",
            "Every open work item of the first assignee moves to the second, in one action. "
            "Use it when someone leaves or goes on holiday.",
            "Reassign all",
            parent,
        )
        self._choices = choices
        self._counts = Counter(i["assignee"] for i in open_items)
        self._runs = {a: {i["run"] for i in open_items if i["assignee"] == a} for a in self._counts}
        self.source = QComboBox()
        for assignee in sorted(set(choices) | set(self._counts)):
            self.source.addItem(f"{assignee} ({self._counts.get(assignee, 0)} open)", assignee)
        self.form.addRow("From", self.source)
        self.to = _assignee_combo(choices)
        self.form.addRow("To", self.to)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. Bob left the company")
        self.form.addRow("Reason", self.reason)
        self.preview = QLabel()
        self.preview.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow("", self.preview)
        self.source.currentIndexChanged.connect(self._update_preview)
        self._update_preview()

    def select_source(self, assignee: str) -> None:
        """Pre-select who leaves."""
        self.source.setCurrentIndex(max(0, self.source.findData(assignee)))

    def source_assignee(self) -> str:
        """Whose items move."""
        return self.source.currentData()

    def _update_preview(self) -> None:
        source = self.source.currentData()
        count = self._counts.get(source, 0)
        runs = len(self._runs.get(source, ()))
        self.preview.setText(f"{counted(count, 'open item')} in {counted(runs, 'run')} will move.")

    def _problem(self) -> str | None:
        to = self.to.currentText().strip()
        if not to:
            return "Choose who takes the items over."
        if to == self.source_assignee():
            return "Choose a different assignee to move to."
        return _unworkable(to, self._choices)
