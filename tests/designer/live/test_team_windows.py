"""Team mode: two designer windows on one PostgreSQL database see each other's changes.

Each window has its own bridge (its own engine and connections), as two desktops would;
a change made through window A must show in window B within a second of its commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from live_helpers import item_of

from designer.live.connect_dialog import ConnectEngineDialog
from designer.live.connection import Connection
from designer.window import MainWindow
from tests.engine.conftest import pg_server  # noqa: F401  (the session's PostgreSQL server)

ONBOARDING = Path(__file__).parents[3] / "resources/examples/employee_onboarding.baton.json"
APPROVE = {"decision": "approve", "start_date": "2026-02-02"}
INPUTS = {"employee": "Ann Lee", "email": "ann.lee@example.com"}


@pytest.fixture
def db_url(pg_server) -> str:  # noqa: F811  (overrides the SQLite file of live/conftest)
    return pg_server.fresh_database()


def _window(qtbot, tmp_path: Path, name: str, db_url: str, user: str) -> MainWindow:
    window = MainWindow(recovery_dir=tmp_path / f"recovery-{name}")
    qtbot.addWidget(window)  # closed at the end: its bridge's thread and engine too
    window.show()
    assert window.files.open_file(ONBOARDING)
    window.live.connect_to(db_url, user)
    window.live.show_dock("runs")
    window.live.show_dock("inbox")
    qtbot.waitUntil(window.live.bridge.is_ready, timeout=10_000)
    qtbot.waitUntil(lambda: window.live.inbox.acting_user == user, timeout=10_000)
    return window


def _committed(qtbot, window: MainWindow, work):
    """Run `work(engine)` through the window's bridge; the result once it is committed."""
    results: list[object] = []
    errors: list[str] = []
    window.live.bridge.submit(work, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(results or errors), timeout=10_000)
    assert not errors, errors
    return results[0]


def _status_in(window: MainWindow, run_id: str) -> str | None:
    model = window.live.runs.model
    row = model.row_of(run_id)
    return None if row < 0 else model.run_at(row)["status"]


def test_two_windows_on_one_postgresql_database_see_each_others_changes(
    qtbot, tmp_path, engine, db_url
):
    # given an operator's window (root, an admin) and an assignee's (alice, in HR)
    a = _window(qtbot, tmp_path, "a", db_url, "root")
    b = _window(qtbot, tmp_path, "b", db_url, "alice")
    assert "postgresql://baton@127.0.0.1" in b.live.engine_label.text()
    qtbot.waitUntil(lambda: b.live.inbox.summary.text() == "0 open", timeout=10_000)

    # when A starts a run (it waits on HR), B lists it
    run_id = _committed(
        qtbot, a, lambda engine: engine.start("employee_onboarding", INPUTS, actor="root")
    )
    # (10 s: a hang guard at 10x the second the designer promises; the speed itself is
    # measured by benchmarks, not asserted here)
    qtbot.waitUntil(lambda: _status_in(b, run_id) == "waiting", timeout=10_000)
    # and B's inbox (alice's group has the contract check) gets it, with the badge
    contract = item_of(engine, run_id, "contract")
    qtbot.waitUntil(lambda: b.live.inbox.item_ids() == [contract], timeout=10_000)
    assert b.live.docks["inbox"].windowTitle() == "Inbox (1)"
    assert b.live.notifier.decided == [
        ("New work in your inbox", "Check signed contract — Ann Lee")
    ]

    # when A completes that item, it leaves B's inbox
    _committed(qtbot, a, lambda engine: engine.complete_item(contract, "root", APPROVE))
    qtbot.waitUntil(lambda: b.live.inbox.item_ids() == [], timeout=10_000)
    assert b.live.docks["inbox"].windowTitle() == "Inbox"

    # when A cancels the run, B shows it canceled
    _committed(qtbot, a, lambda engine: engine.cancel(run_id, "offer withdrawn", actor="root"))
    qtbot.waitUntil(lambda: _status_in(b, run_id) == "canceled", timeout=10_000)


def test_the_engine_refuses_what_the_acting_user_may_not_do(qtbot, tmp_path, engine, db_url):
    # On PostgreSQL roles are enforced: alice (an assignee) may not cancel runs from her window.
    run_id = engine.start("employee_onboarding", INPUTS)
    b = _window(qtbot, tmp_path, "b", db_url, "alice")
    errors: list[str] = []
    user = b.live.user
    b.live.bridge.submit(
        lambda engine: engine.cancel(run_id, "", actor=user), on_error=errors.append
    )
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert errors[0].startswith(
        "'alice' may not cancel runs: that needs the operator role and they are assignee"
    )
    assert engine.run(run_id)["status"] == "waiting"


def test_test_connection_opens_the_team_database(qtbot, db_url):
    dialog = ConnectEngineDialog(Connection(None, "alice"))
    qtbot.addWidget(dialog)
    dialog.url.setText(db_url)

    dialog.test_button.click()
    qtbot.waitUntil(lambda: not dialog.testing(), timeout=10_000)

    assert dialog.result.text() == f"Connected: {db_url} works."
