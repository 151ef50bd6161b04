"""`ScenarioEditor`: the assumptions of a simulation as a form.

Arrivals (how many runs, how often, for how long), the seed, one row per step (how long it
takes, how often each output choice is picked, how often a background step fails) and one
row per assignee (people working in parallel, items per day, working hours). Fields the form
does not show (inputs, start moment, defaults) are kept from the loaded scenario unchanged.

Durations are typed as in definitions (`PT4H`, `P1D`, `P2DT4H`), comma-separated for the
distributions that take several: uniform `low, high`; triangular `low, mode, high`;
lognormal `mean, spread`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.simulation.scenario_fields import (
    DISTRIBUTIONS,
    distribution_from_text,
    distribution_text,
    outcomes_from_text,
    outcomes_text,
)
from engine.definition import BackgroundStep, Orchestration, WaitStep
from engine.definition.durations import parse_duration
from engine.simulation import Scenario, assignees_of
from engine.simulation.scenario import Arrivals, Capacity, StepSpec, WorkingHours

STEP_COLUMNS = ("Step", "Duration", "Parameters", "Outcomes", "Fails %")
PEOPLE_COLUMNS = ("Assignee", "Workers", "Items/day")


class ScenarioEditor(QWidget):
    """Edits a `Scenario` for one definition; `scenario()` reads it back (or raises)."""

    def __init__(self, definition: Orchestration, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.definition = definition
        self._base = Scenario(definition=definition.id)
        self._step_ids: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._arrivals_box())
        layout.addWidget(self._steps_box())
        layout.addWidget(self._people_box())
        layout.addStretch(1)

    # --- building -----------------------------------------------------------------------------

    def _arrivals_box(self) -> QGroupBox:
        box = QGroupBox("Runs")
        form = QFormLayout(box)
        self.runs = QSpinBox(maximum=1_000_000, singleStep=50)
        self.runs.setSpecialValueText("no limit (use the horizon)")
        self.per_day = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=100_000.0)
        self.per_day.setSpecialValueText("all at once")
        self.per_day.setSuffix(" per day")
        self.pattern = QComboBox()
        self.pattern.addItem("Poisson (random gaps)", "poisson")
        self.pattern.addItem("Evenly spaced", "even")
        self.horizon = QSpinBox(maximum=3650, suffix=" days")
        self.horizon.setSpecialValueText("none")
        self.seed = QSpinBox(maximum=2_000_000_000)
        self.office_hours = QCheckBox("People work Mon to Fri, 09:00 to 17:00 (UTC)")
        form.addRow("Runs", self.runs)
        form.addRow("Arrival rate", self.per_day)
        form.addRow("Arrivals", self.pattern)
        form.addRow("Arrive within", self.horizon)
        form.addRow("Random seed", self.seed)
        form.addRow(self.office_hours)
        return box

    def _steps_box(self) -> QGroupBox:
        box = QGroupBox("Steps")
        column = QVBoxLayout(box)
        self.steps = _table(STEP_COLUMNS)
        self.steps.horizontalHeaderItem(2).setToolTip(
            "ISO 8601 durations: fixed P1D · uniform PT2H, P1D · triangular PT1H, PT4H, P1D ·"
            " exponential P1D · lognormal mean, spread"
        )
        self.steps.horizontalHeaderItem(3).setToolTip(
            "Weights of each output choice, e.g. decision: approve=9, reject=1"
        )
        column.addWidget(self.steps)
        return box

    def _people_box(self) -> QGroupBox:
        box = QGroupBox("People")
        column = QVBoxLayout(box)
        self.people = _table(PEOPLE_COLUMNS)
        column.addWidget(self.people)
        return box

    # --- scenario -> form ---------------------------------------------------------------------

    def set_scenario(self, scenario: Scenario) -> None:
        """Show a scenario (steps and assignees of the definition are always all listed)."""
        self._base = scenario
        arrivals = scenario.arrivals
        self.runs.setValue(arrivals.runs or 0)
        self.per_day.setValue(arrivals.per_day or 0.0)
        self.pattern.setCurrentIndex(self.pattern.findData(arrivals.pattern))
        self.horizon.setValue(_days(arrivals.horizon))
        self.seed.setValue(scenario.seed)
        self.office_hours.setChecked(scenario.working_hours is not None)
        self._fill_steps(scenario)
        self._fill_people(scenario)

    def _fill_steps(self, scenario: Scenario) -> None:
        steps = [step for _, step in self.definition.steps()]
        self._step_ids = [step.id for step in steps]
        self.steps.setRowCount(len(steps))
        for row, step in enumerate(steps):
            spec = scenario.steps.get(step.id) or StepSpec()
            name = QTableWidgetItem(step.name or step.id)
            name.setToolTip(f"{step.id} ({step.type} step)")
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.steps.setItem(row, 0, name)
            kind = QComboBox()
            kind.addItem("default" if not isinstance(step, BackgroundStep) else "instant", None)
            for key in DISTRIBUTIONS:
                kind.addItem(key, key)
            self.steps.setCellWidget(row, 1, kind)
            kind.setCurrentIndex(kind.findData(spec.duration.kind if spec.duration else None))
            self.steps.setItem(row, 2, QTableWidgetItem(distribution_text(spec.duration)))
            outcomes = QTableWidgetItem(outcomes_text(spec.outputs))
            outcomes.setToolTip(outcomes.text())
            self.steps.setItem(row, 3, outcomes)
            fails = QDoubleSpinBox(decimals=1, maximum=100.0, suffix=" %")
            fails.setValue((spec.failure_probability or 0.0) * 100)
            fails.setEnabled(isinstance(step, BackgroundStep))
            self.steps.setCellWidget(row, 4, fails)
            if isinstance(step, WaitStep) and not step.event:
                kind.setEnabled(False)  # a timer-only wait: its timeout decides
        header = self.steps.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column, width in ((1, 110), (2, 140), (4, 84)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        _fit_rows(self.steps)

    def _fill_people(self, scenario: Scenario) -> None:
        names = list(dict.fromkeys([*assignees_of(self.definition), *scenario.assignees]))
        self.people.setRowCount(len(names))
        for row, name in enumerate(names):
            capacity = scenario.capacity(name)
            label = QTableWidgetItem(name)
            label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.people.setItem(row, 0, label)
            workers = QSpinBox(minimum=1, maximum=10_000)
            workers.setValue(capacity.workers)
            self.people.setCellWidget(row, 1, workers)
            per_day = QDoubleSpinBox(decimals=1, maximum=100_000.0)
            per_day.setSpecialValueText("no limit")
            per_day.setValue(capacity.items_per_day or 0.0)
            self.people.setCellWidget(row, 2, per_day)
        self.people.resizeColumnsToContents()
        self.people.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        _fit_rows(self.people)

    # --- form -> scenario ---------------------------------------------------------------------

    def scenario(self) -> Scenario:
        """The scenario as edited.

        Raises:
            ScenarioError: a field does not parse; it names the step and the field.
        """
        horizon = self.horizon.value()
        arrivals = Arrivals(
            runs=self.runs.value() or None,
            per_day=self.per_day.value() or None,
            pattern=self.pattern.currentData(),
            horizon=f"P{horizon}D" if horizon else None,
        )
        update: dict[str, Any] = {
            "seed": self.seed.value(),
            "arrivals": arrivals,
            "steps": self._read_steps(),
            "assignees": self._read_people(),
            "working_hours": (
                (self._base.working_hours or WorkingHours())
                if self.office_hours.isChecked()
                else None
            ),
        }
        return self._base.model_copy(update=update)

    def _read_steps(self) -> dict[str, StepSpec]:
        specs = {}
        for row, step_id in enumerate(self._step_ids):
            kind = self.steps.cellWidget(row, 1).currentData()
            duration = distribution_from_text(kind, self.steps.item(row, 2).text(), step_id)
            outputs = outcomes_from_text(self.steps.item(row, 3).text(), step_id)
            spin = self.steps.cellWidget(row, 4)
            # Only background steps can fail; the others keep the field unset, as written.
            fails = spin.value() / 100 if spin.isEnabled() else None
            old = self._base.steps.get(step_id) or StepSpec()
            specs[step_id] = old.model_copy(
                update={"duration": duration, "outputs": outputs, "failure_probability": fails}
            )
        return specs

    def _read_people(self) -> dict[str, Capacity]:
        capacities = {}
        for row in range(self.people.rowCount()):
            name = self.people.item(row, 0).text()
            old = self._base.capacity(name)
            per_day = self.people.cellWidget(row, 2).value()
            capacities[name] = old.model_copy(
                update={
                    "workers": self.people.cellWidget(row, 1).value(),
                    "items_per_day": per_day or None,
                }
            )
        return capacities

    def set_workers(self, assignee: str, workers: int) -> None:
        """Set one assignee's parallel workers (as typing it in the People table)."""
        for row in range(self.people.rowCount()):
            if self.people.item(row, 0).text() == assignee:
                self.people.cellWidget(row, 1).setValue(workers)
                return
        raise KeyError(assignee)


def _table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().hide()
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.verticalHeader().setDefaultSectionSize(28)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.SelectedClicked
    )
    return table


def _fit_rows(table: QTableWidget) -> None:
    # Show every row without an inner scroll bar: the form itself scrolls.
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    scroll = table.horizontalScrollBar().sizeHint().height()  # room for it when narrow
    table.setFixedHeight(rows + table.horizontalHeader().height() + scroll + 4)


def _days(horizon: str | None) -> int:
    if not horizon:
        return 0
    return max(1, round(parse_duration(horizon).total_seconds() / 86400))
