"""`HeatmapOverlay`: one number per step, coloured on the diagram, the bottleneck called out.

The numbers come from the runs of a version (how many are there now, median time spent,
failures; designer/live/aggregate.py) or from a simulation (mean queue wait...;
designer/simulation/heat.py); both hand over a `HeatmapData`. Pale means little, deep red
means most; the bottleneck step gets a red frame and a flag, and the legend says why.
Like the run overlay it is a decoration layer: no document change, no undo entry.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from designer.canvas.overlay.layer import DecorationLayer
from designer.canvas.overlay.legend import LegendWidget
from designer.canvas.overlay.looks import BOTTLENECK_COLOR, Look
from designer.canvas.scene import DiagramScene
from designer.selection import SelectionKey

SCALE = [(0.0, "#fdf3c4"), (0.45, "#f6a630"), (0.75, "#e4572e"), (1.0, "#a61b1b")]
NEUTRAL = "#9aa0a6"
_DARK_TEXT = "#5f6368"


@dataclass
class HeatCell:
    """One step's number: `value` picks the colour, `label` goes in its pill."""

    value: float
    label: str
    tooltip: str = ""


@dataclass
class HeatmapData:
    """Everything a heatmap shows.

    Attributes:
        title: what the colour means (the legend's title).
        cells: step id -> its cell; steps without one are left as designed.
        low_text: the legend's left end (e.g. "0 h").
        high_text: the legend's right end (e.g. "3.1 days").
        bottleneck: the step called out, if any.
        bottleneck_note: one sentence saying why (legend and tooltip).
    """

    title: str
    cells: dict[str, HeatCell] = field(default_factory=dict)
    low_text: str = "0"
    high_text: str = ""
    bottleneck: str | None = None
    bottleneck_note: str = ""


def format_hours(hours: float) -> str:
    """Hours, short enough for a pill: `40 min`, `5.2 h`, `3.1 d`."""
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def heat_color(fraction: float) -> QColor:
    """The scale's colour at `fraction` (0: least, 1: most), interpolated between stops."""
    fraction = max(0.0, min(1.0, fraction))
    for (a, low), (b, high) in itertools.pairwise(SCALE):
        if fraction <= b:
            t = (fraction - a) / (b - a) if b > a else 0.0
            c0, c1 = QColor(low), QColor(high)
            return QColor(
                round(c0.red() + (c1.red() - c0.red()) * t),
                round(c0.green() + (c1.green() - c0.green()) * t),
                round(c0.blue() + (c1.blue() - c0.blue()) * t),
            )
    return QColor(SCALE[-1][1])


def heat_looks(data: HeatmapData) -> dict[SelectionKey, Look]:
    """Step id -> look: colour by value relative to the largest, the bottleneck flagged."""
    top = max((c.value for c in data.cells.values()), default=0.0)
    looks: dict[SelectionKey, Look] = {}
    for step_id, cell in data.cells.items():
        fraction = cell.value / top if top > 0 else 0.0
        if cell.value <= 0:
            looks[step_id] = Look(
                color=NEUTRAL, label=cell.label, label_color=_DARK_TEXT, tooltip=cell.tooltip
            )
            continue
        color = heat_color(fraction).name()
        looks[step_id] = Look(
            color=color,
            tint=45 + round(85 * fraction),
            label=cell.label,
            label_color=color if fraction > 0.4 else _DARK_TEXT,
            tooltip=cell.tooltip,
        )
    if data.bottleneck in looks:
        cell = data.cells[data.bottleneck]
        plain = looks[data.bottleneck]
        looks[data.bottleneck] = Look(
            color=BOTTLENECK_COLOR,
            tint=min(plain.tint or 60, 90),
            emphasis=True,
            label=cell.label,
            label_color=BOTTLENECK_COLOR,
            tag="Bottleneck",
            tooltip=f"Bottleneck: {data.bottleneck_note}\n{cell.tooltip}".strip(),
        )
    return looks


class HeatmapOverlay(QObject):
    """Paints a `HeatmapData` over a scene; `clear()` returns to design mode."""

    def __init__(self, scene: DiagramScene) -> None:
        super().__init__(scene)
        self.scene = scene
        self.layer = DecorationLayer(scene)
        self.data: HeatmapData | None = None
        self._legends: dict[int, LegendWidget] = {}

    @property
    def active(self) -> bool:
        """Whether a heatmap is shown."""
        return self.data is not None

    def apply(self, data: HeatmapData) -> int:
        """Show a heatmap; returns how many steps were repainted."""
        self.data = data
        changed = self.layer.set_looks(heat_looks(data))
        note = f"Bottleneck: {data.bottleneck_note}" if data.bottleneck else ""
        for view in self.scene.views():
            legend = self._legends.get(id(view))
            if legend is None:
                legend = self._legends[id(view)] = LegendWidget(view)
            legend.show_scale(data.title, SCALE, data.low_text, data.high_text, note)
        return changed

    def clear(self) -> None:
        """Remove the heatmap and its legend."""
        self.data = None
        self.layer.clear()
        for legend in self._legends.values():
            legend.hide_legend()

    def look_of(self, key: SelectionKey) -> Look | None:
        """The look a step currently has (None: undecorated)."""
        return self.layer.looks.get(key)
