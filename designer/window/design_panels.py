"""The design-time panels: the inspector, the problems list, live validation and Find.

Every view here shares the window's document, undo stack and selection; the window places
the two panels in docks and the Find action in the Edit menu.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence

from designer.dialogs import FindElementDialog
from designer.panels import InspectorPanel, ProblemsPanel
from designer.window.actions import Entry, make_action
from designer.window.host import DocumentHost
from designer.window.validation import ValidationController
from engine.validation import Diagnostic


class DesignPanels:
    """The design-time panels of one window and the signals between them."""

    def __init__(self, host: DocumentHost, center_on: Callable[[str], None]) -> None:
        self._host, self._center_on = host, center_on
        self.inspector = InspectorPanel(host.document, host.undo_stack, host.selection)
        self.problems = ProblemsPanel(document=host.document)
        self.validation = ValidationController(host.document, host.widget)
        self.find_action = make_action(
            host.widget, "&Find element…", self.find, QKeySequence.StandardKey.Find
        )
        self.problems.element_activated.connect(self.reveal)
        self.problems.orchestration_activated.connect(host.selection.clear)
        self.problems.diagnostic_activated.connect(self.inspector.reveal_diagnostic)

    def restyle(self, dark: bool) -> None:
        """Colours of the light or the dark palette."""
        self.inspector.restyle(dark)
        self.problems.restyle(dark)

    def actions(self) -> list[QAction]:
        """Find element."""
        return [self.find_action]

    def menu_sections(self) -> dict[str, list[Entry]]:
        """find (Edit)."""
        return {"find": [self.find_action]}

    def show_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Give one validation result to the problems list and the inspector."""
        self.problems.set_diagnostics(diagnostics)
        self.inspector.set_diagnostics(diagnostics)

    def reveal(self, element_id: str) -> None:
        """Select an element and bring it into view."""
        self._host.selection.set([element_id])
        self._center_on(element_id)

    def find(self) -> FindElementDialog:
        """Open the Find element dialog; choosing an element reveals it."""
        dialog = FindElementDialog(self._host.document, self._host.widget)
        dialog.element_chosen.connect(self.reveal)
        dialog.open()
        return dialog
