"""Find element: filtering by name or id, keyboard choice, forgiving matches."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from designer.dialogs.find import ElementEntry, FindElementDialog, rank_elements


@pytest.fixture
def dialog(qtbot, document) -> FindElementDialog:
    dialog = FindElementDialog(document)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_lists_every_element_before_typing(dialog):
    assert dialog.shown_ids() == [
        "start", "paperwork", "contract", "payroll", "badge", "contract_ok", "done",
    ]  # fmt: skip
    assert dialog.status.text() == "7 of 7 elements"


def test_typing_filters_by_name_and_id(qtbot, dialog):
    qtbot.keyClicks(dialog.query, "pay")

    assert dialog.shown_ids() == ["payroll"]


def test_name_words_match(qtbot, dialog):
    qtbot.keyClicks(dialog.query, "signed")

    assert dialog.shown_ids() == ["contract"]


def test_enter_chooses_the_best_match(qtbot, dialog):
    qtbot.keyClicks(dialog.query, "contract")

    with qtbot.waitSignal(dialog.element_chosen) as signal:
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    assert signal.args == ["contract"]
    assert not dialog.isVisible()


def test_arrow_down_then_enter_chooses_the_next(qtbot, dialog):
    qtbot.keyClicks(dialog.query, "contract")
    assert dialog.shown_ids() == ["contract", "contract_ok"]

    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.element_chosen) as signal:
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    assert signal.args == ["contract_ok"]


def test_letters_in_order_find_a_name():
    entries = [
        ElementEntry("paperwork", "HR paperwork", "stage"),
        ElementEntry("laptop", "Prepare laptop", "interactive"),
    ]

    assert [e.id for e in rank_elements("hrpw", entries)] == ["paperwork"]
    assert rank_elements("zzz", entries) == []
