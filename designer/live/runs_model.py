"""The table behind the Runs panel: one row per run, updated a run at a time."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QFont

from designer.runs.formatting import age, overdue_text_color, status_color, status_text, when
from engine.store import parse_time

COLUMNS = (
    "Run",
    "Subject",
    "Version",
    "Status",
    "Current stage",
    "Started",
    "Age",
    "Open items",
    "Stuck / problem",
)
RUN, SUBJECT, VERSION, STATUS, STAGE, STARTED, AGE, ITEMS, STUCK = range(len(COLUMNS))
_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")
ACTIVE = ("running", "waiting", "paused")
_Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""What columns sort by: times for Started/Age, numbers for Version/Open items."""


class RunsModel(QAbstractTableModel):
    """Run details (as `Engine.run` gives them) with their stuck reasons.

    Args:
        now: where the current time comes from (the engine clock), for ages.
    """

    def __init__(self, now: Callable[[], datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self._now = now
        self._rows: list[dict[str, Any]] = []
        self._stuck: dict[str, list[str]] = {}
        self.stage_names: dict[str, str] = {}

    def reset(self, runs: list[dict[str, Any]], stuck: dict[str, list[str]]) -> None:
        """Replace every row (first load, another orchestration)."""
        self.beginResetModel()
        self._rows = sorted(runs, key=lambda r: (r["started_at"], r["id"]), reverse=True)
        self._stuck = dict(stuck)
        self.endResetModel()

    def extend(self, runs: list[dict[str, Any]]) -> None:
        """Add older runs (the next page) below the rows held; runs held already are kept."""
        held = {r["id"] for r in self._rows}
        older = [r for r in runs if r["id"] not in held]
        if older:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(older) - 1)
            self._rows.extend(older)
            self.endInsertRows()

    def update(self, runs: list[dict[str, Any]]) -> None:
        """Put fresh details of some runs in place (new runs go on top)."""
        positions = {r["id"]: i for i, r in enumerate(self._rows)}
        for run in runs:
            row = positions.get(run["id"])
            if row is None:
                self.beginInsertRows(QModelIndex(), 0, 0)
                self._rows.insert(0, run)
                self.endInsertRows()
                positions = {r["id"]: i for i, r in enumerate(self._rows)}
            else:
                self._rows[row] = run
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def set_stuck(self, stuck: dict[str, list[str]]) -> None:
        """New stuck reasons (they depend on time and on the directory, not only on runs)."""
        if stuck != self._stuck:
            self._stuck = dict(stuck)
            self.refresh_column(STUCK)

    def refresh_column(self, column: int) -> None:
        """Repaint one column of every row (ages move with the clock)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def run_at(self, row: int) -> dict[str, Any]:
        """The run detail shown in a row."""
        return self._rows[row]

    def row_of(self, run_id: str) -> int:
        """The row of a run, or -1."""
        return next((i for i, r in enumerate(self._rows) if r["id"] == run_id), -1)

    def stuck_reasons(self, run_id: str) -> list[str]:
        """Why a run is stuck (empty when it is not)."""
        return self._stuck.get(run_id, [])

    # --- Qt model -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        run = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(run, column)
        if role == Qt.ItemDataRole.UserRole:
            return run["id"]
        if role == SORT_ROLE:
            return self._sort_key(run, column)
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS:
            return status_color(run["status"])
        if role == Qt.ItemDataRole.ForegroundRole and column == STUCK:
            return QBrush(overdue_text_color())
        if role == Qt.ItemDataRole.FontRole and column == RUN:
            font = QFont("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column in (STUCK, STATUS):
            return "\n".join(self._problems(run)) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (VERSION, ITEMS):
            return Qt.AlignmentFlag.AlignCenter
        return None

    def _sort_key(self, run: dict[str, Any], column: int) -> Any:
        if column in (STARTED, AGE):
            return run["started_at"]
        if column == VERSION:
            return run["version"]
        if column == ITEMS:
            return len(run.get("open_items", []))
        return self._text(run, column).lower()

    def _problems(self, run: dict[str, Any]) -> list[str]:
        # An unworkable assignee is the thing to fix; overdue items follow from it.
        problems = sorted(self._stuck.get(run["id"], []), key=lambda p: "overdue" in p)
        # The engine lists failed runs as stuck too; the run's own status is fresher than
        # the periodically reloaded stuck map, so it leads and is never shown twice.
        problems = [p for p in problems if not p.startswith("failed: ")]
        if run["status"] == "failed" and run.get("error"):
            problems.insert(0, f"failed: {run['error']}")
        return problems

    def _text(self, run: dict[str, Any], column: int) -> str:
        if column == RUN:
            return run["id"]
        if column == SUBJECT:
            return subject(run)
        if column == VERSION:
            return f"v{run['version']}"
        if column == STATUS:
            return status_text(run["status"])
        if column == STAGE:
            stage = run.get("stage") or ""
            return self.stage_names.get(stage, stage)
        if column == STARTED:
            return when(run["started_at"])
        if column == AGE:
            end = run.get("ended_at")
            if end:
                return f"took {age(run['started_at'], parse_time(end))}"
            return age(run["started_at"], self._now())
        if column == ITEMS:
            return str(len(run.get("open_items", []))) if run["status"] in ACTIVE else ""
        if column == STUCK:
            problems = self._problems(run)
            if not problems:
                return ""
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            return _STORED_TIME.sub(lambda m: when(m.group(0)), problems[0]) + more
        return ""


class RunsFilter(QSortFilterProxyModel):
    """Filters runs by status (or stuck) and by a search over run ids and variable values."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.status = ""
        self.text = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, status: str, text: str) -> None:
        """`status`: a run status, `active`, `stuck` or empty for all."""
        if not hasattr(self, "beginFilterChange"):  # Qt < 6.10
            self.status, self.text = status, text.strip().lower()
            self.invalidateFilter()
            return
        self.beginFilterChange()
        self.status, self.text = status, text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, RunsModel)
        run = model.run_at(source_row)
        if self.status == "active" and run["status"] not in ACTIVE:
            return False
        if self.status == "stuck" and not model.stuck_reasons(run["id"]):
            return False
        if self.status not in ("", "active", "stuck") and run["status"] != self.status:
            return False
        if not self.text:
            return True
        haystack = [run["id"], *(_searchable(v) for v in run.get("variables", {}).values())]
        return any(self.text in h.lower() for h in haystack)


def subject(run: dict[str, Any]) -> str:
    """Who or what a run is about: its first text variable (the employee, the deal)."""
    return next((v for v in run.get("variables", {}).values() if isinstance(v, str) and v), "")


def _searchable(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)
