"""Run ▸ Migrate runs… on a Temporal runtime: the admin plans and moves runs whose state
lives in workflow histories, exactly as on a local database (the plan folds each run's
events, Apply sends each workflow its `migrate` Update).

Waits of 60 s are hang guards only: every answer takes a round trip or two to the server.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from temporal_helpers import APPROVE, ONBOARDING, item_of, start_onboarding

from designer.live.migrate_dialog import COLUMNS, MigrateRunsDialog
from designer.window import MainWindow
from engine.definition import from_dict

GUARD = 60_000


def _version_2():
    """Onboarding without the badge step, with security training in the first week."""
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
def window(qtbot, tmp_path, on_temporal, monkeypatch) -> MainWindow:
    monkeypatch.setenv("BATON_USER", "root")  # the catalogue's admin
    shown = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(shown)
    shown.show()
    assert shown.files.open_file(ONBOARDING)
    yield shown
    shown.live.close()


@pytest.fixture
def two_runs_on_version_1(cli) -> dict[str, str]:
    """Ann's contract approved (only the badge awaited), Ben's still open; v2 active."""
    runs = {name: start_onboarding(cli, name) for name in ("Ann Lee", "Ben Ode")}
    cli.complete_item(item_of(cli, runs["Ann Lee"], "contract"), "alice", APPROVE)
    cli.activate(_version_2())
    return runs


def _opened(qtbot, window: MainWindow) -> MigrateRunsDialog:
    dialog = window.live.migrate_runs()
    qtbot.waitUntil(dialog.plan_button.isEnabled, timeout=GUARD)
    return dialog


def _cell(dialog: MigrateRunsDialog, run_id: str, column: str) -> str:
    rows = range(dialog.table.rowCount())
    row = next(r for r in rows if dialog.table.item(r, 0).text() == run_id)
    return dialog.table.item(row, COLUMNS.index(column)).text()


def test_an_admin_plans_and_moves_temporal_runs_from_the_migrate_dialog(
    qtbot, cli, window, two_runs_on_version_1
):
    ann, ben = two_runs_on_version_1["Ann Lee"], two_runs_on_version_1["Ben Ode"]
    # Given Run ▸ Migrate runs…, which proposes version 1's runs to the active version 2
    dialog = _opened(qtbot, window)
    assert (dialog.from_box.currentData(), dialog.to_box.currentData()) == (1, 2)

    # When the admin plans
    qtbot.mouseClick(dialog.plan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=GUARD)

    # Then each row says, from the workflow's own events, where the run lands
    assert _cell(dialog, ann, "Lands in") == "equipment"
    assert _cell(dialog, ben, "Lands in") == "paperwork"
    assert _cell(dialog, ben, "Items stay") == "contract (group:hr)"
    assert "wait dropped: badge" in _cell(dialog, ben, "Waits and timers")
    assert "2 of 2 open run(s) can move" in dialog.summary.text()
    assert dialog.layers["new"].looks["security_training"].tag == "added"

    # When the admin gives a reason and applies
    QTest.keyClicks(dialog.reason, "security training is mandatory")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=GUARD)

    # Then both workflows are on version 2 where the plan said, and none are left to move
    assert sorted(dialog.result.moved) == sorted([ann, ben])
    assert (cli.run(ann)["stage"], cli.run(ann)["version"]) == ("equipment", 2)
    assert cli.run(ben)["version"] == 2
    (event,) = [e for e in cli.log(ben) if e["type"] == "run_migrated"]
    assert (event["actor"], event["payload"]["reason"]) == (
        "root",
        "security training is mandatory",
    )
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=GUARD)
    dialog.close()


def test_a_temporal_run_that_cannot_move_says_why_and_stays(
    qtbot, cli, window, two_runs_on_version_1
):
    ben = two_runs_on_version_1["Ben Ode"]
    dialog = _opened(qtbot, window)

    # When the admin maps the badge wait onto a step of another stage
    QTest.keyClicks(dialog.mapping, "badge=plan")
    qtbot.mouseClick(dialog.plan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=GUARD)

    # Then the rows say no, with the reason, and Apply stays off
    assert _cell(dialog, ben, "Can move").startswith("no: step badge maps to plan")
    QTest.keyClicks(dialog.reason, "try")
    assert not dialog.apply_button.isEnabled()

    # And a mapping that is not old=new is told in one line, not raised
    dialog.mapping.setText("badge")
    qtbot.mouseClick(dialog.plan_button, Qt.MouseButton.LeftButton)
    assert "is not old=new" in dialog.summary.text() and "\n" not in dialog.summary.text()
    assert cli.run(ben)["version"] == 1
    dialog.close()
