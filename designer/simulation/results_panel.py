"""`ResultsPanel`: a simulation's numbers, plots and per-stage/step table.

Plots are pyqtgraph (pure Python on our PySide6, quick with long series; QtCharts is not in
PySide6-Essentials): the cycle time distribution of completed runs, and per assignee the
queue length and the utilization over simulated time. The table splits each stage's and
step's time into waiting (in an assignee's queue) and working.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.canvas.overlay import format_hours
from engine.simulation import SimulationResult

NO_VALUE = "\u2014"  # an em dash: nothing measured yet
SERIES_COLORS = ["#1a73e8", "#e8710a", "#188038", "#a142f4", "#d93025", "#12b5cb", "#f9ab00"]
TABLE_COLUMNS = ("Stage / step", "Assignee", "Runs", "Waiting", "Working", "Total", "p90 total")
_BANNER = (
    "QLabel { background: #fce8e6; color: #8c1d18; border: 1px solid #f4c7c3;"
    " border-radius: 6px; padding: 8px 10px; }"
)

pg.setConfigOptions(antialias=True, background="w", foreground="#3c4043")


class ResultsPanel(QWidget):
    """Shows one `SimulationResult`; `show_result(None)` empties it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bottleneck = QLabel()
        self.bottleneck.setWordWrap(True)
        self.bottleneck.setStyleSheet(_BANNER)
        self.bottleneck.hide()
        layout.addWidget(self.bottleneck)
        tiles = QGridLayout()
        self.tiles: dict[str, QLabel] = {}
        names = ("Runs", "Completed", "Throughput", "Cycle time p50", "p90", "Unfinished")
        for i, name in enumerate(names):
            caption = QLabel(name)
            caption.setStyleSheet("color: #5f6368;")
            value = QLabel(NO_VALUE)
            font = QFont()
            font.setPointSizeF(13)
            font.setBold(True)
            value.setFont(font)
            tiles.addWidget(caption, 0, i)
            tiles.addWidget(value, 1, i)
            self.tiles[name] = value
        layout.addLayout(tiles)
        self.tabs = QTabWidget()
        self.cycle_plot = _plot("Cycle time of completed runs", "days", "runs")
        self.queue_plot = _plot("Items waiting per assignee", "day", "items waiting")
        self.utilization_plot = _plot("Utilization per assignee", "day", "% busy")
        self.utilization_plot.setYRange(0, 100)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(list(TABLE_COLUMNS))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.cycle_plot, "Cycle time")
        self.tabs.addTab(self.queue_plot, "Queues")
        self.tabs.addTab(self.utilization_plot, "Utilization")
        self.tabs.addTab(self.table, "Waiting vs working")
        layout.addWidget(self.tabs, 1)

    def show_result(self, result: SimulationResult | None) -> None:
        """Fill every tile, plot and row from a result."""
        for plot in (self.cycle_plot, self.queue_plot, self.utilization_plot):
            plot.clear()
            if plot.plotItem.legend is not None:
                plot.plotItem.legend.clear()
        self.table.clear()
        if result is None:
            self.bottleneck.hide()
            for tile in self.tiles.values():
                tile.setText(NO_VALUE)
            return
        self._tiles(result)
        self._cycle_times(result)
        self._assignee_series(result)
        self._table(result)

    def _tiles(self, result: SimulationResult) -> None:
        cycle = result.cycle_time
        self.tiles["Runs"].setText(f"{result.runs_started}" + (" (canceled)" * result.canceled))
        self.tiles["Completed"].setText(f"{result.runs_completed}")
        self.tiles["Throughput"].setText(f"{result.throughput_per_day:.1f}/day")
        self.tiles["Cycle time p50"].setText(format_hours(cycle.p50) if cycle.count else NO_VALUE)
        self.tiles["p90"].setText(format_hours(cycle.p90) if cycle.count else NO_VALUE)
        self.tiles["Unfinished"].setText(f"{result.runs_unfinished}")
        if result.bottleneck is not None:
            self.bottleneck.setText(f"<b>Bottleneck:</b> {result.bottleneck.message}")
            self.bottleneck.show()
        else:
            self.bottleneck.hide()

    def _cycle_times(self, result: SimulationResult) -> None:
        days = np.array([r.cycle_h / 24 for r in result.runs if r.cycle_h is not None])
        if days.size == 0:
            return
        counts, edges = np.histogram(days, bins=min(30, max(5, days.size // 5)))
        width = float(edges[1] - edges[0]) if edges.size > 1 else 1.0
        bars = pg.BarGraphItem(
            x0=edges[:-1], width=width * 0.92, height=counts, brush="#8ab4f8", pen="#1a73e8"
        )
        self.cycle_plot.addItem(bars)
        for pct, value in (("p50", result.cycle_time.p50), ("p90", result.cycle_time.p90)):
            line = pg.InfiniteLine(
                pos=value / 24,
                angle=90,
                pen=pg.mkPen("#d93025", width=1.5, style=Qt.PenStyle.DashLine),
                label=pct,
                labelOpts={"position": 0.92, "color": "#d93025"},
            )
            self.cycle_plot.addItem(line)

    def _assignee_series(self, result: SimulationResult) -> None:
        for plot in (self.queue_plot, self.utilization_plot):
            plot.addLegend(offset=(-10, 10))
        for i, (name, who) in enumerate(result.assignees.items()):
            if not who.items:
                continue
            pen = pg.mkPen(SERIES_COLORS[i % len(SERIES_COLORS)], width=2)
            x = np.array(who.series_hours) / 24
            self.queue_plot.plot(x, np.array(who.series_queue), pen=pen, name=name)
            utilization = np.array(who.series_utilization) * 100
            self.utilization_plot.plot(x, utilization, pen=pen, name=name)

    def _table(self, result: SimulationResult) -> None:
        bold = QFont()
        bold.setBold(True)
        worst = result.bottleneck.step_id if result.bottleneck else None
        for stage in result.stages.values():
            parent = QTreeWidgetItem(
                [
                    stage.name,
                    "",
                    str(stage.runs),
                    "",
                    "",
                    format_hours(stage.time.mean),
                    format_hours(stage.time.p90),
                ]
            )
            parent.setFont(0, bold)
            self.table.addTopLevelItem(parent)
            for step in (s for s in result.steps.values() if s.stage_id == stage.stage_id):
                row = QTreeWidgetItem(
                    [
                        step.name,
                        step.assignee or "",
                        str(step.started),
                        format_hours(step.wait.mean),
                        format_hours(step.work.mean),
                        format_hours(step.time.mean),
                        format_hours(step.time.p90),
                    ]
                )
                if step.step_id == worst:
                    for column in range(len(TABLE_COLUMNS)):
                        row.setForeground(column, QColor("#b3261e"))
                    row.setFont(3, bold)
                    row.setToolTip(0, "Bottleneck")
                parent.addChild(row)
            parent.setExpanded(True)
        for column in range(1, len(TABLE_COLUMNS)):
            self.table.resizeColumnToContents(column)


def _plot(title: str, x_label: str, y_label: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(title=title)
    plot.setLabel("bottom", x_label)
    plot.setLabel("left", y_label)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMenuEnabled(False)
    return plot
