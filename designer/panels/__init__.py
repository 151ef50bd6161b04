"""Dockable panels of the designer: the inspector and the problems list.

Wiring, as designer/window/design_panels.py does it (all views share one document, undo
stack and selection)::

    inspector = InspectorPanel(document, undo_stack, selection)
    problems = ProblemsPanel(document=document)
    validation = ValidationController(document, window)
    validation.diagnostics_changed.connect(problems.set_diagnostics)
    validation.diagnostics_changed.connect(inspector.set_diagnostics)
    problems.element_activated.connect(select_and_centre)        # canvas
    problems.orchestration_activated.connect(selection.clear)
    problems.diagnostic_activated.connect(inspector.reveal_diagnostic)

Call `inspector.commit_pending_edit()` before saving or closing, so a field still being
typed in is committed first.
"""

from designer.panels.inspector import InspectorPanel
from designer.panels.problems import ProblemsPanel

__all__ = ["InspectorPanel", "ProblemsPanel"]
