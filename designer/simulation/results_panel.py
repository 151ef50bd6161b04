"""`ResultsPanel`: a simulation's numbers, plots and per-stage/step table.

Plots are pyqtgraph (pure Python on our PySide6, quick with long series; QtCharts is not in
PySide6-Essentials): the cycle time distribution of completed runs, and per assignee the
queue length and the utilization (per day or week, see `series`) over simulated time, each
with its legend under the plot, never over the lines. The table splits each stage's and
step's time into waiting (in an assignee's queue) and working, one unit per column.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
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
from designer.simulation.series import column_unit, utilization_by_period, utilization_period
from engine.simulation import SimulationResult

NO_VALUE = "\u2014"  # an em dash: nothing measured yet
SERIES_COLORS = ["#1a73e8", "#e8710a", "#188038", "#a142f4", "#d93025", "#12b5cb", "#f9ab00"]
TABLE_COLUMNS = ("Stage / step", "Assignee", "Runs", "Waiting", "Working", "Total", "p90 total")
DURATION_COLUMNS = (3, 4, 5, 6)
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
            caption.setStyleSheet("color: palette(placeholder-text);")
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
        self.utilization_plot = _plot("Utilization per assignee", "day", "% of working time busy")
        self.utilization_plot.setYRange(0, 100)
        self.queue_legend = SeriesLegend()
        self.utilization_legend = SeriesLegend()
        self.table = QTreeWidget()
        self.table.setHeaderLabels(list(TABLE_COLUMNS))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # Names first and whole: the numbers are short, the panel scrolls sideways if need be.
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.header().setStretchLastSection(False)
        self.tabs.addTab(self.cycle_plot, "Cycle time")
        self.tabs.addTab(_with_legend(self.queue_plot, self.queue_legend), "Queues")
        self.tabs.addTab(
            _with_legend(self.utilization_plot, self.utilization_legend), "Utilization"
        )
        self.tabs.addTab(self.table, "Waiting vs working")
        layout.addWidget(self.tabs, 1)

    def show_result(self, result: SimulationResult | None) -> None:
        """Fill every tile, plot and row from a result."""
        for plot in (self.cycle_plot, self.queue_plot, self.utilization_plot):
            plot.clear()
        for legend in (self.queue_legend, self.utilization_legend):
            legend.show_series([])
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
        shown: list[tuple[str, str]] = []
        horizon = max(
            (max(w.series_hours, default=0.0) for w in result.assignees.values()), default=0.0
        )
        period = utilization_period(horizon)
        self.utilization_plot.setTitle(
            f"Utilization per assignee, per {'week' if period > 24 else 'day'}",
            color=QApplication.palette().color(QPalette.ColorRole.Text).name(),
        )
        for i, (name, who) in enumerate(result.assignees.items()):
            if not who.items:
                continue
            color = SERIES_COLORS[i % len(SERIES_COLORS)]
            pen = pg.mkPen(color, width=2)
            x = np.array(who.series_hours) / 24
            self.queue_plot.plot(x, np.array(who.series_queue), pen=pen)
            days, percents = utilization_by_period(
                who.series_hours, who.series_utilization, who.series_capacity, period
            )
            self.utilization_plot.plot(
                np.array(days),
                np.array(percents),
                pen=pen,
                symbol="o",
                symbolSize=6,
                symbolBrush=color,
                symbolPen=color,
                connect="finite",
            )
            shown.append((color, name))
        for legend in (self.queue_legend, self.utilization_legend):
            legend.show_series(shown)

    def _table(self, result: SimulationResult) -> None:
        bold = QFont()
        bold.setBold(True)
        worst = result.bottleneck.step_id if result.bottleneck else None
        steps = list(result.steps.values())
        stages = list(result.stages.values())
        # One unit per column, named in the header: a column mixing min, h and d reads wrong.
        columns = {
            3: [s.wait.mean for s in steps],
            4: [s.work.mean for s in steps],
            5: [s.time.mean for s in steps] + [s.time.mean for s in stages],
            6: [s.time.p90 for s in steps] + [s.time.p90 for s in stages],
        }
        units = {column: column_unit(values) for column, values in columns.items()}
        self.table.setHeaderLabels(
            [
                f"{name} ({units[i].label})" if i in units else name
                for i, name in enumerate(TABLE_COLUMNS)
            ]
        )
        for stage in stages:
            parent = QTreeWidgetItem(
                [
                    stage.name,
                    "",
                    str(stage.runs),
                    "",
                    "",
                    units[5].format(stage.time.mean),
                    units[6].format(stage.time.p90),
                ]
            )
            parent.setFont(0, bold)
            self.table.addTopLevelItem(parent)
            for step in (s for s in steps if s.stage_id == stage.stage_id):
                row = QTreeWidgetItem(
                    [
                        step.name,
                        step.assignee or "",
                        str(step.started),
                        units[3].format(step.wait.mean),
                        units[4].format(step.work.mean),
                        units[5].format(step.time.mean),
                        units[6].format(step.time.p90),
                    ]
                )
                for column in DURATION_COLUMNS:
                    row.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
                if step.step_id == worst:
                    for column in range(len(TABLE_COLUMNS)):
                        row.setForeground(column, QColor("#b3261e"))
                    row.setFont(3, bold)
                    row.setToolTip(0, "Bottleneck")
                parent.addChild(row)
            parent.setExpanded(True)


class SeriesLegend(QLabel):
    """Which colour is which assignee, in a row under a plot (never over its lines)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.names: list[str] = []

    def show_series(self, series: list[tuple[str, str]]) -> None:
        """(colour, name) pairs, in plot order."""
        self.names = [name for _, name in series]
        self.setText(
            " &nbsp; ".join(
                f'<span style="color:{color}; font-size:14px;">&#9632;</span>&nbsp;{name}'
                for color, name in series
            )
        )


def _with_legend(plot: pg.PlotWidget, legend: SeriesLegend) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 4)
    column.addWidget(plot, 1)
    column.addWidget(legend)
    return box


def _plot(title: str, x_label: str, y_label: str) -> pg.PlotWidget:
    palette = QApplication.palette()  # light or dark, as the window (View ▸ Theme)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    plot = pg.PlotWidget(title=title, background=base)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setTextPen(text)
        plot.getAxis(axis).setPen(text)
    plot.setTitle(title, color=text.name())
    plot.setLabel("bottom", x_label)
    plot.setLabel("left", y_label)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMenuEnabled(False)
    return plot
