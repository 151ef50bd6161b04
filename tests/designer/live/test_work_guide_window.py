"""The work guide gets room: an opened item shows in a window of its own (issue 19)."""

from __future__ import annotations

import pytest
from live_helpers import item_of, start_onboarding
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from designer.canvas import theme
from designer.live.inbox import InboxPanel
from designer.window.appearance import AppearanceActions


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


def test_the_guidance_box_turns_dark_with_the_dark_theme(qtbot, inbox, engine):
    # Given alice's contract check opened in the guide, in the light theme
    run_id = start_onboarding(engine, "Ann Lee")
    contract = item_of(engine, run_id, "contract")
    inbox.set_acting_user("alice")
    qtbot.waitUntil(lambda: inbox.item_ids() == [contract], timeout=10_000)
    _click_row(qtbot, inbox, 0)
    qtbot.waitUntil(lambda: inbox.guide.findChild(QLabel, "guidance") is not None)
    appearance = AppearanceActions(inbox, lambda dark: theme.apply(dark))
    try:
        # When the admin picks View ▸ Theme ▸ Dark
        appearance.theme_actions["dark"].trigger()
        QApplication.processEvents()

        # Then the guidance box is dark too, its text light
        guidance = inbox.guide.findChild(QLabel, "guidance")
        image = guidance.grab().toImage()
        background = image.pixelColor(image.width() - 3, 3)
        assert background.lightness() < 100, background.name()
        assert guidance.palette().color(QPalette.ColorRole.WindowText).lightness() > 150

        # And back in Light, it is light again
        appearance.theme_actions["light"].trigger()
        QApplication.processEvents()
        image = guidance.grab().toImage()
        assert image.pixelColor(image.width() - 3, 3).lightness() > 200
    finally:
        QApplication.styleHints().unsetColorScheme()
        QApplication.instance().setPalette(QPalette())
        theme.apply(False)
