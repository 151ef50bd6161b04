"""Dockable panels of the designer: the inspector and the problems list."""

from designer.panels.inspector import InspectorPanel
from designer.panels.problems import ProblemsPanel

__all__ = ["InspectorPanel", "ProblemsPanel"]
