"""Run ▸ Directory…: an admin manages users, groups and queues without a terminal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.live.directory_dialog import DirectoryDialog
from designer.window import MainWindow
from engine.store import directory


@pytest.fixture
def window_as(qtbot, tmp_path, monkeypatch, db_url, engine):
    """A main window on the test's database, acting as the user named."""

    def open_as(user: str) -> MainWindow:
        monkeypatch.setenv("BATON_DB", db_url)
        monkeypatch.setenv("BATON_USER", user)
        window = MainWindow(recovery_dir=tmp_path / "recovery")
        qtbot.addWidget(window)
        window.show()
        return window

    return open_as


def _open_directory(qtbot, window: MainWindow) -> DirectoryDialog:
    window.live.directory_action.trigger()
    dialog = window.findChild(DirectoryDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=10_000)
    return dialog


def _user(engine, name: str):
    with engine.store.read() as conn:
        return directory.get_user(conn, name)


def _row_of(dialog: DirectoryDialog, name: str) -> int:
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    return names.index(name)


def test_an_admin_adds_a_user_to_groups_with_a_role(qtbot, window_as, engine):
    # Given the designer acting as the admin, with the directory open from the Run menu
    dialog = _open_directory(qtbot, window_as("root"))
    assert "alice" in [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]

    # When they type a new user, her groups and a role, and click Save user
    QTest.keyClicks(dialog.name, "carol")
    QTest.keyClicks(dialog.groups, "finance, legal")
    QTest.keyClicks(dialog.queues, "deal_desk")
    QTest.keyClicks(dialog.email, "carol@example.com")
    dialog.role.setCurrentIndex(dialog.role.findData("operator"))
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    # Then the engine has her, and the list shows her selected
    qtbot.waitUntil(lambda: dialog.selected_name() == "carol", timeout=10_000)
    carol = _user(engine, "carol")
    assert carol.role == "operator" and carol.email == "carol@example.com"
    assert set(carol.groups) == {"group:finance", "group:legal", "queue:deal_desk"}
    assert "carol saved" in dialog.message.text()


def test_deactivating_and_reactivating_a_user(qtbot, window_as, engine):
    # Given the directory open as the admin, with bob selected
    dialog = _open_directory(qtbot, window_as("root"))
    dialog.table.selectRow(_row_of(dialog, "bob"))
    assert dialog.name.text() == "bob" and dialog.groups.text() == "it"

    # When the admin clicks Deactivate
    QTest.mouseClick(dialog.deactivate_button, Qt.MouseButton.LeftButton)

    # Then bob is inactive in the engine, and the list says so
    qtbot.waitUntil(lambda: not _user(engine, "bob").active, timeout=10_000)
    qtbot.waitUntil(lambda: "no" in dialog.table.item(_row_of(dialog, "bob"), 2).text())
    assert dialog.reactivate_button.isEnabled() and not dialog.deactivate_button.isEnabled()

    # And Reactivate brings him back, memberships kept
    QTest.mouseClick(dialog.reactivate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _user(engine, "bob").active, timeout=10_000)
    assert _user(engine, "bob").groups == ("group:it",)


def test_someone_who_is_not_an_admin_is_told_why_in_one_line(qtbot, window_as, engine, monkeypatch):
    # Given a database where roles are enforced (as on a shared one), and the designer
    # acting as bob, an assignee
    monkeypatch.setenv("BATON_ROLES", "enforce")
    dialog = _open_directory(qtbot, window_as("bob"))

    # When he tries to add a user
    QTest.keyClicks(dialog.name, "mallory")
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    # Then the engine's refusal shows in the dialog and nobody was added
    qtbot.waitUntil(lambda: "admin" in dialog.message.text(), timeout=10_000)
    assert "\n" not in dialog.message.text()
    assert _user(engine, "mallory") is None


def test_a_name_with_a_space_is_refused_before_reaching_the_engine(qtbot, window_as):
    dialog = _open_directory(qtbot, window_as("root"))

    QTest.keyClicks(dialog.name, "carol smith")
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()

    assert "no spaces" in dialog.message.text()


def test_an_empty_directory_points_to_the_form_where_it_is(qtbot, tmp_path, monkeypatch):
    # Given a fresh database with nobody in its directory
    monkeypatch.setenv("BATON_DB", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.setenv("BATON_USER", "ada")
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()

    # When the newcomer opens Run ▸ Directory…
    window.live.directory_action.trigger()
    dialog = window.findChild(DirectoryDialog)
    qtbot.waitUntil(lambda: "No users yet" in dialog.message.text(), timeout=10_000)

    # Then the hint names the form above the message (it said "below")
    assert "form above" in dialog.message.text()
    form_bottom = dialog.save_button.mapTo(dialog, dialog.save_button.rect().bottomLeft()).y()
    assert dialog.message.mapTo(dialog, dialog.message.rect().topLeft()).y() > form_bottom


def test_a_refusal_in_the_directory_reads_in_the_dark_theme(qtbot, window_as):
    from PySide6.QtGui import QPalette

    from designer.canvas import theme

    # Given the directory open in the dark theme
    window = window_as("root")
    window.appearance.use("dark")
    try:
        dialog = _open_directory(qtbot, window)

        # When the admin types a name with a space and saves
        QTest.keyClicks(dialog.name, "carol smith")
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

        # Then the refusal is red that reads on the dark dialog (the fixed red was 3.5:1)
        assert "no spaces" in dialog.message.text()
        dialog.message.ensurePolished()
        color = dialog.message.palette().color(QPalette.ColorRole.WindowText)
        back = dialog.palette().color(QPalette.ColorRole.Window)
        assert color.red() > color.green() and theme.contrast(color, back) >= 4.5
    finally:
        window.appearance.use("light")
        QApplication.styleHints().unsetColorScheme()
