"""The operator's actions on runs, behind the Runs panel's toolbar and context menu.

Each action collects what it needs in a small dialog (opened, not exec'd, so the live views
keep moving behind it), makes one engine call through the bridge, and reports the outcome
in the panel's notice line. Everything lands in the run's log with the operator's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStyle

from designer.live.bridge import EngineBridge, Work
from designer.live.operator_dialogs import (
    BulkReassignDialog,
    CancelRunDialog,
    ReassignItemDialog,
    StepActionDialog,
    assignee_choices,
)
from designer.runs.formatting import counted
from engine.runtime.protocol import RunEngine

if TYPE_CHECKING:
    from designer.live.runs_panel import RunsPanel

ACTIVE = ("running", "waiting", "paused")


class RunActions(QObject):
    """Pause, resume, cancel, retry/skip a step, reassign one item, reassign all of someone.

    Args:
        bridge: the engine bridge.
        panel: the Runs panel whose selected run the actions work on.
        actor: who the actions are logged as.
    """

    def __init__(self, bridge: EngineBridge, panel: RunsPanel, actor: str) -> None:
        super().__init__(panel)
        self.bridge = bridge
        self.actor = actor
        self.dialog: Any = None
        self._panel = panel
        self.by_name: dict[str, QAction] = {}
        icon = QStyle.StandardPixmap
        for name, text, pixmap, slot in (
            ("pause", "Pause", icon.SP_MediaPause, self.pause_selected),
            ("resume", "Resume", icon.SP_MediaPlay, self.resume_selected),
            ("cancel", "Cancel…", icon.SP_DialogCancelButton, self.cancel_selected),
            (
                "retry",
                "Retry step…",
                icon.SP_BrowserReload,
                lambda: self.step_action_selected("retry"),
            ),
            (
                "skip",
                "Skip step…",
                icon.SP_MediaSkipForward,
                lambda: self.step_action_selected("skip"),
            ),
            ("reassign", "Reassign item…", icon.SP_ArrowRight, self.reassign_item_selected),
            ("bulk", "Reassign all of…", icon.SP_ArrowForward, lambda: self.bulk_reassign()),
        ):
            action = QAction(panel.style().standardIcon(pixmap), text, panel)
            # The toolbar's button would drop the "…" (Qt's icon text): "Reassign all of"
            # then read as cut off. The whole text, so a dialog to come reads as one.
            action.setIconText(text)
            action.triggered.connect(slot)
            self.by_name[name] = action

    def update(self, run: dict[str, Any] | None) -> None:
        """Enable what makes sense for the selected run's status."""
        status = run["status"] if run else None
        enabled = {
            "pause": status in ("running", "waiting"),
            "resume": status == "paused",
            "cancel": status in (*ACTIVE, "failed"),
            "retry": status == "failed",
            "skip": status in (*ACTIVE, "failed"),
            "reassign": bool(run and run.get("open_items")),
            "bulk": True,
        }
        for name, action in self.by_name.items():
            action.setEnabled(enabled[name])

    def _selected_id(self) -> str | None:
        return self._panel.selected_run_id()

    def _submit(self, done_text: str, work: Work) -> None:
        self.bridge.submit(
            work, lambda _result: self._panel.show_notice(done_text), self._panel.show_error
        )

    def pause_selected(self) -> None:
        """Pause the selected run."""
        if run_id := self._selected_id():
            actor = self.actor
            self._submit(f"Paused {run_id}.", lambda engine: engine.pause(run_id, actor=actor))

    def resume_selected(self) -> None:
        """Resume the selected run."""
        if run_id := self._selected_id():
            actor = self.actor
            self._submit(f"Resumed {run_id}.", lambda engine: engine.resume(run_id, actor=actor))

    def cancel_selected(self) -> None:
        """Ask for a reason, then cancel the selected run."""
        run_id = self._selected_id()
        if not run_id:
            return
        dialog = CancelRunDialog(run_id, self._panel)

        def cancel() -> None:
            reason, actor = dialog.reason.text().strip(), self.actor
            self._submit(
                f"Canceled {run_id}.", lambda engine: engine.cancel(run_id, reason, actor=actor)
            )

        dialog.accepted.connect(cancel)
        self._open(dialog)

    def step_action_selected(self, mode: str) -> None:
        """Pick a step of the selected run, then retry (`retry`) or skip (`skip`) it."""
        run = self._panel.selected_run()
        if not run:
            return
        dialog = StepActionDialog(mode, run, self._panel)

        def act() -> None:
            run_id, step, actor = run["id"], dialog.step_id(), self.actor
            if mode == "retry":
                self._submit(
                    f"Retrying {step}.", lambda engine: engine.retry(run_id, step, actor=actor)
                )
            else:
                outputs = dialog.output_values()
                self._submit(
                    f"Skipped {step}.",
                    lambda engine: engine.skip(run_id, step, outputs, actor=actor),
                )

        dialog.accepted.connect(act)
        self._open(dialog)

    def reassign_item_selected(self) -> None:
        """Give one open item of the selected run to someone else."""
        run = self._panel.selected_run()
        if not run:
            return

        def ask(choices: list[str]) -> None:
            dialog = ReassignItemDialog(run.get("open_items", []), choices, self._panel)

            def reassign() -> None:
                item_id, to = dialog.item_id(), dialog.to.currentText().strip()
                reason, actor = dialog.reason.text().strip(), self.actor
                self._submit(
                    f"Reassigned {item_id} to {to}.",
                    lambda engine: engine.reassign(item_id, to, reason, actor=actor),
                )

            dialog.accepted.connect(reassign)
            self._open(dialog)

        self.bridge.submit(assignee_choices, ask, self._panel.show_error)

    def bulk_reassign(self, source: str | None = None) -> None:
        """Move every open item of one assignee to another (someone left)."""

        def load(engine: RunEngine) -> tuple[list[dict[str, Any]], list[str]]:
            return engine.work_items(), assignee_choices(engine)

        def ask(result: tuple[list[dict[str, Any]], list[str]]) -> None:
            items, choices = result
            dialog = BulkReassignDialog(items, choices, self._panel)
            if source:
                dialog.select_source(source)

            def act() -> None:
                frm, to = dialog.source_assignee(), dialog.to.currentText().strip()
                reason, actor = dialog.reason.text().strip(), self.actor
                self.bridge.submit(
                    lambda engine: engine.reassign_all(frm, to, reason, actor=actor),
                    lambda ids: self._panel.show_notice(
                        f"Moved {counted(len(ids), 'item')} from {frm} to {to}."
                    ),
                    self._panel.show_error,
                )

            dialog.accepted.connect(act)
            self._open(dialog)

        self.bridge.submit(load, ask, self._panel.show_error)

    def _open(self, dialog: Any) -> None:
        self._panel.notice.hide()
        self.dialog = dialog
        dialog.open()
