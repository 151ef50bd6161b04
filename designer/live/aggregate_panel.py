"""`AggregatePanel`: all runs of a version as a heatmap on the diagram, and the stuck runs.

The numbers are read and folded on the engine's thread (designer/live/aggregate.py); the
panel only picks the version and the metric, paints the heatmap and lists stuck runs with
their reasons. It counts the newest `HEAT_RUNS` runs of the version at first and says so
when older ones were left out ("Count older runs too" adds as many again). While shown it
refreshes at most once a second as runs change. A heatmap and a single run's overlay would
fight over the same cards, so showing one hides the other.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.canvas.overlay import HeatmapOverlay
from designer.canvas.scene import DiagramScene
from designer.live.aggregate import (
    HEAT_RUNS,
    METRICS,
    KnownLogs,
    RunsAggregate,
    heatmap_of_runs,
    load_aggregate,
)
from designer.live.bridge import EngineBridge
from designer.live.monitor import RunMonitor
from designer.runs.formatting import counted, when

REFRESH_MS = 1000
_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")


def readable(reason: str) -> str:
    """A stuck reason with stored times (`2026-01-07T18:00:00.000000Z`) as people write them."""
    return _STORED_TIME.sub(lambda m: when(m.group(0)), reason)


class AggregatePanel(QWidget):
    """Heatmap of a version's runs on `scene`, with the stuck runs listed.

    Args:
        bridge: the engine bridge.
        scene: the diagram to paint on.
        orchestration: the orchestration id whose runs are aggregated.
        monitor: the run monitor, hidden while the heatmap shows (and the other way round).

    Signals:
        run_activated(str): a stuck run was double-clicked (select it in the runs panel).
        refreshed(): new numbers were loaded and painted.
    """

    run_activated = Signal(str)
    refreshed = Signal()

    def __init__(
        self,
        bridge: EngineBridge,
        scene: DiagramScene,
        orchestration: str,
        monitor: RunMonitor | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge, self.orchestration, self.monitor = bridge, orchestration, monitor
        self.heatmap = HeatmapOverlay(scene)
        self.aggregate: RunsAggregate | None = None
        self.limit = HEAT_RUNS  # the newest runs counted; raised by "Count older runs too"
        # Logs read before, kept current by the change feed: a refresh reads only new runs.
        self._known = KnownLogs()
        bridge.events_appended.connect(self._known.append)
        self._build()
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        bridge.runs_changed.connect(self._runs_changed)
        if monitor is not None:
            monitor.shown.connect(lambda _run: self.show_button.setChecked(False))

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        self.show_button = QPushButton("Show heatmap on diagram")
        self.show_button.setCheckable(True)
        self.heat_metric = QComboBox()
        for key, text in METRICS.items():
            self.heat_metric.addItem(text, key)
        self.version = QComboBox()
        self.version.addItem("Newest version", None)
        row.addWidget(self.show_button)
        row.addWidget(QLabel("Colour by"))
        row.addWidget(self.heat_metric)
        row.addWidget(self.version)
        row.addStretch(1)
        layout.addLayout(row)
        self.summary = QLabel("No runs loaded yet.")
        self.summary.setWordWrap(True)
        self.count_older = QPushButton(f"Count {HEAT_RUNS:,} older runs too")
        self.count_older.setToolTip("Only the newest runs are read at first; read more of them")
        self.count_older.clicked.connect(self.load_more)
        self.count_older.hide()
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.count_older, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(summary_row)
        self.stuck = QTreeWidget()
        self.stuck.setHeaderLabels(["Stuck run", "Stage", "Why"])
        self.stuck.setRootIsDecorated(False)
        self.stuck.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.stuck, 1)
        self.show_button.toggled.connect(self._toggled)
        self.heat_metric.currentIndexChanged.connect(self._repaint)
        self.version.currentIndexChanged.connect(self._version_changed)
        self.stuck.itemDoubleClicked.connect(
            lambda item, _col: self.run_activated.emit(item.data(0, Qt.ItemDataRole.UserRole))
        )

    # --- loading ------------------------------------------------------------------------------

    def set_orchestration(self, orchestration: str) -> None:
        """Aggregate another orchestration's runs (a different file was opened)."""
        self.orchestration, self.aggregate = orchestration, None
        self.limit = HEAT_RUNS
        self._known.forget()
        self.version.blockSignals(True)
        while self.version.count() > 1:
            self.version.removeItem(1)
        self.version.setCurrentIndex(0)
        self.version.blockSignals(False)
        self.stuck.clear()
        self.heatmap.clear()
        if self.show_button.isChecked():
            self.refresh()

    def refresh(self) -> None:
        """Read the runs again (off the UI thread) and repaint."""
        orchestration, version = self.orchestration, self.version.currentData()
        known, limit = self._known.copy(), self.limit
        self.bridge.submit(
            lambda engine: load_aggregate(engine, orchestration, version, known, limit),
            self._loaded,
        )

    def load_more(self) -> None:
        """Count as many older runs again (the heatmap first counts the newest only)."""
        self.limit += HEAT_RUNS
        self.refresh()

    def _version_changed(self) -> None:
        self.limit = HEAT_RUNS
        self.refresh()

    def _runs_changed(self) -> None:
        if self.show_button.isChecked() and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _loaded(self, aggregate: RunsAggregate) -> None:
        if aggregate.orchestration == self.orchestration:
            self._known.keep(aggregate.logs)
        self.aggregate = aggregate
        if aggregate.version is not None and self.version.findData(aggregate.version) < 0:
            self.version.blockSignals(True)
            self.version.addItem(f"Version {aggregate.version}", aggregate.version)
            self.version.blockSignals(False)
        crowd = sum(s.now for s in aggregate.steps.values())
        runs = counted(aggregate.runs, "run")
        self.summary.setText(
            (f"Newest {runs} (older ones not counted)" if aggregate.more else runs)
            + f" of version {aggregate.version};"
            f" {counted(crowd, 'open step')} "
            f"now; {len(aggregate.stuck)} stuck."
            if aggregate.version is not None
            else "No runs of this orchestration yet."
        )
        self.count_older.setVisible(aggregate.more)
        self.stuck.clear()
        for run in aggregate.stuck:
            reasons = [readable(reason) for reason in run.reasons]
            item = QTreeWidgetItem([run.run_id, run.stage or "", "; ".join(reasons)])
            item.setData(0, Qt.ItemDataRole.UserRole, run.run_id)
            item.setToolTip(2, "\n".join(reasons))
            self.stuck.addTopLevelItem(item)
        self.stuck.resizeColumnToContents(0)
        self._repaint()
        self.refreshed.emit()

    # --- painting -----------------------------------------------------------------------------

    def _toggled(self, on: bool) -> None:
        if not on:
            self.heatmap.clear()
            return
        if self.monitor is not None:
            self.monitor.clear()
        self.refresh()

    def _repaint(self) -> None:
        if self.aggregate is None or not self.show_button.isChecked():
            return
        if self.aggregate.version is None:
            self.heatmap.clear()  # no runs: nothing to colour
            return
        self.heatmap.apply(heatmap_of_runs(self.aggregate, self.heat_metric.currentData()))
