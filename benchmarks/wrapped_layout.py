"""Rows instead of one endless line: a display layout for long generated chains.

`benchmarks.synthetic.generate` places its stages in one row at a fixed pitch; for
the canvas benchmark and screenshots, a 200-stage chain reads better wrapped into rows the
width of a screen, each node in document order. Layout only: the meaning is untouched.
"""

from __future__ import annotations

from designer.canvas import geometry
from engine.definition import Orchestration, Position

COLUMN_GAP, ROW_GAP = 110, 110


def wrap_layout(definition: Orchestration, per_row: int = 24) -> Orchestration:
    """The definition with its nodes laid out left to right in rows of `per_row`."""
    layout: dict[str, Position] = {}
    x = y = row_height = 0.0
    in_row = 0
    for node in definition.nodes:
        width, height = geometry.node_size(node)
        if in_row == per_row:
            x, y, in_row = 0.0, y + row_height + ROW_GAP, 0
            row_height = 0.0
        # Line nodes up on their flow anchors, as auto-layout does.
        top = y + geometry.STAGE_HEADER / 2 - geometry.anchor_y(node)
        layout[node.id] = Position(x=round(x), y=round(top))
        row_height = max(row_height, height)
        x += max(width, geometry.DECISION_SIZE) + COLUMN_GAP
        in_row += 1
    return definition.model_copy(update={"layout": layout})
