"""Run ▸ Test: the open file's process tests run, results listed, coverage on the diagram."""

from __future__ import annotations

import shutil
from pathlib import Path

from designer.commands import UpdateFlowCommand
from designer.proctest import ProcessTestDialog
from designer.proctest.coverage_looks import MISSING_COLOR, REACHED_COLOR
from designer.window import MainWindow

EXAMPLES = Path(__file__).resolve().parents[2] / "resources/examples"


def open_copy(qtbot, tmp_path: Path, name: str, with_tests: bool = True) -> MainWindow:
    """A window on a copy of an example (and its tests) in a fresh folder."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(EXAMPLES / f"{name}.baton.json", folder)
    if with_tests:
        shutil.copy(EXAMPLES / f"{name}.tests.json", folder)
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    assert window.files.open_file(folder / f"{name}.baton.json")
    return window


def run_tests_from_menu(qtbot, window: MainWindow) -> ProcessTestDialog:
    """Choose Run ▸ Test and wait until the tests have run."""
    before = set(window.findChildren(ProcessTestDialog))
    window.live.test_action.trigger()
    (dialog,) = set(window.findChildren(ProcessTestDialog)) - before
    qtbot.waitUntil(lambda: dialog.result is not None or dialog.error is not None, timeout=60_000)
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=10_000)
    return dialog


def test_run_test_lists_every_passing_scenario_and_colours_the_whole_diagram_reached(
    qtbot, tmp_path
):
    # Given the deal-desk example open with its tests beside it
    window = open_copy(qtbot, tmp_path, "deal_desk_approval")

    # When the admin chooses Run ▸ Test
    dialog = run_tests_from_menu(qtbot, window)

    # Then every scenario is listed as passed and every branch is reached
    assert dialog.summary.text() == "deal_desk_approval.tests.json: 8 passed"
    rows = [dialog.scenarios.topLevelItem(i).text(0) for i in range(8)]
    assert rows[0] == "✓ a small discount closes without review"
    assert all(row.startswith("✓ ") for row in rows)
    assert "branches 7/7" in dialog.coverage_label.text()
    assert dialog.missing.item(0).text().endswith("all reached")
    # and the diagram copy shows stages, steps, ends and decision outcomes as reached
    looks = dialog.layer.looks
    # (the fault route the thrice-rejected quote takes included)
    for key in (
        "prepare",
        "quote",
        "approved",
        ("discount_level", "close"),
        ("prepare", "rejected"),
    ):
        assert looks[key].color == REACHED_COLOR, key
    assert not any(look.color == MISSING_COLOR for look in looks.values())
    dialog.close()


def test_an_edit_that_breaks_a_story_shows_the_failure_and_the_untested_branch(qtbot, tmp_path):
    # Given the deal-desk example, edited (not saved): finance reviews discounts above 5 %
    window = open_copy(qtbot, tmp_path, "deal_desk_approval")
    saved = (tmp_path / "work" / "deal_desk_approval.baton.json").read_text()
    window.undo_stack.push(
        UpdateFlowCommand(
            window.document, "discount_level", "finance_review", {"condition": "quote.discount > 5"}
        )
    )
    commands = window.undo_stack.count()

    # When Run ▸ Test runs the tests against the diagram as drawn
    dialog = run_tests_from_menu(qtbot, window)

    # Then the stories that relied on the 15 % rule fail, saying what happened instead
    assert dialog.summary.text() == "deal_desk_approval.tests.json: 3 failed, 5 passed"
    first = dialog.scenarios.topLevelItem(0)
    assert first.text(0) == "✗ a small discount closes without review"
    assert first.isExpanded()
    lines = [first.child(i).text(0) for i in range(first.childCount())]
    assert "expect.path: expected ['prepare', 'close'], got ['prepare', 'finance_review']" in lines
    # and the branch no scenario reaches any more is listed and drawn red, with its decision
    assert dialog.missing.count() == 1
    assert dialog.missing.item(0).text().startswith("branch: decision Discount level -> Close")
    assert dialog.layer.looks[("discount_level", "close")].color == MISSING_COLOR
    assert dialog.layer.looks["discount_level"].tag == "not tested"
    assert dialog.layer.decoration(("discount_level", "close")) is not None
    # Choosing it in the list selects it on the dialog's diagram
    dialog.missing.setCurrentRow(0)
    assert dialog.scene.selection.keys() == (("discount_level", "close"),)
    # and nothing of this touched the document, its undo history or the file
    assert window.undo_stack.count() == commands
    assert window.document.definition.node("discount_level") is not None
    assert (tmp_path / "work" / "deal_desk_approval.baton.json").read_text() == saved
    dialog.close()


def test_a_file_without_tests_says_how_to_write_or_record_them(qtbot, tmp_path):
    window = open_copy(qtbot, tmp_path, "customer_onboarding", with_tests=False)

    dialog = run_tests_from_menu(qtbot, window)

    assert dialog.result is None
    assert "No tests yet: write customer_onboarding.tests.json" in dialog.error
    assert "baton test --record RUN_ID" in dialog.summary.text()
    dialog.close()


def test_a_tests_file_that_names_a_missing_step_is_reported_in_one_line(qtbot, tmp_path):
    window = open_copy(qtbot, tmp_path, "deal_desk_approval")
    tests = tmp_path / "work" / "deal_desk_approval.tests.json"
    tests.write_text(tests.read_text().replace('"complete": "quote"', '"complete": "qoute"', 1))

    dialog = run_tests_from_menu(qtbot, window)

    assert dialog.result is None
    assert "script[1].complete: 'qoute' is not an interactive step" in dialog.error
    assert "\n" not in dialog.error
    dialog.close()


def test_the_coverage_diagram_opens_whole_in_view(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    # Given the onboarding example and its tests
    window = open_copy(qtbot, tmp_path, "employee_onboarding")

    # When Run ▸ Test has run and the dialog has laid itself out
    dialog = run_tests_from_menu(qtbot, window)
    QApplication.processEvents()

    # Then the whole diagram is in view (it opened at 100 %, names cut at the edges)
    bounds = dialog.scene.diagram_bounds()
    qtbot.waitUntil(lambda: dialog.view.visible_scene_rect().contains(bounds), timeout=10_000)
    dialog.close()
