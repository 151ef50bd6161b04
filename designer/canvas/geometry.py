"""Sizes of the diagram's shapes, in scene units, shared by items, gestures and auto-layout.

Kept Qt-free so auto-layout (and any future image export from the CLI) computes the same
boxes the canvas paints. A node's layout `Position` is the top-left corner of its box.
"""

from __future__ import annotations

from engine.definition import AnyNode, StageNode

GRID = 20

STAGE_WIDTH = 260
STAGE_HEADER = 44
STAGE_PADDING = 10
STAGE_EMPTY_HEIGHT = 56  # room for the "drop steps here" hint
CARD_HEIGHT = 50
CARD_GAP = 8
CARD_GUTTER = 18  # left margin inside a stage where `after` arrows run

EVENT_DIAMETER = 40  # start and end circles
DECISION_SIZE = 64
LABEL_HEIGHT = 20  # name under circles and diamonds


def stage_height(step_count: int) -> float:
    """Height of a stage box holding `step_count` cards."""
    if step_count == 0:
        return STAGE_HEADER + STAGE_EMPTY_HEIGHT
    return STAGE_HEADER + step_count * (CARD_HEIGHT + CARD_GAP) - CARD_GAP + 2 * STAGE_PADDING


def card_top(index: int) -> float:
    """Y of the `index`-th card's top edge, relative to its stage's top edge."""
    return STAGE_HEADER + STAGE_PADDING + index * (CARD_HEIGHT + CARD_GAP)


def card_index_at(y: float, step_count: int) -> int:
    """The insertion index (0..step_count) for a drop at stage-relative height `y`."""
    slot = (y - STAGE_HEADER - STAGE_PADDING + CARD_GAP / 2) / (CARD_HEIGHT + CARD_GAP)
    return max(0, min(step_count, round(slot)))


def node_size(node: AnyNode) -> tuple[float, float]:
    """Width and height of a node's shape (without its name label)."""
    if isinstance(node, StageNode):
        return STAGE_WIDTH, stage_height(len(node.steps))
    if node.type == "decision":
        return DECISION_SIZE, DECISION_SIZE
    return EVENT_DIAMETER, EVENT_DIAMETER


def snap(value: float, grid: int = GRID) -> int:
    """The nearest grid line."""
    return int(round(value / grid) * grid)


def anchor_y(node: AnyNode) -> float:
    """Height, from the node's top, where flows attach (stages: their header line)."""
    if isinstance(node, StageNode):
        return STAGE_HEADER / 2
    return node_size(node)[1] / 2
