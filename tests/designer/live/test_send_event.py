"""Run ▸ Send event…: an admin delivers an event to waiting runs without a terminal."""

from __future__ import annotations

import pytest
from live_helpers import item_of, start_onboarding
from PySide6.QtTest import QTest

from designer.live.send_event_dialog import SendEventDialog

APPROVE = {"decision": "approve", "start_date": "2026-02-02"}


@pytest.fixture
def waiting_for_badge(engine) -> str:
    run_id = start_onboarding(engine, "Ann Lee")
    engine.complete_item(item_of(engine, run_id, "contract"), "alice", APPROVE)
    return run_id


def _dialog(qtbot, bridge) -> SendEventDialog:
    dialog = SendEventDialog(bridge, actor="ops")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.event.count() > 0, timeout=10_000)
    return dialog


def test_the_dialog_offers_the_events_and_keys_runs_wait_for(qtbot, bridge, waiting_for_badge):
    dialog = _dialog(qtbot, bridge)

    assert "badge_printed" in [dialog.event.itemText(i) for i in range(dialog.event.count())]
    dialog.event.setEditText("badge_printed")
    assert dialog.key.currentText() == "Ann Lee"
    assert "1 run waiting for badge_printed" in dialog.message.text()


def test_sending_moves_the_run_on_and_logs_who_sent_it(qtbot, bridge, engine, waiting_for_badge):
    dialog = _dialog(qtbot, bridge)
    dialog.event.setEditText("badge_printed")
    dialog.key.setEditText("Ann Lee")
    QTest.keyClicks(dialog.data, '{"badge_no": 42}')

    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.send_button.click()

    assert dialog.reached == [waiting_for_badge]
    badge = next(s for s in engine.run(waiting_for_badge)["steps"] if s["id"] == "badge")
    assert badge["status"] == "completed" and badge["outputs"]["badge_no"] == 42
    assert any(e["actor"] == "ops" for e in engine.log(waiting_for_badge)[-3:])


def test_data_that_is_not_a_json_object_is_refused_before_sending(qtbot, bridge):
    dialog = _dialog_without_waits(qtbot, bridge)
    QTest.keyClicks(dialog.data, "[1, 2")

    assert not dialog.send_button.isEnabled()
    assert "not JSON" in dialog.message.text()
    dialog.data.setPlainText("[1, 2]")
    assert "JSON object" in dialog.message.text()


def _dialog_without_waits(qtbot, bridge) -> SendEventDialog:
    dialog = SendEventDialog(bridge, actor="ops")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog
