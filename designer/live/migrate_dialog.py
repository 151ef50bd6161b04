"""Run ▸ Migrate runs…: move the open runs of one version to another, after seeing the plan.

The plan (`engine.migration.plan_migration`, the same preview `baton migrate plan` prints)
fills a table, one row per open run: where it is, where it lands, which work items stay,
are withdrawn or are created, which waits and timers go or move, or why it cannot move.
Beside it the two versions are drawn, with what the new version added, removed or changed
marked on each; selecting a row marks the run's stage on the old diagram and its landing
stage on the new one. Apply moves the runs the plan says can move (each in its own
transaction, on the engine's thread), with the reason typed here, then plans again.

On a Temporal runtime the same calls reach the runs' workflows: `plan_migration` folds
each run's events from its history, and `apply_migration` sends each workflow its
`migrate` Update (`engine.temporal.migration`); the versions and diagrams come from the
catalogue database either way.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.canvas.overlay import DecorationLayer, Look
from designer.canvas.scene import DiagramScene
from designer.headless import scene_for
from designer.live.bridge import EngineBridge
from designer.screens import fit_dialog
from engine.definition import Orchestration
from engine.errors import BatonError
from engine.migration import (
    MIGRATABLE,
    MigrationPlan,
    MigrationResult,
    RunPlan,
    Selection,
    apply_migration,
    parse_mapping,
    plan_migration,
)
from engine.runtime.protocol import RunEngine

ADDED, REMOVED, CHANGED, HERE = "#1e8e3e", "#b3261e", "#b06000", "#1a73e8"
COLUMNS = (
    "Run",
    "Status",
    "Now in",
    "Lands in",
    "Items stay",
    "Withdrawn",
    "Created",
    "Waits and timers",
    "Can move",
)


class MigrateRunsDialog(QDialog):
    """Versions, mapping and reason; Plan shows the table and diagrams, Apply moves runs."""

    def __init__(
        self,
        bridge: EngineBridge,
        orchestration: str,
        actor: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Migrate runs of {orchestration}")
        fit_dialog(self, QSize(1280, 760))
        self._bridge, self._orchestration, self._actor = bridge, orchestration, actor
        self.plan: MigrationPlan | None = None
        self.result: MigrationResult | None = None
        self.layers: dict[str, DecorationLayer] = {}
        self._build()
        bridge.submit(lambda engine: _versions(engine, orchestration), self._listed, self._fail)

    # --- the widgets ------------------------------------------------------------------------

    def _build(self) -> None:
        self.from_box, self.to_box = QComboBox(), QComboBox()
        for box in (self.from_box, self.to_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.mapping = QLineEdit()
        self.mapping.setPlaceholderText("old=new, … (only for renamed stages or steps)")
        self.plan_button = QPushButton("Plan")
        self.plan_button.setEnabled(False)
        choose = QHBoxLayout()
        for label, widget in (("From version", self.from_box), ("to version", self.to_box)):
            choose.addWidget(QLabel(label))
            choose.addWidget(widget)
        choose.addWidget(QLabel("Map"))
        choose.addWidget(self.mapping, 1)
        choose.addWidget(self.plan_button)

        self.summary = QLabel("Choose the versions, then Plan.")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._mark_selected_run)

        self.old_title, self.new_title = QLabel("Old version"), QLabel("New version")
        self.old_view, self.new_view = _WholeDiagramView(), _WholeDiagramView()
        diagrams = QWidget()
        column = QVBoxLayout(diagrams)
        column.setContentsMargins(0, 0, 0, 0)
        for title, view in ((self.old_title, self.old_view), (self.new_title, self.new_view)):
            column.addWidget(title)
            column.addWidget(view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(diagrams)
        splitter.setSizes([760, 520])

        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why the runs move (logged on each run)")
        self.apply_button = QPushButton("Apply")
        self.apply_button.setEnabled(False)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Reason"))
        bottom.addWidget(self.reason, 1)
        bottom.addWidget(self.apply_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.plan_button.clicked.connect(self.make_plan)
        self.apply_button.clicked.connect(self.apply)
        self.reason.textChanged.connect(self._enable_apply)

    # --- versions -----------------------------------------------------------------------------

    def _listed(self, versions: list[dict[str, Any]]) -> None:
        numbers = [v["version"] for v in versions]
        if len(numbers) < 2:
            # Said as the newcomer's next step ("has 0 version(s)" left them guessing).
            if not numbers:
                text = (
                    f"{self._orchestration} is not on this engine yet: activate it "
                    "(Run ▸ Activate); runs move between versions once a newer one is active."
                )
            else:
                text = (
                    f"{self._orchestration} has only version {numbers[0]} on this engine: "
                    "edit it and activate the new version, then its runs can move to it."
                )
            self.summary.setText(text)
            return
        for box in (self.from_box, self.to_box):
            box.clear()
            for v in versions:
                label = f"{v['version']}" + (" (active)" if v["active"] else "")
                box.addItem(label, v["version"])
        # The usual move: the oldest version that still has open runs, to the active one.
        with_runs = [v["version"] for v in versions if v["open_runs"]]
        active = next((v["version"] for v in versions if v["active"]), numbers[-1])
        older = [n for n in with_runs if n != active] or [numbers[0]]
        self.from_box.setCurrentIndex(numbers.index(older[0]))
        self.to_box.setCurrentIndex(numbers.index(active))
        self.plan_button.setEnabled(True)

    # --- plan ---------------------------------------------------------------------------------

    def selection(self) -> Selection:
        """What the boxes and the mapping say (raises UsageError for a bad mapping)."""
        pairs = [p.strip() for p in self.mapping.text().split(",") if p.strip()]
        return Selection(
            self._orchestration,
            self.from_box.currentData(),
            self.to_box.currentData(),
            mapping=parse_mapping(pairs),
        )

    def make_plan(self) -> None:
        """Ask the engine for the plan of the chosen versions."""
        try:
            selection = self.selection()
        except BatonError as exc:
            self._fail(str(exc))
            return
        self.plan_button.setEnabled(False)
        self.apply_button.setEnabled(False)
        self.summary.setText("Planning…")
        self._bridge.submit(lambda engine: _plan(engine, selection), self._planned, self._fail)

    def _planned(self, found: tuple[MigrationPlan, Orchestration, Orchestration]) -> None:
        plan, old, new = found
        self.plan = plan
        self.plan_button.setEnabled(True)
        movable = len(plan.runs) - len(plan.blocked)
        s = plan.selection
        self.summary.setText(
            f"Version {s.from_version} → {s.to_version}: {movable} of {len(plan.runs)} open "
            f"run(s) can move, {len(plan.blocked)} cannot. " + _changes_text(plan.changes)
        )
        self._fill_table(plan.runs)
        self._draw(old, new, plan.changes)
        self._enable_apply()

    def _fill_table(self, runs: list[RunPlan]) -> None:
        self.table.setRowCount(len(runs))
        for row, run in enumerate(runs):
            for column, text in enumerate(_row(run)):
                cell = QTableWidgetItem(text)
                if not run.possible:
                    cell.setForeground(Qt.GlobalColor.darkRed)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        for column in range(len(COLUMNS) - 1):  # long lists wrap rather than push the rest out
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 200))
        self.table.resizeRowsToContents()

    def _draw(self, old: Orchestration, new: Orchestration, changes: dict[str, list[str]]) -> None:
        self.old_title.setText(f"Version {old.version}: removed in red, changed in amber")
        self.new_title.setText(f"Version {new.version}: added in green, changed in amber")
        for key, view, definition in (("old", self.old_view, old), ("new", self.new_view, new)):
            previous = view.scene()
            scene = scene_for(definition)
            scene.setParent(view)
            view.setScene(scene)
            if previous is not None:
                previous.deleteLater()
            self.layers[key] = DecorationLayer(scene)
            view.fit()
        self._mark(None)

    def _mark(self, run: RunPlan | None) -> None:
        changes = self.plan.changes if self.plan else {"added": [], "removed": [], "changed": []}
        old_looks = {k: _look(REMOVED, "removed") for k in changes["removed"]}
        new_looks = {k: _look(ADDED, "added") for k in changes["added"]}
        for key in changes["changed"]:
            old_looks[key] = new_looks[key] = _look(CHANGED, "changed")
        if run is not None:
            if run.stage:
                old_looks[run.stage] = _look(HERE, "run is here", emphasis=True)
            if run.lands_in:
                new_looks[run.lands_in] = _look(HERE, "lands here", emphasis=True)
        if "old" in self.layers:
            self.layers["old"].set_looks(old_looks)
            self.layers["new"].set_looks(new_looks)

    def _mark_selected_run(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        run = self.plan.runs[min(rows)] if self.plan and rows else None
        self._mark(run)

    # --- apply --------------------------------------------------------------------------------

    def _enable_apply(self) -> None:
        movable = self.plan is not None and len(self.plan.blocked) < len(self.plan.runs)
        self.apply_button.setEnabled(movable and bool(self.reason.text().strip()))

    def apply(self) -> None:
        """Move the planned runs (the blocked ones are refused with their reasons)."""
        if self.plan is None:
            return
        selection, reason, actor = self.plan.selection, self.reason.text().strip(), self._actor
        chosen = tuple(r.run for r in self.plan.runs if r.possible)
        moving = Selection(
            selection.orchestration,
            selection.from_version,
            selection.to_version,
            mapping=selection.mapping,
            runs=chosen,
        )
        self.apply_button.setEnabled(False)
        self.summary.setText(f"Moving {len(chosen)} run(s)…")
        self._bridge.submit(
            lambda engine: apply_migration(engine, moving, reason, actor), self._applied, self._fail
        )

    def _applied(self, result: MigrationResult) -> None:
        self.result = result
        refused = "".join(f"\n{run}: {why}" for run, why in result.refused)
        self.summary.setText(f"Moved {len(result.moved)} run(s).{refused}")
        # What is left on the old version (runs that could not move, or changed meanwhile).
        self.make_plan()

    def _fail(self, message: str) -> None:
        self.plan_button.setEnabled(self.from_box.count() > 0)
        self.summary.setText(message)


# --- work on the engine's thread ----------------------------------------------------------


def _versions(engine: RunEngine, orchestration: str) -> list[dict[str, Any]]:
    """The stored versions of one orchestration, oldest first, with their open-run counts."""
    found = [d for d in engine.definitions() if d["id"] == orchestration]
    counts: dict[int, int] = {}
    for run in engine.runs(orchestration=orchestration):
        if run["status"] in MIGRATABLE:
            counts[run["version"]] = counts.get(run["version"], 0) + 1
    return [
        {
            "version": d["version"],
            "active": bool(d["active"]),
            "open_runs": counts.get(d["version"], 0),
        }
        for d in sorted(found, key=lambda d: d["version"])
    ]


def _plan(
    engine: RunEngine, selection: Selection
) -> tuple[MigrationPlan, Orchestration, Orchestration]:
    plan = plan_migration(engine, selection)
    with engine.store.read() as conn:
        old = engine.plan(selection.orchestration, selection.from_version, conn).definition
        new = engine.plan(selection.orchestration, selection.to_version, conn).definition
    return plan, old, new


# --- how things read ----------------------------------------------------------------------


class _WholeDiagramView(QGraphicsView):
    """A stored version's diagram, always shown whole; a picture, nothing here edits it."""

    def __init__(self) -> None:
        super().__init__()
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setInteractive(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit(self) -> None:
        """Scale the whole diagram into the view."""
        scene = self.scene()
        if isinstance(scene, DiagramScene):
            self.fitInView(scene.diagram_bounds(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()


def _look(color: str, tag: str, emphasis: bool = False) -> Look:
    return Look(color=color, tint=40, tag=tag, emphasis=emphasis, tooltip=tag)


def _changes_text(changes: dict[str, list[str]]) -> str:
    parts = [f"{kind}: {', '.join(ids)}" for kind, ids in changes.items() if ids]
    return ("Changed elements — " + "; ".join(parts) + ".") if parts else "The versions draw alike."


def _items(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"{i['step']} ({i['assignee']})" for i in items)


def _row(run: RunPlan) -> list[str]:
    holds = [f"wait dropped: {w['step']}" for w in run.waits_dropped]
    holds += [f"wait moved: {w['from']} → {w['step']}" for w in run.waits_moved]
    holds += [f"wait created: {w['step']}" for w in run.waits_created]
    holds += [f"{t['kind']} timer dropped: {t['step']}" for t in run.timers_dropped]
    holds += [f"{t['kind']} timer moved: {t['from']} → {t['step']}" for t in run.timers_moved]
    holds += [f"{t['kind']} timer created: {t['step']}" for t in run.timers_created]
    verdict = "yes" if run.possible else "no: " + "; ".join(run.reasons)
    if run.possible and run.then:
        verdict += f" (then {run.then})"
    return [
        run.run,
        run.status,
        run.stage or "-",
        (run.lands_in or "-") if run.possible else "-",
        _items(run.items_kept),
        _items(run.items_withdrawn),
        _items(run.items_created),
        "\n".join(holds),
        verdict,
    ]
