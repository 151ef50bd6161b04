"""The work guide gets room: an opened item shows in a window of its own (issue 19)."""

from __future__ import annotations

import pytest
from live_helpers import item_of, start_onboarding
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.live.inbox import InboxPanel


@pytest.fixture
def inbox(qtbot, bridge) -> InboxPanel:
    # A short inbox, as a bottom dock is: too little height for guidance, context and form.
    widget = InboxPanel(bridge)
    qtbot.addWidget(widget)
    widget.resize(1000, 220)
    widget.show()
    qtbot.waitUntil(lambda: widget.user_combo.count() > 0, timeout=10_000)
    return widget


def _click_row(qtbot, inbox: InboxPanel, row: int) -> None:
    item = inbox.list.topLevelItem(row)
    point = inbox.list.visualItemRect(item).center()
    QTest.mouseClick(inbox.list.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_opening_an_item_shows_the_guide_in_a_roomy_window(qtbot, inbox, engine):
    # Given alice's inbox with the contract check of Ann Lee's onboarding
    run_id = start_onboarding(engine, "Ann Lee")
    contract = item_of(engine, run_id, "contract")
    inbox.set_acting_user("alice")
    qtbot.waitUntil(lambda: inbox.item_ids() == [contract], timeout=10_000)

    # When she clicks the item
    _click_row(qtbot, inbox, 0)

    # Then the guide opens in its own window, far taller than the dock, with the form
    qtbot.waitUntil(lambda: inbox.guide_window is not None, timeout=10_000)
    window = inbox.guide_window
    qtbot.waitUntil(window.isVisible, timeout=10_000)
    assert inbox.guide.window() is window
    assert window.height() >= 2 * inbox.height()
    assert "Check signed contract" in window.windowTitle()
    qtbot.waitUntil(lambda: inbox.guide.form is not None and inbox.guide.form.isVisible())


def test_closing_the_window_or_turning_it_off_puts_the_guide_beside_the_list(qtbot, inbox, engine):
    run_id = start_onboarding(engine, "Ann Lee")
    contract = item_of(engine, run_id, "contract")
    inbox.set_acting_user("alice")
    qtbot.waitUntil(lambda: inbox.item_ids() == [contract], timeout=10_000)
    _click_row(qtbot, inbox, 0)
    qtbot.waitUntil(lambda: inbox.guide_window is not None and inbox.guide_window.isVisible())

    # When the admin unticks "Guide in its own window"
    inbox.separate_guide.click()

    # Then the window closes and the guide is back in the inbox, still on the item
    assert not inbox.guide_window.isVisible()
    assert inbox.guide.window() is inbox
    assert inbox.guide.context.item["id"] == contract
