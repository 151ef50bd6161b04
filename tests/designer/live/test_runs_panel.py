"""The Runs panel: live list of an orchestration's runs and the operator's actions on them."""

from __future__ import annotations

import pytest
from live_helpers import item_of, start_onboarding
from PySide6.QtCore import Qt

from designer.live.runs_model import STAGE, STATUS, STUCK
from designer.live.runs_panel import RunsPanel
from engine.actions import register_action, unregister_action
from engine.cli import main as baton
from engine.definition import from_dict


@pytest.fixture
def panel(qtbot, bridge, onboarding) -> RunsPanel:
    widget = RunsPanel(bridge, onboarding, actor="ops")
    qtbot.addWidget(widget)
    widget.resize(1100, 400)
    widget.show()
    return widget


def _cell(panel: RunsPanel, run_id: str, column: int) -> str:
    row = panel.model.row_of(run_id)
    return panel.model.index(row, column).data() if row >= 0 else ""


def _select(qtbot, panel: RunsPanel, run_id: str) -> None:
    qtbot.waitUntil(lambda: panel.model.row_of(run_id) >= 0, timeout=10_000)
    panel.select_run(run_id)
    assert panel.selected_run_id() == run_id


def test_runs_started_before_and_from_the_cli_are_listed_within_a_second(
    qtbot, panel, engine, db_url
):
    first = start_onboarding(engine)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
    assert _cell(panel, first, STAGE) == "HR paperwork"

    code = baton(
        [
            "start",
            "employee_onboarding",
            "--input",
            "employee=Bo Chen",
            "--input",
            "email=bo@example.com",
            "--as",
            "cli",
            "--db",
            db_url,
        ]
    )

    assert code == 0
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)


def test_a_cancel_from_the_cli_updates_the_row_within_a_second(qtbot, panel, engine, db_url):
    run_id = start_onboarding(engine)
    qtbot.waitUntil(lambda: _cell(panel, run_id, STATUS) == "Waiting", timeout=10_000)

    assert baton(["cancel", run_id, "--reason", "duplicate", "--db", db_url]) == 0

    qtbot.waitUntil(lambda: _cell(panel, run_id, STATUS) == "Canceled", timeout=10_000)


def test_cancel_asks_for_a_reason_and_logs_it(qtbot, panel, engine):
    run_id = start_onboarding(engine)
    _select(qtbot, panel, run_id)

    panel.actions_by_name["cancel"].trigger()
    dialog = panel.dialog
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.problem.isVisible()  # no reason, no cancel
    qtbot.keyClicks(dialog.reason, "offer withdrawn")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: engine.run(run_id)["status"] == "canceled", timeout=10_000)
    last = engine.log(run_id)[-1]
    assert last["type"] == "run_canceled" and last["payload"]["reason"] == "offer withdrawn"
    assert last["actor"] == "ops"
    qtbot.waitUntil(lambda: _cell(panel, run_id, STATUS) == "Canceled", timeout=10_000)


def test_pause_then_resume_from_the_toolbar(qtbot, panel, engine):
    run_id = start_onboarding(engine)
    _select(qtbot, panel, run_id)

    panel.actions_by_name["pause"].trigger()
    qtbot.waitUntil(lambda: _cell(panel, run_id, STATUS) == "Paused", timeout=10_000)
    assert panel.actions_by_name["resume"].isEnabled()
    panel.actions_by_name["resume"].trigger()

    qtbot.waitUntil(lambda: _cell(panel, run_id, STATUS) == "Waiting", timeout=10_000)
    assert [e["type"] for e in engine.log(run_id)][-2:] == ["run_paused", "run_resumed"]


def test_bulk_reassign_moves_every_item_of_someone_who_left(qtbot, panel, engine):
    runs = [start_onboarding(engine, name) for name in ("Ann Lee", "Bo Chen", "Cy Diaz")]
    for run_id in runs[:2]:
        engine.reassign(item_of(engine, run_id, "contract"), "user:hannah", actor="root")
    engine.deactivate_user("hannah")
    qtbot.waitUntil(lambda: "inactive" in _cell(panel, runs[0], STUCK), timeout=10_000)

    panel.bulk_reassign(source="user:hannah")
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=10_000)
    dialog = panel.dialog
    assert dialog.preview.text() == "2 open items in 2 runs will move."
    dialog.to.setCurrentText("user:alice")
    qtbot.keyClicks(dialog.reason, "Hannah left")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "Moved 2 items" in panel.notice.text(), timeout=10_000)
    assigned = {r: engine.run(r)["open_items"][0]["assignee"] for r in runs}
    assert assigned == {runs[0]: "user:alice", runs[1]: "user:alice", runs[2]: "group:hr"}
    qtbot.waitUntil(lambda: _cell(panel, runs[0], STUCK) == "", timeout=10_000)  # <= 1 s late


def test_skipping_a_waiting_step_moves_the_run_on(qtbot, panel, engine):
    run_id = start_onboarding(engine)
    _select(qtbot, panel, run_id)

    panel.actions_by_name["skip"].trigger()
    dialog = panel.dialog
    dialog.step.setCurrentIndex(dialog.step.findData("badge"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "Skipped badge" in panel.notice.text(), timeout=10_000)
    steps = {s["id"]: s["status"] for s in engine.run(run_id)["steps"]}
    assert steps["badge"] == "skipped"


def test_an_engine_refusal_is_shown_under_the_table(qtbot, panel, engine):
    run_id = start_onboarding(engine)
    _select(qtbot, panel, run_id)
    engine.cancel(run_id, "gone")  # the panel has not caught up yet when the user clicks

    panel.pause_selected()

    qtbot.waitUntil(panel.notice.isVisible, timeout=10_000)
    assert "only a running or waiting run can pause" in panel.notice.text()


def test_search_finds_runs_by_variable_value_and_the_filter_by_status(qtbot, panel, engine):
    ann, bo = start_onboarding(engine, "Ann Lee"), start_onboarding(engine, "Bo Chen")
    engine.cancel(bo, "duplicate")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: _cell(panel, bo, STATUS) == "Canceled", timeout=10_000)

    qtbot.keyClicks(panel.search, "ann.lee@")
    assert panel.proxy.rowCount() == 1
    assert panel.proxy.index(0, 0).data() == ann
    panel.search.clear()
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("canceled"))
    assert [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())] == [bo]


@pytest.fixture
def failing_run(engine):
    """A run whose background step failed for good (the service is down)."""
    calls = []

    def down(inputs, context):
        calls.append(context.attempt)
        if len(calls) < 2:
            raise ConnectionError("payroll service unavailable")
        return {"ok": True}

    register_action("payroll_api", down)
    engine.activate(
        from_dict(
            {
                "schema": "baton/1",
                "id": "payroll_sync",
                "nodes": [
                    {"id": "start", "type": "start"},
                    {
                        "id": "sync",
                        "type": "stage",
                        "steps": [{"id": "push", "type": "background", "action": "payroll_api"}],
                    },
                    {"id": "end", "type": "end"},
                ],
                "flows": [{"from": "start", "to": "sync"}, {"from": "sync", "to": "end"}],
            }
        )
    )
    yield engine.start("payroll_sync")
    unregister_action("payroll_api")


def test_retrying_a_failed_step_recovers_the_run(qtbot, bridge, engine, failing_run):
    panel = RunsPanel(bridge, "payroll_sync", actor="ops")
    qtbot.addWidget(panel)
    _select(qtbot, panel, failing_run)
    assert "payroll service unavailable" in _cell(panel, failing_run, STUCK)

    panel.actions_by_name["retry"].trigger()
    assert panel.dialog.step_id() == "push"
    qtbot.mouseClick(panel.dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: _cell(panel, failing_run, STATUS) == "Completed", timeout=10_000)
    retried = [e for e in engine.log(failing_run) if e["type"] == "step_retried"]
    assert retried[0]["actor"] == "ops"


def test_reassigning_one_item_of_the_selected_run(qtbot, panel, engine):
    run_id = start_onboarding(engine)
    _select(qtbot, panel, run_id)

    panel.actions_by_name["reassign"].trigger()
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=10_000)
    dialog = panel.dialog
    assert dialog.item_id() == item_of(engine, run_id, "contract")
    dialog.to.setCurrentText("user:carol")  # not in the directory
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "would be stuck" in dialog.problem.text()
    dialog.to.setCurrentText("user:hannah")
    qtbot.keyClicks(dialog.reason, "Alice is on holiday")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "Reassigned" in panel.notice.text(), timeout=10_000)
    last = engine.log(run_id)[-1]
    assert last["type"] == "item_reassigned" and last["payload"]["to"] == "user:hannah"
    assert last["payload"]["reason"] == "Alice is on holiday" and last["actor"] == "ops"


def test_one_run_is_counted_as_one_run(qtbot, panel, engine):
    # Given a single run
    start_onboarding(engine)

    # When the panel has caught up
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)

    # Then the count reads in the singular
    assert panel.count_label.text() == "1 run"


def test_a_run_just_started_is_selected_once_the_list_catches_up(qtbot, panel, engine):
    # Given a run started a moment ago, not listed yet
    run_id = start_onboarding(engine)
    assert panel.model.row_of(run_id) < 0
    shown = []
    panel.run_selected.connect(shown.append)

    # When the window asks for it to be selected (after Run ▸ Start run…)
    panel.select_new_run(run_id)

    # Then it is selected as soon as it is listed, and the canvas is told to show it
    qtbot.waitUntil(lambda: panel.selected_run_id() == run_id, timeout=10_000)
    assert shown[-1] == run_id


def test_the_toolbar_buttons_read_whole_with_their_ellipsis(panel):
    from PySide6.QtWidgets import QToolButton

    # Then every button that opens a dialog shows its "…" ("Reassign all of" read as cut)
    texts = {b.text() for b in panel.toolbar.findChildren(QToolButton) if b.defaultAction()}
    assert {"Reassign all of…", "Reassign item…", "Cancel…"} <= texts


def test_only_the_newest_page_of_runs_is_read_and_older_pages_load_on_request(
    qtbot, bridge, engine, onboarding, clock, monkeypatch
):
    # Given seven runs, one started per hour, and pages of three
    from datetime import timedelta

    from designer.live import runs_panel

    monkeypatch.setattr(runs_panel, "RUNS_PAGE", 3)
    started = []
    for n in range(7):
        started.append(start_onboarding(engine, f"Person {n}"))
        clock.advance(timedelta(hours=1))
    newest_first = started[::-1]

    # When the panel opens
    panel = RunsPanel(bridge, onboarding, actor="ops")
    qtbot.addWidget(panel)
    panel.show()

    # Then it lists the newest three, says the list is cut and offers the next page
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)
    assert [panel.model.run_at(r)["id"] for r in range(3)] == newest_first[:3]
    assert panel.count_label.text() == "newest 3 runs"
    assert panel.load_older.isVisible()

    # When the operator loads older runs twice
    qtbot.mouseClick(panel.load_older, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 6, timeout=10_000)
    assert panel.load_older.isVisible()
    qtbot.mouseClick(panel.load_older, Qt.MouseButton.LeftButton)

    # Then every run is listed once, in order, and nothing more is offered
    qtbot.waitUntil(lambda: panel.model.rowCount() == 7, timeout=10_000)
    assert [panel.model.run_at(r)["id"] for r in range(7)] == newest_first
    assert panel.count_label.text() == "7 runs"
    assert not panel.load_older.isVisible()


def test_a_cut_list_shows_stuck_reasons_of_its_runs_and_a_refresh_keeps_the_pages(
    qtbot, bridge, engine, onboarding, clock, monkeypatch
):
    # Given five runs whose HR items are overdue, listed two at a time, one page loaded more
    from datetime import timedelta

    from designer.live import runs_panel

    monkeypatch.setattr(runs_panel, "RUNS_PAGE", 2)
    for n in range(5):
        start_onboarding(engine, f"Person {n}")
        clock.advance(timedelta(minutes=1))
    engine.advance(clock.now() + timedelta(days=5))
    panel = RunsPanel(bridge, onboarding, actor="ops")
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    qtbot.mouseClick(panel.load_older, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4, timeout=10_000)

    # When the list is read again (as after a run is started here)
    panel.refresh()
    qtbot.wait(300)

    # Then the four listed runs stay listed, each with its stuck reason
    assert panel.model.rowCount() == 4, panel.count_label.text()
    ids = [panel.model.run_at(r)["id"] for r in range(4)]
    qtbot.waitUntil(lambda: all("overdue" in _cell(panel, i, STUCK) for i in ids), timeout=10_000)
    assert panel.count_label.text() == "newest 4 runs"
