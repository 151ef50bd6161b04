"""Renaming an element that expressions name offers to update them (issue 19)."""

from __future__ import annotations

import pytest
from gui import open_window
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from test_build_without_drag import click

from designer.commands.references import rewrite
from engine.definition import (
    DecisionNode,
    EndNode,
    Flow,
    InteractiveStep,
    Orchestration,
    Output,
    Position,
    StageNode,
    StartNode,
)
from engine.validation import validate


def _review() -> Orchestration:
    read = InteractiveStep(
        id="read_the_document",
        type="interactive",
        name="Read the document",
        assignee="group:legal",
        outputs=[Output(name="decision", type="text", choices=["approve", "reject"])],
    )
    return Orchestration(
        id="review",
        name="Review",
        nodes=[
            StartNode(id="start", type="start"),
            StageNode(id="review", type="stage", name="Review", steps=[read]),
            DecisionNode(id="approved", type="decision", name="Approved?"),
            EndNode(id="published", type="end", name="Published"),
            EndNode(id="rejected", type="end", name="Rejected"),
        ],
        flows=[
            Flow(source="start", target="review"),
            Flow(source="review", target="approved"),
            Flow(
                source="approved",
                target="published",
                condition="read_the_document.decision == 'approve'",
            ),
            Flow(source="approved", target="rejected", default=True),
        ],
        layout={
            "start": Position(x=0, y=100),
            "review": Position(x=100, y=98),
            "approved": Position(x=500, y=88),
            "published": Position(x=700, y=100),
            "rejected": Position(x=700, y=260),
        },
    )


@pytest.fixture
def answer(monkeypatch):
    """Answer the "update references?" question with the button given; records the text."""
    asked: list[str] = []

    def set_answer(button: QMessageBox.StandardButton) -> list[str]:
        def question(parent, title, text, *args, **kwargs):
            asked.append(text)
            return button

        monkeypatch.setattr(QMessageBox, "question", question)
        return asked

    return set_answer


def _rename_on_canvas(window, key: str, name: str) -> None:
    click(window, key, double=True)
    editor = window.view.rename_editor
    assert editor.isVisible()
    editor.selectAll()
    QTest.keyClicks(editor, name)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    for _ in range(3):
        QApplication.processEvents()


def test_renaming_a_referenced_step_updates_the_condition_when_the_admin_agrees(
    qtbot, tmp_path, answer
):
    # Given a review whose condition reads read_the_document.decision
    window = open_window(qtbot, tmp_path, _review())
    asked = answer(QMessageBox.StandardButton.Yes)

    # When the step is renamed on the canvas and the admin says Yes to the offer
    _rename_on_canvas(window, "read_the_document", "Read the contract")

    # Then its id follows the name and the condition names the new id; all still valid
    assert asked and "1 expression refers to “read_the_document”" in asked[0]
    assert window.document.element("read_the_contract").name == "Read the contract"
    flow = window.document.flow("approved", "published")
    assert flow.condition == "read_the_contract.decision == 'approve'"
    assert not [d for d in validate(window.document.definition) if d.severity == "error"]

    # And one Ctrl+Z restores name, id and condition
    window.undo_stack.undo()
    assert window.document.element("read_the_document").name == "Read the document"
    condition = window.document.flow("approved", "published").condition
    assert condition == "read_the_document.decision == 'approve'"


def test_saying_no_keeps_the_id_and_every_expression_working(qtbot, tmp_path, answer):
    window = open_window(qtbot, tmp_path, _review())
    answer(QMessageBox.StandardButton.No)

    _rename_on_canvas(window, "read_the_document", "Read the contract")

    step = window.document.element("read_the_document")
    assert step is not None and step.name == "Read the contract"
    assert "read_the_document.decision" in window.document.flow("approved", "published").condition


def test_a_new_id_typed_in_the_inspector_takes_the_references_along(qtbot, tmp_path, answer):
    # Given the step selected, its inspector showing the ID field
    window = open_window(qtbot, tmp_path, _review())
    answer(QMessageBox.StandardButton.Yes)
    click(window, "read_the_document")
    id_field = window.panels.inspector.current_form().editor("id")

    # When the admin types a new id and presses Enter
    line = id_field.focusProxy()
    line.setFocus()
    line.selectAll()
    QTest.keyClicks(line, "legal_read")
    QTest.keyClick(line, Qt.Key.Key_Return)
    for _ in range(3):
        QApplication.processEvents()

    # Then the condition follows
    assert window.document.element("legal_read") is not None
    condition = window.document.flow("approved", "published").condition
    assert condition == "legal_read.decision == 'approve'"


def test_only_whole_names_outside_strings_are_rewritten():
    text = "quote.discount > 15 and requote == 'quote' and x.quote and quote"
    assert rewrite(text, "quote", "offer") == (
        "offer.discount > 15 and requote == 'quote' and x.quote and offer"
    )
