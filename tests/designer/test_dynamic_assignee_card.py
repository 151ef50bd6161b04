"""A step with a dynamic assignee says on its card where the assignee comes from."""

from __future__ import annotations

from builders import two_stages
from gui import open_window


def test_a_step_assigned_from_the_record_shows_it_on_its_card(qtbot, tmp_path):
    # given step c of the sample assigned from the record's owner
    definition = two_stages()
    step = definition.node("intake").steps[2]
    step.assignee_from = "record.Owner"
    # when the definition is opened
    window = open_window(qtbot, tmp_path, definition)
    # then its card's second line names the expression, not "No assignee yet"
    assert window.scene.card_item("c")._detail.text == "From record.Owner"
    assert window.scene.card_item("a")._detail.text == "user:ann"
