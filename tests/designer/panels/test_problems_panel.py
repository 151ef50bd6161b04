"""The problems panel: counts, sorting, filters, and jumping to the element at fault."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from designer.panels.problems import ProblemsPanel
from engine.validation import Diagnostic

DIAGNOSTICS = [
    Diagnostic("warning", "no-guidance", "laptop", "guidance", "Add guidance for IT."),
    Diagnostic("error", "missing-assignee", "contract", "assignee", "Choose who checks it."),
    Diagnostic("error", "unreachable", "equipment", None, "Nothing leads to this stage."),
    Diagnostic("error", "bad-cron", None, "trigger.cron", "The schedule is not valid."),
]


@pytest.fixture
def panel(qtbot) -> ProblemsPanel:
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 240)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_diagnostics(DIAGNOSTICS)
    return panel


def row_rect(panel: ProblemsPanel, row: int):
    return panel.view.visualRect(panel.view.model().index(row, 4))


def test_header_counts_errors_and_warnings(panel):
    assert panel.errors_button.text() == "3 errors"
    assert panel.warnings_button.text() == "1 warning"


def test_errors_sort_before_warnings(panel):
    severities = [d.severity for d in panel.visible_diagnostics()]
    assert severities == ["error", "error", "error", "warning"]


def test_double_click_emits_the_element_id(qtbot, panel):
    shown = panel.visible_diagnostics()
    row = next(i for i, d in enumerate(shown) if d.code == "missing-assignee")

    where = row_rect(panel, row).center()

    with qtbot.waitSignal(panel.element_activated, timeout=10_000) as signal:
        # QTest needs the first click of a double click sent on its own.
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=where)

    assert signal.args == ["contract"]


def test_enter_on_a_row_emits_the_element_id(qtbot, panel):
    row = next(i for i, d in enumerate(panel.visible_diagnostics()) if d.code == "unreachable")
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.view.model().index(row, 0))

    with qtbot.waitSignal(panel.element_activated) as signal:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)

    assert signal.args == ["equipment"]


def test_orchestration_problem_asks_for_the_orchestration(qtbot, panel):
    row = next(i for i, d in enumerate(panel.visible_diagnostics()) if d.element is None)
    panel.view.setCurrentIndex(panel.view.model().index(row, 0))

    with qtbot.waitSignal(panel.orchestration_activated):
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)


def test_switching_errors_off_leaves_the_warnings(qtbot, panel):
    qtbot.mouseClick(panel.errors_button, Qt.MouseButton.LeftButton)

    assert [d.code for d in panel.visible_diagnostics()] == ["no-guidance"]
    assert panel.summary.text() == "1 of 4 shown"


def test_text_filter_matches_code_element_and_message(qtbot, panel):
    qtbot.keyClicks(panel.filter_edit, "contract")

    assert [d.code for d in panel.visible_diagnostics()] == ["missing-assignee"]


def test_sorting_by_element_column(panel):
    panel.view.sortByColumn(2, Qt.SortOrder.AscendingOrder)

    elements = [d.element for d in panel.visible_diagnostics()]
    assert elements == [None, "contract", "equipment", "laptop"]


def test_no_problems_shows_a_calm_message(panel):
    panel.set_diagnostics([])

    assert panel.errors_button.text() == "0 errors"
    assert not panel.view.isVisible()


def test_ctrl_c_copies_selected_problems_as_cli_lines(qtbot, panel, qapp):
    shown = panel.visible_diagnostics()
    panel.view.setFocus()
    panel.view.selectionModel().select(
        panel.view.model().index(0, 0),
        panel.view.selectionModel().SelectionFlag.Select
        | panel.view.selectionModel().SelectionFlag.Rows,
    )

    qtbot.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    assert qapp.clipboard().text() == shown[0].format_line()


def test_activation_names_the_element_before_the_whole_diagnostic(qtbot, panel):
    heard = []
    panel.element_activated.connect(lambda element: heard.append(("element", element)))
    panel.diagnostic_activated.connect(lambda d: heard.append(("diagnostic", d.code)))
    row = next(i for i, d in enumerate(panel.visible_diagnostics()) if d.code == "unreachable")
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.view.model().index(row, 0))

    qtbot.keyClick(panel.view, Qt.Key.Key_Return)

    assert heard == [("element", "equipment"), ("diagnostic", "unreachable")]
