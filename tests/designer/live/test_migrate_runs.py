"""Run ▸ Migrate runs…: an admin sees where each open run would land on the new version,
beside both diagrams with what changed marked, then moves them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from live_helpers import item_of, start_onboarding
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.live.migrate_dialog import COLUMNS, MigrateRunsDialog
from designer.runs.formatting import describe_event
from engine.definition import from_dict

ONBOARDING = Path(__file__).parents[3] / "resources/examples/employee_onboarding.baton.json"

APPROVE = {"decision": "approve", "start_date": "2026-02-02"}


def _version_2():
    body = json.loads(ONBOARDING.read_text(encoding="utf-8"))
    for node in body["nodes"]:
        if node["id"] == "paperwork":
            node["steps"] = [s for s in node["steps"] if s["id"] != "badge"]
        if node["id"] == "first_week":
            node["steps"].append(
                {"id": "security_training", "name": "Security training",
                 "type": "interactive", "assignee": "group:security"}
            )  # fmt: skip
    return from_dict(body)


@pytest.fixture
def two_runs_on_version_1(engine) -> dict[str, str]:
    """Ann's contract approved (only the badge awaited), Ben's still open; v2 active."""
    runs = {name: start_onboarding(engine, name) for name in ("Ann Lee", "Ben Ode")}
    engine.complete_item(item_of(engine, runs["Ann Lee"], "contract"), "alice", APPROVE)
    engine.activate(_version_2())
    return runs


def _cell(dialog, run_id: str, column: str) -> str:
    row = next(
        r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == run_id
    )
    return dialog.table.item(row, COLUMNS.index(column)).text()


def _open(qtbot, bridge) -> MigrateRunsDialog:
    dialog = MigrateRunsDialog(bridge, "employee_onboarding", actor="root")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.plan_button.isEnabled, timeout=10_000)
    return dialog


def test_the_plan_shows_each_run_beside_both_diagrams_and_apply_moves_them(
    qtbot, bridge, engine, two_runs_on_version_1
):
    ann, ben = two_runs_on_version_1["Ann Lee"], two_runs_on_version_1["Ben Ode"]
    # given the dialog, which proposes moving version 1's runs to the active version 2
    dialog = _open(qtbot, bridge)
    assert (dialog.from_box.currentData(), dialog.to_box.currentData()) == (1, 2)

    # when the admin plans
    qtbot.mouseClick(dialog.plan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)

    # then each run's row says where it lands and what happens to its work
    assert _cell(dialog, ann, "Lands in") == "equipment"
    assert _cell(dialog, ann, "Created") == "laptop (group:it)\naccounts (queue:it_service_desk)"
    assert _cell(dialog, ben, "Lands in") == "paperwork"
    assert _cell(dialog, ben, "Items stay") == "contract (group:hr)"
    assert "wait dropped: badge" in _cell(dialog, ben, "Waits and timers")
    assert "2 of 2 open run(s) can move" in dialog.summary.text()
    # and the diagrams mark the removed badge step on version 1, the training on version 2
    assert dialog.layers["old"].looks["badge"].tag == "removed"
    assert dialog.layers["new"].looks["security_training"].tag == "added"
    assert dialog.layers["old"].decoration("badge") is not None
    # and selecting Ann's row marks where her run is and where it lands
    dialog.table.selectRow(next(r for r in range(2) if dialog.table.item(r, 0).text() == ann))
    assert dialog.layers["old"].looks["paperwork"].tag == "run is here"
    assert dialog.layers["new"].looks["equipment"].tag == "lands here"

    # when the admin gives a reason and applies
    assert not dialog.apply_button.isEnabled()  # no reason yet
    QTest.keyClicks(dialog.reason, "security training is mandatory")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)

    # then both runs are on version 2 where the plan said, and the re-plan finds none left
    assert sorted(dialog.result.moved) == sorted([ann, ben])
    assert engine.run(ann)["stage"] == "equipment" and engine.run(ann)["version"] == 2
    assert engine.run(ben)["version"] == 2
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=10_000)
    (event,) = [e for e in engine.log(ben) if e["type"] == "run_migrated"]
    assert (event["actor"], event["payload"]["reason"]) == (
        "root",
        "security training is mandatory",
    )
    # and the run's history tells the move in words
    assert describe_event(event) == ("Run migrated", "v1 → v2: security training is mandatory")


def test_a_run_that_cannot_move_says_why_and_stays(qtbot, bridge, engine, two_runs_on_version_1):
    dialog = _open(qtbot, bridge)
    # when the admin maps the badge wait onto a step of another stage
    QTest.keyClicks(dialog.mapping, "badge=plan")
    qtbot.mouseClick(dialog.plan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    # then both rows say no, with the reason, and Apply stays off
    ben = two_runs_on_version_1["Ben Ode"]
    assert _cell(dialog, ben, "Can move").startswith("no: step badge maps to plan")
    QTest.keyClicks(dialog.reason, "try")
    assert not dialog.apply_button.isEnabled()
    # and a mapping that is not old=new is reported, not raised
    dialog.mapping.setText("badge")
    qtbot.mouseClick(dialog.plan_button, Qt.MouseButton.LeftButton)
    assert "is not old=new" in dialog.summary.text()
    assert engine.run(ben)["version"] == 1


def test_with_one_version_the_dialog_says_what_to_do_next(qtbot, bridge):
    # Given the onboarding example active in its first version only
    dialog = MigrateRunsDialog(bridge, "employee_onboarding", actor="root")
    qtbot.addWidget(dialog)
    dialog.show()

    # Then the dialog names that version and the next step (it said "has 1 version(s)")
    qtbot.waitUntil(lambda: "only version 1" in dialog.summary.text(), timeout=10_000)
    assert "activate the new version" in dialog.summary.text()
    assert "(s)" not in dialog.summary.text()
    assert not dialog.plan_button.isEnabled()
