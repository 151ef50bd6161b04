"""File ▸ Connect to engine…, the status bar's engine, and the inbox badge (SQLite files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from live_helpers import item_of, start_onboarding
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from designer.live.connect_dialog import ConnectEngineDialog
from designer.live.connection import Connection
from designer.window import MainWindow

APPROVE = {"decision": "approve", "start_date": "2026-02-02"}


ONBOARDING = Path(__file__).parents[3] / "resources/examples/employee_onboarding.baton.json"


def _window(qtbot, tmp_path: Path) -> MainWindow:
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    assert window.files.open_file(ONBOARDING)  # the Runs panel lists this orchestration's runs
    return window


def _tested(qtbot, dialog: ConnectEngineDialog, url: str) -> str:
    dialog.url.setText(url)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: not dialog.testing(), timeout=10_000)
    return dialog.result.text()


def test_test_connection_says_whether_the_database_opens_in_one_line(qtbot, tmp_path):
    dialog = ConnectEngineDialog(Connection(None, "alice"))
    qtbot.addWidget(dialog)

    assert "Connected to:" in dialog.current_label.text()
    works = _tested(qtbot, dialog, str(tmp_path / "team.db"))
    assert works == f"Connected: {tmp_path / 'team.db'} works."

    # A PostgreSQL server that is not there: the driver's reason, no traceback.
    refused = _tested(qtbot, dialog, "postgresql://baton:secret@127.0.0.1:1/baton")
    assert "postgresql://baton:***@127.0.0.1:1/baton" in refused and "refused" in refused
    assert "Traceback" not in refused and "\n" not in refused and "secret" not in refused

    unknown = _tested(qtbot, dialog, "oracle://somewhere/db")
    assert "Baton does not support" in unknown and "\n" not in unknown


def test_connect_switches_the_docks_to_the_new_database_and_remembers_it(
    qtbot, tmp_path, engine, db_url, monkeypatch
):
    monkeypatch.setenv("BATON_DB", str(tmp_path / "local.db"))  # not the fixture's file
    window = _window(qtbot, tmp_path)
    window.live.show_dock("runs")
    first_bridge = window.live.bridge
    assert window.live.engine_label.text() == f"Engine: {tmp_path / 'local.db'} · as " + (
        window.live.user
    )

    # when the user connects to the team's database (here: the fixture engine's file)
    window.live.connect_to(db_url, "alice")

    # then the docks are rebuilt on a new bridge to it, acting as alice
    assert window.live.bridge is not first_bridge and window.live.docks["runs"].isVisible()
    assert window.live.runs.actor == "alice"
    label = window.live.engine_label.text()
    assert label == f"Engine: {tmp_path / 'baton.db'} · as alice"  # the fixture's file
    start_onboarding(engine)
    qtbot.waitUntil(lambda: window.live.runs.model.rowCount() == 1, timeout=10_000)
    window.live.show_dock("inbox")
    qtbot.waitUntil(lambda: window.live.inbox.acting_user == "alice", timeout=10_000)

    # and the choice is remembered for the next start
    settings = QSettings()
    assert settings.value("engine/url") == db_url and settings.value("engine/user") == "alice"


def test_the_environment_wins_over_the_remembered_database(qtbot, tmp_path, monkeypatch):
    settings = QSettings()
    settings.setValue("engine/url", str(tmp_path / "remembered.db"))
    settings.setValue("engine/user", "bob")

    with_env = _window(qtbot, tmp_path)
    assert with_env.live.connection.url.endswith("baton.db")  # BATON_DB, set by conftest

    monkeypatch.delenv("BATON_DB")
    monkeypatch.delenv("BATON_USER", raising=False)
    without_env = _window(qtbot, tmp_path)
    assert without_env.live.connection == Connection(str(tmp_path / "remembered.db"), "bob")
    assert "remembered.db · as bob" in without_env.live.engine_label.text()


def test_the_dialog_is_in_the_file_menu_and_ok_switches(qtbot, tmp_path):
    window = _window(qtbot, tmp_path)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts[-3:] == ["&Connect to engine…", "", "&Quit"]

    dialog = window.live.open_connect_dialog()
    dialog.url.setText(str(tmp_path / "other.db"))
    dialog.user.setText("dan")
    dialog.accept()

    assert window.live.connection == Connection(str(tmp_path / "other.db"), "dan")
    assert window.live.bridge is None  # no docks were open: nothing is opened until asked


def test_the_inbox_title_counts_open_items_and_new_ones_are_announced(
    qtbot, tmp_path, engine, db_url
):
    window = _window(qtbot, tmp_path)
    window.live.connect_to(db_url, "alice")
    dock = window.live.show_dock("inbox")
    inbox, notifier = window.live.inbox, window.live.notifier
    qtbot.waitUntil(lambda: inbox.acting_user == "alice", timeout=10_000)
    qtbot.waitUntil(lambda: inbox.summary.text() == "0 open", timeout=10_000)
    assert dock.windowTitle() == "Inbox"

    # a run elsewhere gives HR (alice's group) a contract to check: badge and notice
    first = start_onboarding(engine, "Ann Lee")
    qtbot.waitUntil(lambda: dock.windowTitle() == "Inbox (1)", timeout=10_000)
    assert notifier.decided == [("New work in your inbox", "Check signed contract — Ann Lee")]
    start_onboarding(engine, "Bo Chen")
    qtbot.waitUntil(lambda: dock.windowTitle() == "Inbox (2)", timeout=10_000)
    assert len(notifier.decided) == 2

    # completing one (elsewhere) lowers the count and announces nothing
    engine.complete_item(item_of(engine, first, "contract"), "alice", APPROVE)
    qtbot.waitUntil(lambda: dock.windowTitle() == "Inbox (1)", timeout=10_000)
    assert len(notifier.decided) == 2
    assert notifier.tray is None  # offscreen has no system tray: decided, not shown


@pytest.fixture(autouse=True)
def _no_user_from_the_shell(monkeypatch):
    # The acting user must come from the test, not from whoever runs it.
    monkeypatch.delenv("BATON_USER", raising=False)


def test_the_status_bar_shows_files_under_home_as_tilde(qtbot, tmp_path, monkeypatch):
    # Given a home folder holding the user's database and a definition they saved there
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Documents").mkdir()
    window = _window(qtbot, tmp_path)
    assert window.files.save_as(tmp_path / "Documents" / "onboarding.baton.json")

    # Then the status bar names both as a desktop does, without the home folder's path
    assert window.live.engine_label.text().startswith("Engine: ~/")
    assert str(tmp_path) not in window.live.engine_label.text()
    status = [label.text() for label in window.statusBar().findChildren(QLabel)]
    assert "~/Documents/onboarding.baton.json" in status


def test_switching_while_a_call_waits_on_a_locked_database_does_not_wait_for_it(
    qtbot, tmp_path, engine, db_url, monkeypatch
):
    import sqlite3
    import threading
    import time

    from designer.live.bridge import wait_for_closed_bridges
    from engine.store.faults import BUSY_SECONDS

    # Given a window on the team's database, with a run in its Runs panel
    monkeypatch.setenv("BATON_DB", db_url)
    run_id = start_onboarding(engine)
    window = _window(qtbot, tmp_path)
    window.live.show_dock("runs")
    qtbot.waitUntil(lambda: window.live.runs.model.row_of(run_id) >= 0, timeout=10_000)

    # And another process writing to that database (its write lock held)
    other = sqlite3.connect(tmp_path / "baton.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    answers: list[object] = []
    try:
        # When a pause waits for the lock and the user switches to another database
        started = threading.Event()

        def pause(engine):
            started.set()
            return engine.pause(run_id, "root")

        window.live.bridge.submit(pause, answers.append, answers.append)
        qtbot.waitUntil(started.is_set, timeout=10_000)
        qtbot.wait(100)  # into the write, waiting on the lock
        old_bridge = window.live.bridge
        began = time.monotonic()
        window.live.connect_to(str(tmp_path / "other.db"), "alice")
        switched_in = time.monotonic() - began

        # Then the switch did not wait for the locked call (up to BUSY_SECONDS)
        assert switched_in < BUSY_SECONDS / 2, f"switching took {switched_in:.1f} s"
        assert old_bridge.is_running()  # still in the locked call, left to finish
        assert window.live.engine_label.text().startswith(f"Engine: {tmp_path / 'other.db'}")
    finally:
        other.execute("ROLLBACK")
        other.close()

    # And the old engine's thread ends once the call returns; its answer is dropped
    assert wait_for_closed_bridges(60_000) and not old_bridge.is_running()
    qtbot.wait(200)
    assert answers == []
