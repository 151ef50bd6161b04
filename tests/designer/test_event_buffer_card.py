"""A wait step's event buffer shows on its card and is edited in the inspector."""

from __future__ import annotations

from builders import two_stages
from gui import open_window
from PySide6.QtCore import Qt

from engine.definition.models import WaitStep


def _with_wait(definition, **extra):
    definition.node("intake").steps.append(
        WaitStep(id="w", name="Signed", type="wait", event="nda_signed", key="ref", **extra)
    )
    return definition


def test_a_wait_step_that_keeps_early_events_says_so_on_its_card(qtbot, tmp_path):
    # given a wait step keeping events sent up to an hour before it opens
    window = open_window(qtbot, tmp_path, _with_wait(two_stages(), buffer="PT1H"))

    # then its card's second line says how long early events are kept
    assert window.scene.card_item("w")._detail.text == "Event nda_signed · keeps early PT1H"


def test_typing_a_buffer_in_the_inspector_sets_it_and_the_card_follows(qtbot, tmp_path):
    # given the same wait step without a buffer, selected
    window = open_window(qtbot, tmp_path, _with_wait(two_stages()))
    window.selection.set(["w"])
    assert window.scene.card_item("w")._detail.text == "Event nda_signed"

    # when the user types a buffer in the inspector
    line = window.panels.inspector.current_form().editor("buffer").line
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, "2h")
    qtbot.keyClick(line, Qt.Key.Key_Return)

    # then the step keeps events two hours early, undoably, and its card says so
    assert window.document.element("w").buffer == "PT2H"
    assert window.scene.card_item("w")._detail.text == "Event nda_signed · keeps early PT2H"
    window.undo_stack.undo()
    assert window.document.element("w").buffer is None
