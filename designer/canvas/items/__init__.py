"""Graphics items of the diagram: one per model object, painting from the document."""

from designer.canvas.items.base import DiagramItem
from designer.canvas.items.flow import FlowItem
from designer.canvas.items.nodes import DecisionItem, EventItem, NodeItem
from designer.canvas.items.stage import StageItem, StepCardItem

__all__ = [
    "DecisionItem",
    "DiagramItem",
    "EventItem",
    "FlowItem",
    "NodeItem",
    "StageItem",
    "StepCardItem",
]
