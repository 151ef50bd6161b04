"""`ProcessTestDialog`: Run ▸ Test — the open file's scenarios, their results, and coverage.

The tests are `NAME.tests.json` beside the definition's file; they run against the
definition as drawn (unsaved edits included), on the worker thread, exactly as `baton test`
runs them. The left side lists each scenario (passed, or failed with the lines saying what
differed) and every element no scenario reached; the right side is a copy of the diagram
with those elements highlighted in red and the reached ones in green. Choosing an
unreached element in the list selects it on that diagram. Nothing here changes the
document: the dialog draws its own copy.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.canvas import DiagramScene, DiagramView
from designer.canvas.overlay import DecorationLayer
from designer.document import Document
from designer.proctest.coverage_looks import MISSING_COLOR, REACHED_COLOR, coverage_looks
from designer.proctest.worker import ProcessTestThread
from designer.runs.formatting import counted
from designer.screens import fit_dialog
from designer.selection import Selection
from engine.definition import Orchestration
from engine.proctest import FileResult, tests_path_for
from engine.proctest.coverage import KINDS

_PLURAL = {
    "stage": "stages",
    "step": "steps",
    "branch": "branches",
    "fault": "fault routes",
    "end": "ends",
}


class ProcessTestDialog(QDialog):
    """Runs a definition's process tests and shows results and coverage.

    Args:
        definition: the orchestration as drawn (copied, never changed).
        path: the definition's file (its tests are beside it); None when never saved.

    Signals:
        finished_running(): a run of the tests ended (results or an error are shown).
    """

    finished_running = Signal()

    def __init__(
        self, definition: Orchestration, path: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.definition = definition.model_copy(deep=True)
        self.tests_path = tests_path_for(path) if path else None
        self.result: FileResult | None = None
        self.error: str | None = None
        self.thread: ProcessTestThread | None = None
        self.setWindowTitle(f"Process tests — {definition.name or definition.id}")
        fit_dialog(self, QSize(1300, 800))
        self._build()

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scenarios = QTreeWidget()
        self.scenarios.setHeaderLabels(["Scenario"])
        self.coverage_label = QLabel()
        self.missing = QListWidget()
        self.missing.currentItemChanged.connect(self._show_missing)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.summary)
        column.addWidget(self.scenarios, 3)
        column.addWidget(self.coverage_label)
        column.addWidget(QLabel("Not reached by any scenario:"))
        column.addWidget(self.missing, 2)

        # Parented, so Qt (not Python's collector) decides when the scene and its items go.
        self.scene = DiagramScene(
            Document(self.definition), QUndoStack(self), Selection(self), self
        )
        self.view = DiagramView(self.scene)
        self._fitted = False
        self.layer = DecorationLayer(self.scene)
        legend = QLabel(
            f'<span style="color:{MISSING_COLOR}">■</span> not tested &nbsp; '
            f'<span style="color:{REACHED_COLOR}">■</span> reached by a scenario'
        )
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(legend)
        right_column.addWidget(self.view, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([520, 780])

        self.run_button = QPushButton("Run again")
        self.run_button.clicked.connect(self.run_tests)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    # --- running ------------------------------------------------------------------------------

    def run_tests(self) -> bool:
        """Start running the tests; False (with the reason shown) when there are none."""
        if self.thread is not None and self.thread.isRunning():
            return False
        if self.tests_path is None:
            return self._refuse(
                "Save the orchestration first: its tests live beside the file, in NAME.tests.json."
            )
        if not self.tests_path.exists():
            return self._refuse(
                f"No tests yet: write {self.tests_path.name} beside the definition (see the "
                "user guide, 'Process tests'), or record one from a run with "
                "`baton test --record RUN_ID --into " + self.tests_path.name + "`."
            )
        self.summary.setText(f"Running {self.tests_path.name}…")
        self.run_button.setEnabled(False)
        thread = self.thread = ProcessTestThread(self.tests_path, self.definition, self)
        thread.succeeded.connect(self._show_result)
        thread.failed.connect(self._show_error)
        thread.finished.connect(self._done)
        thread.start()
        return True

    def _refuse(self, message: str) -> bool:
        self.error = message
        self.summary.setText(message)
        self.finished_running.emit()
        return False

    def _done(self) -> None:
        self.run_button.setEnabled(True)
        self.finished_running.emit()

    def _show_error(self, message: str) -> None:
        self.result, self.error = None, message
        self.summary.setText(message)
        self.summary.setStyleSheet(f"color: {MISSING_COLOR};")
        self.scenarios.clear()
        self.missing.clear()
        self.layer.clear()

    def _show_result(self, result: FileResult) -> None:
        self.result, self.error = result, None
        failed = len(result.failed)
        passed = len(result.results) - failed
        words = f"{failed} failed, {passed} passed" if failed else f"{passed} passed"
        self.summary.setText(f"{self.tests_path.name if self.tests_path else ''}: {words}")
        self.summary.setStyleSheet(f"color: {MISSING_COLOR};" if failed else "")
        self.scenarios.clear()
        for scenario in result.results:
            mark = "✓" if scenario.passed else "✗"
            item = QTreeWidgetItem([f"{mark} {scenario.name}"])
            item.setToolTip(0, scenario.name)
            for line in scenario.failures:
                child = QTreeWidgetItem([line])
                child.setToolTip(0, line)
                item.addChild(child)
            self.scenarios.addTopLevelItem(item)
            item.setExpanded(not scenario.passed)
        coverage = result.coverage
        self.coverage_label.setText(
            "Coverage: "
            + ", ".join(
                f"{_PLURAL[kind]} {reached}/{total}"
                for kind in KINDS
                for reached, total in [coverage.counts(kind)]
                if total or kind != "fault"
            )
            + f" ({coverage.branch_percent():.0f}% of branches)"
        )
        self.missing.clear()
        for element in coverage.missing():
            row = QListWidgetItem(f"{element.kind}: {element.label}")
            row.setData(Qt.ItemDataRole.UserRole, element.flow or element.node)
            self.missing.addItem(row)
        if not coverage.missing():
            self.missing.addItem(counted(len(coverage.elements), "element") + ", all reached")
        self.layer.set_looks(coverage_looks(coverage))

    def _show_missing(self, current: QListWidgetItem | None, _previous: object) -> None:
        key = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        if key is None:
            return
        key = tuple(key) if isinstance(key, list) else key
        self.scene.selection.set([key])
        item = self.scene.item_for(key)
        if item is not None:
            self.view.centerOn(item)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            # The whole coverage diagram in view (it opened at 100 %, its middle only, with
            # names cut at the edges); kept whole as the splitter and dialog settle.
            self._fitted = True
            self.view.installEventFilter(self)
            QTimer.singleShot(0, self.view.fit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self.view.refit)  # only while not zoomed or panned since
        return super().eventFilter(watched, event)

    # --- closing ------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.thread is not None:
            self.thread.wait()
        super().closeEvent(event)
