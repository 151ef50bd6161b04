"""The inspector panel: a generated property form for the selection."""

from designer.panels.inspector.panel import InspectorPanel

__all__ = ["InspectorPanel"]
