"""Puts the inspector, the problems list, live validation and Find into the main window.

Kept apart from the window so the window stays about files, docks and menus; every view
here shares the window's document, undo stack and selection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from designer.dialogs import FindElementDialog
from designer.panels import InspectorPanel, ProblemsPanel
from designer.validation_controller import ValidationController
from engine.validation import Diagnostic

if TYPE_CHECKING:
    from designer.main_window import MainWindow


class DesignPanels:
    """The design-time panels of one window and the signals between them."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.inspector = InspectorPanel(window.document, window.undo_stack, window.selection)
        self.problems = ProblemsPanel(document=window.document)
        self.validation = ValidationController(window.document, window)
        window.inspector_dock.setWidget(self.inspector)
        window.problems_dock.setWidget(self.problems)

        # The window is the one sink for results: canvas badges, counts, and these panels.
        self.validation.diagnostics_changed.connect(window.apply_diagnostics)
        self.problems.element_activated.connect(self.reveal)
        self.problems.orchestration_activated.connect(window.selection.clear)
        self.problems.diagnostic_activated.connect(self.inspector.reveal_diagnostic)

    def show_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Give one validation result to the problems list and the inspector."""
        self.problems.set_diagnostics(diagnostics)
        self.inspector.set_diagnostics(diagnostics)

    def reveal(self, element_id: str) -> None:
        """Select an element and bring it into view."""
        self._window.selection.set([element_id])
        self._window.view.center_on_key(element_id)

    def commit_pending_edit(self) -> None:
        """Commit a field still being typed in, before saving or closing."""
        self.inspector.commit_pending_edit()

    def find(self) -> FindElementDialog:
        """Open the Find element dialog; choosing an element reveals it."""
        dialog = FindElementDialog(self._window.document, self._window)
        dialog.element_chosen.connect(self.reveal)
        dialog.open()
        return dialog
