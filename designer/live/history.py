"""A run's history: its event log as a table, and a scrubber that replays any past moment.

The replay itself is the engine's (`engine.runtime.replay`, through `designer.runs.moments`);
this module only lets a person pick the moment and tells the overlay about it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from designer.live.bridge import EngineBridge
from designer.live.log_export import write_csv, write_json
from designer.runs.formatting import STATUS_COLORS, describe_event, when
from designer.runs.moments import RunSnapshot, snapshot_at, state_at
from engine.definition import Orchestration
from engine.runtime.events import EventType
from engine.runtime.plan import Plan
from engine.runtime.protocol import RunEngine

__all__ = ["EventLogModel", "RunHistoryPanel", "state_at"]

COLUMNS = ("#", "Time", "Actor", "Event", "Details")
_Index = QModelIndex | QPersistentModelIndex
_EVENT_COLORS = {
    EventType.RUN_COMPLETED: STATUS_COLORS["completed"],
    EventType.STEP_COMPLETED: STATUS_COLORS["completed"],
    EventType.ITEM_COMPLETED: STATUS_COLORS["completed"],
    EventType.RUN_FAILED: STATUS_COLORS["failed"],
    EventType.STEP_FAILED: STATUS_COLORS["failed"],
    EventType.STEP_ATTEMPT_FAILED: STATUS_COLORS["failed"],
    EventType.ITEM_OVERDUE: STATUS_COLORS["failed"],
    EventType.RUN_CANCELED: STATUS_COLORS["canceled"],
    EventType.ITEM_CREATED: STATUS_COLORS["waiting"],
    EventType.ITEM_REASSIGNED: STATUS_COLORS["waiting"],
}


def _display_names(definition: Orchestration) -> dict[str, str]:
    names = {n.id: n.name for n in definition.nodes if n.name}
    names.update({s.id: s.name for _, s in definition.steps() if s.name})
    return names


class EventLogModel(QAbstractTableModel):
    """A run's events (as `Engine.log` returns them): number, time, actor, event, details."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.events: list[dict[str, Any]] = []
        self.names: dict[str, str] = {}
        self._described: list[tuple[str, str]] = []

    def set_events(self, events: list[dict[str, Any]], names: dict[str, str] | None = None) -> None:
        """Show another log; `names` maps element ids to the names people know them by."""
        self.beginResetModel()
        self.names = dict(names or {})
        self.events = list(events)
        self._described = [describe_event(e, self.names) for e in self.events]
        self.endResetModel()

    def append(self, events: list[dict[str, Any]]) -> None:
        """Add events that arrived since (ignoring any already shown)."""
        last = self.events[-1]["seq"] if self.events else 0
        fresh = [e for e in events if e["seq"] > last]
        if not fresh:
            return
        first = len(self.events)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self.events.extend(fresh)
        self._described.extend(describe_event(e, self.names) for e in fresh)
        self.endInsertRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.events)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        event = self.events[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            title, details = self._described[index.row()]
            return (
                str(event["seq"]),
                when(event["time"]),
                event.get("actor") or "engine",  # nobody called: the engine moved on itself
                title,
                details,
            )[column]
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == 3
            and event["type"] in _EVENT_COLORS
        ):
            return QBrush(QColor(_EVENT_COLORS[event["type"]]))
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return self._described[index.row()][1]
        return None


class RunHistoryPanel(QWidget):
    """Slider and event list over one run's log; both select the same moment.

    Args:
        bridge: the engine bridge (new events of the shown run arrive through it).

    Signals:
        moment_changed(dict): element id -> status (stages and steps) at the chosen
            moment.
        snapshot_changed(object): the full `RunSnapshot` at that moment (open items with
            assignee and since when, step errors, the path taken), for the overlay.
    """

    moment_changed = Signal(dict)
    snapshot_changed = Signal(object)

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.run_id: str | None = None
        self.plan: Plan | None = None
        self.snapshot = RunSnapshot()
        self.model = EventLogModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.title = QLabel("No run selected")
        self.title.setStyleSheet("font-weight: bold;")
        self.position = QLabel()
        self.position.setStyleSheet("color: palette(placeholder-text);")
        self.live_button = QPushButton("Follow live")
        self.live_button.setCheckable(True)
        self.live_button.setChecked(True)
        self.csv_button = QPushButton("Export CSV…")
        self.json_button = QPushButton("Export JSON…")
        top.addWidget(self.title)
        top.addWidget(self.position, 1)
        for button in (self.live_button, self.csv_button, self.json_button):
            top.addWidget(button)
        layout.addLayout(top)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        layout.addWidget(self.slider)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        self.slider.valueChanged.connect(self._slider_moved)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: current.isValid() and self.slider.setValue(current.row() + 1)
        )
        self.live_button.toggled.connect(
            lambda on: on and self.slider.setValue(self.slider.maximum())
        )
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.json_button.clicked.connect(lambda: self.export("json"))
        bridge.events_appended.connect(self._events_appended)

    # --- which run ------------------------------------------------------------------------

    def set_run(self, run_id: str | None) -> None:
        """Show another run's history (at its latest moment)."""
        self.run_id = run_id
        if run_id is None:
            self.plan = None
            self.model.set_events([])
            self.title.setText("No run selected")
            self.position.clear()
            self.slider.setRange(0, 0)
            return

        def load(engine: RunEngine) -> tuple[list[dict[str, Any]], Plan]:
            events = engine.log(run_id)
            run = engine.run(run_id)
            with engine.store.read() as conn:
                plan = engine.plan(run["orchestration"], run["version"], conn)
            return events, plan

        def loaded(result: tuple[list[dict[str, Any]], Plan]) -> None:
            if run_id != self.run_id:
                return
            events, self.plan = result
            definition = self.plan.definition
            self.title.setText(f"{definition.name or definition.id} · {run_id}")
            self.model.set_events(events, _display_names(definition))
            self.live_button.setChecked(True)
            self._set_range(follow=True)

        self.bridge.submit(load, loaded, self.position.setText)

    def _events_appended(self, run_id: str, events: list) -> None:
        if run_id != self.run_id or self.plan is None:
            return
        self.model.append(events)
        self._set_range(follow=self.live_button.isChecked())

    def _set_range(self, follow: bool) -> None:
        count = len(self.model.events)
        self.slider.blockSignals(True)
        self.slider.setRange(0, count)
        self.slider.blockSignals(False)
        if follow:
            self.slider.setValue(count)
            self._slider_moved(count)

    # --- the moment -----------------------------------------------------------------------

    def moment(self) -> int:
        """The seq of the last event folded in at the chosen moment (0: before the run)."""
        position = self.slider.value()
        return self.model.events[position - 1]["seq"] if position else 0

    def select_moment(self, seq: int) -> None:
        """Move to the moment right after event `seq`."""
        index = next((i for i, e in enumerate(self.model.events) if e["seq"] == seq), None)
        if index is not None:
            self.slider.setValue(index + 1)

    def _slider_moved(self, position: int) -> None:
        count = len(self.model.events)
        if position < count and self.live_button.isChecked():
            self.live_button.blockSignals(True)
            self.live_button.setChecked(False)
            self.live_button.blockSignals(False)
        if position:
            row = self.model.index(position - 1, 0)
            if self.table.currentIndex().row() != position - 1:
                self.table.setCurrentIndex(row)
            self.table.scrollTo(row)
        else:
            self.table.clearSelection()
        if self.plan is None:
            self.snapshot = RunSnapshot()
        else:
            self.snapshot = snapshot_at(self.plan, self.model.events, self.moment())
        at = when(self.snapshot.time) if position else "before the first event"
        status = (self.snapshot.status or "").replace("_", " ")
        self.position.setText(f"event {position} of {count} · {at} · run {status}")
        self.moment_changed.emit(self.snapshot.element_states())
        self.snapshot_changed.emit(self.snapshot)

    # --- export -------------------------------------------------------------------------------

    def export(self, fmt: str, path: str | Path | None = None) -> Path | None:
        """Write the shown log as `csv` or `json` (asks where when no path is given)."""
        if self.run_id is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export run log", f"{self.run_id}.{fmt}", f"{fmt.upper()} (*.{fmt})"
            )
            if not chosen:
                return None
            path = chosen
        writer = write_csv if fmt == "csv" else write_json
        writer(self.run_id, self.model.events, path)
        return Path(path)
