"""A problem badge is drawn inside what Qt repaints, so fixing the problem leaves no trace."""

from __future__ import annotations

from builders import two_stages
from gui import open_window
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from designer.canvas.items import NodeItem, StageItem, StepCardItem
from designer.canvas.items.base import BADGE_RADIUS, DiagramItem
from engine.definition import Flow


def _badge_rect(item: DiagramItem) -> QRectF:
    center, half = item.badge_center(), BADGE_RADIUS + 1  # as paint_badge draws it
    return QRectF(center.x() - half, center.y() - half, 2 * half, 2 * half)


def test_every_badge_lies_within_its_items_repainted_bounds(qtbot, tmp_path):
    # Given a diagram with problems on a card (no assignee), a stage (no way out), a
    # decision (no default) and an end nothing reaches
    definition = two_stages()
    definition.flows = [
        Flow(source="start", target="intake"),
        Flow(source="intake", target="decide"),
        Flow(source="decide", target="approval", condition="amount > 1000"),
    ]
    window = open_window(qtbot, tmp_path, definition)
    QApplication.processEvents()

    # When the designer has validated it and badged the elements
    scene = window.view.scene()
    badged = [i for i in scene.items() if isinstance(i, DiagramItem) and i.badge]
    kinds = {type(i) for i in badged}
    assert StepCardItem in kinds and StageItem in kinds, kinds
    assert any(isinstance(i, NodeItem) for i in badged), kinds

    # Then each badge is inside its item's bounds: removing it repaints all of it (the red
    # sliver left at a card's corner once its assignee was set is gone)
    for item in badged:
        assert item.boundingRect().contains(_badge_rect(item)), (item.key, item.boundingRect())
