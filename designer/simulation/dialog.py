"""`SimulationDialog`: edit a scenario, simulate it off the UI thread, read the results.

The scenario is loaded from `NAME.scenario.json` beside the definition (or started from
every step and assignee with the defaults) and saved back there. Run starts a
`SimulationThread`; the progress bar follows it and Cancel stops it with partial results.
The results show as tiles, plots and a waiting-vs-working table, and as a heatmap on a copy
of the diagram with the bottleneck flagged. Results export as CSV (per step) and JSON.

The dialog draws its own copy of the definition, so nothing here can change the document.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.canvas import DiagramScene, DiagramView
from designer.canvas.overlay import HeatmapOverlay
from designer.document import Document
from designer.runs.formatting import counted, overdue_text_color
from designer.screens import fit_dialog
from designer.selection import Selection
from designer.simulation.export import write_results_csv, write_results_json
from designer.simulation.heat import METRICS, heatmap_of_simulation
from designer.simulation.results_panel import ResultsPanel
from designer.simulation.scenario_editor import ScenarioEditor
from designer.simulation.worker import SimulationThread
from engine.definition import Orchestration
from engine.errors import BatonError
from engine.simulation import (
    Scenario,
    SimulationProgress,
    SimulationResult,
    load_scenario,
    save_scenario,
    scenario_path_for,
    starter_scenario,
)


class SimulationDialog(QDialog):
    """Simulate a definition before go-live.

    Args:
        definition: the orchestration as currently drawn (it is copied, never changed).
        path: the definition's file; its scenario lives beside it (None: not saved yet).
    """

    def __init__(
        self, definition: Orchestration, path: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.definition = definition.model_copy(deep=True)
        self.path = Path(path) if path else None
        self.scenario_path = scenario_path_for(self.path) if self.path else None
        self.last_result: SimulationResult | None = None
        self.thread: SimulationThread | None = None
        self.setWindowTitle(f"Simulate — {definition.name or definition.id}")
        fit_dialog(self, QSize(1500, 900))
        self._build()
        self._load_initial()

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.editor = ScenarioEditor(self.definition)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        files = QHBoxLayout()
        self.scenario_label = QLabel()
        self.scenario_label.setStyleSheet("color: palette(placeholder-text);")
        self.load_button = QPushButton("Load…")
        self.save_button = QPushButton("Save scenario")
        files.addWidget(self.scenario_label, 1)
        files.addWidget(self.load_button)
        files.addWidget(self.save_button)
        column.addLayout(files)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.editor)
        column.addWidget(scroll, 1)

        self.results = ResultsPanel()
        # Parented, so Qt (not Python's collector) decides when the scene and its items go.
        self.scene = DiagramScene(
            Document(self.definition), QUndoStack(self), Selection(self), self
        )
        self.view = DiagramView(self.scene)
        self.heatmap = HeatmapOverlay(self.scene)
        diagram = QWidget()
        diagram_column = QVBoxLayout(diagram)
        diagram_column.setContentsMargins(0, 0, 0, 0)
        metric_row = QHBoxLayout()
        self.heat_metric = QComboBox()
        for key, text in METRICS.items():
            self.heat_metric.addItem(text, key)
        metric_row.addWidget(QLabel("Colour steps by"))
        metric_row.addWidget(self.heat_metric)
        metric_row.addStretch(1)
        diagram_column.addLayout(metric_row)
        diagram_column.addWidget(self.view, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.results, "Results")
        self.tabs.addTab(diagram, "On the diagram")

        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setSizes([660, 840])

        bottom = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("Ready")
        self.status = QLabel()
        self.run_button = QPushButton("Run simulation")
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.csv_button = QPushButton("Export CSV…")
        self.json_button = QPushButton("Export JSON…")
        self.close_button = QPushButton("Close")
        for button in (self.csv_button, self.json_button):
            button.setEnabled(False)
        bottom.addWidget(self.progress, 2)
        bottom.addWidget(self.status, 3)
        for button in (
            self.run_button,
            self.cancel_button,
            self.csv_button,
            self.json_button,
            self.close_button,
        ):
            bottom.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self.load_button.clicked.connect(lambda: self.load_scenario_file())
        self.save_button.clicked.connect(lambda: self.save_scenario_file())
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.json_button.clicked.connect(lambda: self.export("json"))
        self.close_button.clicked.connect(self.reject)
        self.heat_metric.currentIndexChanged.connect(self._paint_heatmap)
        # Fit once the page is laid out at its real size (the next turn of the event loop).
        self.tabs.currentChanged.connect(
            lambda index: index == 1 and QTimer.singleShot(0, self.view.fit)
        )

    # --- scenario files -----------------------------------------------------------------------

    def _load_initial(self) -> None:
        if self.scenario_path is not None and self.scenario_path.is_file():
            self.load_scenario_file(self.scenario_path)
        else:
            self.editor.set_scenario(starter_scenario(self.definition))
            where = self.scenario_path.name if self.scenario_path else "not saved yet"
            self.scenario_label.setText(f"New scenario ({where})")
        self.save_button.setEnabled(self.scenario_path is not None)

    def load_scenario_file(self, path: Path | None = None) -> bool:
        """Read a scenario file into the form (asks which when no path is given)."""
        if path is None:
            start = str(self.scenario_path.parent) if self.scenario_path else ""
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Load scenario", start, "Scenarios (*.scenario.json);;JSON (*.json)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        try:
            scenario = load_scenario(path)
        except BatonError as exc:
            self._say(str(exc), error=True)
            return False
        self.editor.set_scenario(scenario)
        self.scenario_label.setText(f"Scenario: {path.name}")
        return True

    def save_scenario_file(self, path: Path | None = None) -> Path | None:
        """Write the form's scenario beside the definition (or to `path`)."""
        target = path or self.scenario_path
        scenario = self._scenario()
        if target is None or scenario is None:
            return None
        save_scenario(scenario, target)
        self.scenario_label.setText(f"Scenario: {target.name} (saved)")
        return target

    def _scenario(self) -> Scenario | None:
        try:
            return self.editor.scenario()
        except BatonError as exc:
            self._say(str(exc), error=True)
            return None

    # --- running ------------------------------------------------------------------------------

    def run(self) -> bool:
        """Start simulating the form's scenario; False when it does not parse."""
        scenario = self._scenario()
        if scenario is None or self.thread is not None:
            return False
        self.thread = SimulationThread(
            self.definition, scenario, str(self.scenario_path or ""), self
        )
        self.thread.progressed.connect(self._progressed)
        self.thread.succeeded.connect(self._succeeded)
        self.thread.failed.connect(self._failed)
        self.thread.finished.connect(self._thread_done)
        self._scenario_run = scenario
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        # Busy until the first run finishes: with a long queue that can take a while.
        self.progress.setRange(0, 0)
        self.progress.setFormat("Starting…")
        self._say("Simulating on a virtual clock…")
        self.thread.start()
        return True

    def cancel(self) -> None:
        """Stop the running simulation; the results so far are shown."""
        if self.thread is not None:
            self.thread.cancel()
            self.cancel_button.setEnabled(False)
            self._say("Canceling…")

    def _progressed(self, progress: SimulationProgress) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(round(progress.fraction * 1000))
        self.progress.setFormat(
            f"{progress.runs_finished} of {counted(progress.runs_planned, 'run')} · "
            f"day {progress.virtual_hours / 24:.0f}"
        )

    def _succeeded(self, result: SimulationResult) -> None:
        self.last_result = result
        self.results.show_result(result)
        self._paint_heatmap()
        for button in (self.csv_button, self.json_button):
            button.setEnabled(True)
        done = "Canceled: partial results" if result.canceled else "Done"
        self.progress.setFormat(done)
        if not result.canceled:
            self.progress.setValue(1000)
        text = (
            f"{done}: {result.runs_completed} of {counted(result.runs_started, 'run')}"
            f" completed in {result.virtual_hours / 24:.0f} simulated days."
        )
        if result.shortfall:  # the arrival horizon came first: say so, with what to change
            text += f" {result.shortfall}."
        self._say(text)

    def _failed(self, message: str) -> None:
        self.progress.setFormat("Failed")
        self._say(message, error=True)

    def _thread_done(self) -> None:
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1000)
        if self.thread is not None:
            self.thread.deleteLater()
        self.thread = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _paint_heatmap(self) -> None:
        if self.last_result is not None:
            self.heatmap.apply(
                heatmap_of_simulation(self.last_result, self.heat_metric.currentData())
            )

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setToolTip(text)
        self.status.setStyleSheet(f"color: {overdue_text_color().name()};" if error else "")

    # --- export -------------------------------------------------------------------------------

    def export(self, fmt: str, path: Path | None = None) -> Path | None:
        """Write the results as `csv` or `json` (asks where when no path is given)."""
        if self.last_result is None:
            return None
        if path is None:
            stem = (self.path.name.split(".")[0] if self.path else self.definition.id) + "-sim"
            start = str((self.path.parent if self.path else Path.cwd()) / f"{stem}.{fmt}")
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export results", start, f"{fmt.upper()} (*.{fmt})"
            )
            if not chosen:
                return None
            path = Path(chosen)
        if fmt == "csv":
            written = write_results_csv(self.last_result, path)
        else:
            written = write_results_json(self.last_result, path, self._scenario_run)
        self._say(f"Results written to {written}")
        return written

    def done(self, code: int) -> None:
        """Closing stops a running simulation first (its thread must not outlive us)."""
        if self.thread is not None:
            self.thread.cancel()
            self.thread.wait(10_000)
        self.scene.detach()
        super().done(code)
