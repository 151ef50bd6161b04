"""What a decoration shows on one element: colours, a label pill, a tag, a tooltip.

A `Look` is a plain, comparable value, so a layer can tell cheaply whether an element's
decoration changed and repaint only those items. The run overlay and the heatmap both
describe their state as looks; the decoration items only draw them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

from designer.runs.formatting import STATUS_COLORS

STATUS_LABELS = {
    "not_started": "Not started",
    "ready": "Ready",
    "running": "Running",
    "waiting": "Waiting",
    "paused": "Paused",
    "completed": "Completed",
    "failed": "Failed",
    "skipped": "Skipped",
    "canceled": "Canceled",
}
BOTTLENECK_COLOR = "#b3261e"


@dataclass(frozen=True)
class Look:
    """How one element is decorated.

    Attributes:
        color: the main colour (border, stripe, tint, glyph) as `#rrggbb`.
        status: the status glyph to draw (`completed`, `failed`, `waiting`...), or "".
        tint: opacity (0-255) of the colour washed over the element.
        veil: whiten the element (not started: present but not yet relevant).
        hatched: diagonal hatching (skipped, canceled).
        emphasis: a thicker border (current stage, bottleneck).
        label: text of the pill under the element's bottom-right corner.
        label_color: the pill's colour (defaults to `color`).
        tag: text of the flag above the element's top-left corner.
        tag_color: the flag's colour (defaults to `color`).
        tooltip: shown when hovering the element.
    """

    color: str
    status: str = ""
    tint: int = 0
    veil: bool = False
    hatched: bool = False
    emphasis: bool = False
    label: str = ""
    label_color: str = ""
    tag: str = ""
    tag_color: str = ""
    tooltip: str = ""

    def qcolor(self, alpha: int = 255) -> QColor:
        """The main colour with an opacity."""
        color = QColor(self.color)
        color.setAlpha(alpha)
        return color


def status_look(status: str) -> Look:
    """The plain look of a stage or step status, before labels are added."""
    color = STATUS_COLORS.get(status, STATUS_COLORS["not_started"])
    if status == "not_started":
        return Look(color=color, veil=True)
    if status in ("skipped", "canceled"):
        return Look(color=color, status=status, hatched=True, veil=True)
    return Look(color=color, status=status, tint=22 if status != "completed" else 16)
