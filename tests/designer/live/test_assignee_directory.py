"""Assignee fields complete names from the engine's directory and warn about unknown ones."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.window import MainWindow

DEAL_DESK = Path(__file__).parents[3] / "resources/examples/deal_desk_approval.baton.json"


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _window(qtbot, tmp_path, monkeypatch, db_url) -> MainWindow:
    monkeypatch.setenv("BATON_DB", db_url)
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    assert window.files.open_file(DEAL_DESK)
    _settle()
    return window


def _select_step(window: MainWindow, step_id: str) -> None:
    card = window.scene.card_item(step_id)
    window.view.centerOn(card)
    _settle()
    point = window.view.mapFromScene(card.sceneBoundingRect().center())
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    _settle()
    assert list(window.selection.keys()) == [step_id]


def test_typing_an_assignee_offers_the_directory_s_names(
    qtbot, tmp_path, monkeypatch, db_url, engine
):
    # Given the deal desk open on an engine whose directory has alice, bob, hr and it
    window = _window(qtbot, tmp_path, monkeypatch, db_url)
    _select_step(window, "quote")
    assignee = window.panels.inspector.current_form().editor("assignee")

    # When the admin picks "User" and types into the name field
    assignee.kind.setFocus()
    QTest.keyClick(assignee.kind, Qt.Key.Key_Up)  # Queue -> Group
    QTest.keyClick(assignee.kind, Qt.Key.Key_Up)  # Group -> User
    assignee.name.setFocus()
    qtbot.waitUntil(lambda: window.live.directory.known() is not None, timeout=10_000)
    assignee.name.selectAll()
    QTest.keyClicks(assignee.name, "ali")

    # Then the completer offers alice; taking it sets the assignee
    completer = assignee.name.completer()
    qtbot.waitUntil(lambda: completer.popup().isVisible(), timeout=5_000)
    assert completer.currentCompletion() == "alice"
    QTest.keyClick(completer.popup(), Qt.Key.Key_Down)
    QTest.keyClick(completer.popup(), Qt.Key.Key_Return)
    _settle()
    assert window.document.element("quote").assignee == "user:alice"
    assert assignee.message() == ("", "")


def test_an_unknown_or_deactivated_assignee_is_a_warning_not_an_error(
    qtbot, tmp_path, monkeypatch, db_url, engine
):
    # Given the deal desk open on the engine, hannah deactivated there
    engine.deactivate_user("hannah")
    window = _window(qtbot, tmp_path, monkeypatch, db_url)
    _select_step(window, "quote")
    assignee = window.panels.inspector.current_form().editor("assignee")

    # When the admin types a group nobody belongs to
    assignee.name.setFocus()
    qtbot.waitUntil(lambda: window.live.directory.known() is not None, timeout=10_000)
    QTest.keyClick(assignee.kind, Qt.Key.Key_Up)  # Queue -> Group
    assignee.name.setFocus()
    assignee.name.selectAll()
    QTest.keyClicks(assignee.name, "procurement")
    QTest.keyClick(assignee.name, Qt.Key.Key_Return)
    _settle()

    # Then it is saved, with a warning that names the group and where to add it
    assert window.document.element("quote").assignee == "group:procurement"
    level, text = assignee.message()
    assert level == "warning" and "procurement" in text and "Directory" in text

    # And a deactivated user is flagged too
    QTest.keyClick(assignee.kind, Qt.Key.Key_Up)  # Group -> User
    assignee.name.setFocus()
    assignee.name.selectAll()
    QTest.keyClicks(assignee.name, "hannah")
    QTest.keyClick(assignee.name, Qt.Key.Key_Return)
    _settle()
    assert window.document.element("quote").assignee == "user:hannah"
    level, text = assignee.message()
    assert level == "warning" and "deactivated" in text
