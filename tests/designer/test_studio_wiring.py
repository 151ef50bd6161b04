"""The main window's panels work together: inspector edits, live validation, problems, find."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from designer.commands import UpdateStepCommand
from designer.window import MainWindow
from engine.definition import load_definition

EXAMPLE = Path(__file__).resolve().parents[2] / "resources/examples/employee_onboarding.baton.json"


def open_example(qtbot, tmp_path: Path) -> MainWindow:
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    assert window.files.open_file(EXAMPLE)
    return window


def retype(qtbot, line, text: str) -> None:
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def test_docks_hold_the_real_inspector_and_problems_list(qtbot, tmp_path):
    window = open_example(qtbot, tmp_path)

    assert window.inspector_dock.widget() is window.panels.inspector
    assert window.problems_dock.widget() is window.panels.problems


def test_renaming_a_step_in_the_inspector_is_one_undo_step_and_marks_the_file_dirty(
    qtbot, tmp_path
):
    # given the onboarding example with the contract step selected
    window = open_example(qtbot, tmp_path)
    window.selection.set(["contract"])
    QApplication.processEvents()

    # when the admin types a new name in the inspector
    retype(qtbot, window.panels.inspector.current_form().editor("name").line, "Verify contract")

    # then the document changed once, the title shows unsaved changes, and undo restores it
    assert window.document.element("contract").name == "Verify contract"
    assert window.undo_stack.count() == 1 and window.isWindowModified()
    window.undo_stack.undo()
    assert window.document.element("contract").name == "Check signed contract"
    assert not window.isWindowModified()


def test_an_edit_that_breaks_the_definition_shows_up_in_problems_counts_and_badges(qtbot, tmp_path):
    window = open_example(qtbot, tmp_path)

    # when an edit removes the laptop step's assignee
    window.undo_stack.push(UpdateStepCommand(window.document, "laptop", {"assignee": None}))

    # then live validation reports it everywhere the admin looks
    qtbot.waitUntil(lambda: window.panels.problems.counts() == (1, 0), timeout=10_000)
    [problem] = window.panels.problems.diagnostics()
    assert (problem.code, problem.element) == ("missing-assignee", "laptop")
    assert "1 error" in window.windowTitle()

    # and activating the problem selects the step
    window.panels.problems.element_activated.emit("laptop")
    assert window.selection.keys() == ("laptop",)

    # and undo clears it again
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.panels.problems.counts() == (0, 0), timeout=10_000)


def test_saving_commits_a_name_still_being_typed(qtbot, tmp_path):
    # given an admin typing a new name without pressing Enter
    window = open_example(qtbot, tmp_path)
    target = tmp_path / "copy.baton.json"
    window.selection.set(["laptop"])
    QApplication.processEvents()
    line = window.panels.inspector.current_form().editor("name").line
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, "Image laptop")

    # when they save
    assert window.files.save_as(target)

    # then the saved file has the typed name
    assert load_definition(target).node("equipment").steps[0].name == "Image laptop"


def test_find_element_reveals_the_chosen_step(qtbot, tmp_path):
    window = open_example(qtbot, tmp_path)

    dialog = window.panels.find()
    dialog.element_chosen.emit("badge")

    assert window.selection.keys() == ("badge",)
    dialog.close()
