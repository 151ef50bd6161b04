"""The inbox and work guide, used as an assignee would: pick yourself, open, answer, complete."""

from __future__ import annotations

from datetime import timedelta

import pytest
from live_helpers import item_of, start_onboarding
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QRadioButton

from designer.live.inbox import InboxPanel
from engine.cli import main as baton


@pytest.fixture
def inbox(qtbot, bridge) -> InboxPanel:
    widget = InboxPanel(bridge)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    qtbot.waitUntil(lambda: widget.user_combo.count() > 0, timeout=10_000)
    return widget


def _act_as(qtbot, inbox: InboxPanel, user: str, expected_items: int) -> None:
    inbox.set_acting_user(user)
    qtbot.waitUntil(lambda: len(inbox.item_ids()) == expected_items, timeout=10_000)


def _open(qtbot, inbox: InboxPanel, item_id: str) -> None:
    inbox.open_item(item_id)

    def shown() -> bool:
        # Widgets added to a visible guide are shown by a queued event: wait for it too.
        guide = inbox.guide
        opened = guide.context is not None and guide.context.item["id"] == item_id
        return opened and (guide.form is None or guide.form.isVisible())

    qtbot.waitUntil(shown, timeout=10_000)


def test_acting_as_lists_users_from_the_directory(inbox):
    names = [inbox.user_combo.itemData(i) for i in range(inbox.user_combo.count())]

    assert names == sorted(names) and {"alice", "bob", "dan", "root"} <= set(names)
    assert inbox.user_combo.itemText(names.index("alice")) == "alice — hr"


def test_a_group_member_sees_the_groups_item_and_others_do_not(qtbot, inbox, engine):
    run_id = start_onboarding(engine)
    contract = item_of(engine, run_id, "contract")

    _act_as(qtbot, inbox, "alice", 1)
    assert inbox.item_ids() == [contract]
    assert inbox.list.topLevelItem(0).text(1) == "Ann Lee"
    _act_as(qtbot, inbox, "bob", 0)


def test_completing_from_the_guide_moves_the_run_on(qtbot, inbox, engine):
    run_id = start_onboarding(engine)
    contract = item_of(engine, run_id, "contract")
    _act_as(qtbot, inbox, "alice", 1)

    _open(qtbot, inbox, contract)
    guidance = inbox.guide.findChild(QLabel, "guidance")
    assert "signed contract" in guidance.text()
    qtbot.mouseClick(
        inbox.guide.form.editor("decision").findChild(QRadioButton, "choice_approve"),
        Qt.MouseButton.LeftButton,
    )
    with qtbot.waitSignal(inbox.item_completed, timeout=10_000):
        qtbot.mouseClick(inbox.guide.complete_button, Qt.MouseButton.LeftButton)

    steps = {s["id"]: s["status"] for s in engine.run(run_id)["steps"]}
    assert steps["contract"] == "completed" and steps["payroll"] == "completed"
    assert engine.run(run_id)["variables"]["payroll_id"] == "P-Ann Lee"
    assert engine.log(run_id)[-1]["type"] != "run_failed"
    qtbot.waitUntil(lambda: inbox.item_ids() == [], timeout=10_000)
    assert "The run moves on" in inbox.guide.banner.text()


def test_a_missing_required_answer_is_marked_and_nothing_is_sent(qtbot, inbox, engine):
    run_id = start_onboarding(engine)
    _act_as(qtbot, inbox, "alice", 1)
    _open(qtbot, inbox, item_of(engine, run_id, "contract"))

    qtbot.mouseClick(inbox.guide.complete_button, Qt.MouseButton.LeftButton)

    error = inbox.guide.form.findChild(QLabel, "error_decision")
    assert error.isVisible() and error.text() == "Required."
    qtbot.wait(150)
    assert engine.run(run_id)["open_items"][0]["status"] == "open"


def test_queue_work_and_overdue_items_show_in_the_inbox(qtbot, inbox, engine, clock):
    run_id = start_onboarding(engine)
    engine.complete_item(
        item_of(engine, run_id, "contract"),
        "alice",
        {"decision": "approve", "start_date": "2026-02-02"},
    )
    engine.send_event("badge_printed", "Ann Lee")
    engine.advance(clock.now() + timedelta(days=2, hours=1))  # accounts is due after 2 days

    _act_as(qtbot, inbox, "dan", 1)
    row = inbox.list.topLevelItem(0)
    assert row.text(0) == "Create accounts" and row.text(2) == "queue:it_service_desk"
    assert row.text(4).endswith("overdue") and "overdue" in inbox.summary.text()


def test_reassigning_from_the_guide_hands_the_item_over(qtbot, inbox, engine):
    run_id = start_onboarding(engine)
    contract = item_of(engine, run_id, "contract")
    _act_as(qtbot, inbox, "alice", 1)
    _open(qtbot, inbox, contract)

    qtbot.mouseClick(inbox.guide.reassign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inbox.dialog is not None and inbox.dialog.isVisible(), timeout=10_000)
    inbox.dialog.to.setCurrentText("user:hannah")
    qtbot.mouseClick(inbox.dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: inbox.item_ids() == [], timeout=10_000)
    assert engine.run(run_id)["open_items"][0]["assignee"] == "user:hannah"
    assert engine.log(run_id)[-1]["actor"] == "alice"


def test_an_item_opened_from_the_canvas_by_someone_not_allowed_is_refused_inline(
    qtbot, inbox, engine
):
    run_id = start_onboarding(engine)
    contract = item_of(engine, run_id, "contract")
    _act_as(qtbot, inbox, "bob", 0)

    _open(qtbot, inbox, contract)
    inbox.guide.form.editor("decision").findChild(QRadioButton, "choice_reject").setChecked(True)
    qtbot.mouseClick(inbox.guide.complete_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(inbox.guide.banner.isVisible, timeout=10_000)
    assert "'bob' may not complete this item" in inbox.guide.banner.text()
    assert engine.run(run_id)["open_items"][0]["id"] == contract
    assert inbox.guide.complete_button.isEnabled()


def test_an_item_completed_from_the_cli_leaves_the_inbox_within_a_second(
    qtbot, inbox, engine, db_url
):
    run_id = start_onboarding(engine)
    contract = item_of(engine, run_id, "contract")
    _act_as(qtbot, inbox, "alice", 1)
    _open(qtbot, inbox, contract)

    code = baton(
        [
            "work",
            "complete",
            contract,
            "--as",
            "hannah",
            "--output",
            "decision=reject",
            "--output",
            "start_date=2026-02-02",
            "--db",
            db_url,
        ]
    )

    assert code == 0
    qtbot.waitUntil(lambda: inbox.item_ids() == [], timeout=10_000)
    assert inbox.guide.context is None and not inbox.guide.complete_button.isEnabled()


def test_a_double_clicked_step_opens_its_work_item(qtbot, inbox, engine):
    run_id = start_onboarding(engine)
    _act_as(qtbot, inbox, "alice", 1)

    inbox.open_step(run_id, "contract")

    qtbot.waitUntil(lambda: inbox.guide.context is not None, timeout=10_000)
    assert inbox.guide.context.item["id"] == item_of(engine, run_id, "contract")
    inbox.open_step(run_id, "payroll")  # a background step has no item
    qtbot.waitUntil(inbox.guide.banner.isVisible, timeout=10_000)
    assert "has no open work item" in inbox.guide.banner.text()


def test_a_long_inbox_lists_the_oldest_items_first_and_more_on_request(
    qtbot, bridge, engine, clock, monkeypatch
):
    # Given five contract checks waiting for HR, one an hour, and an inbox listing two
    from designer.live import inbox as inbox_module

    monkeypatch.setattr(inbox_module, "INBOX_PAGE", 2)
    runs = []
    for n in range(5):
        runs.append(start_onboarding(engine, f"Person {n}"))
        clock.advance(timedelta(hours=1))
    panel = InboxPanel(bridge, acting_user="alice")
    qtbot.addWidget(panel)
    panel.show()

    # When alice's inbox has loaded
    qtbot.waitUntil(lambda: len(panel.item_ids()) == 2, timeout=10_000)

    # Then it lists the two oldest, says more are open, and offers them
    assert panel.item_ids() == [item_of(engine, r, "contract") for r in runs[:2]]
    assert panel.summary.text().startswith("oldest 2 open, more not listed")
    assert panel.show_more.isVisible()

    # When she asks for more, twice
    qtbot.mouseClick(panel.show_more, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.item_ids()) == 4, timeout=10_000)
    qtbot.mouseClick(panel.show_more, Qt.MouseButton.LeftButton)

    # Then all five are listed, oldest first, and nothing more is offered
    qtbot.waitUntil(lambda: len(panel.item_ids()) == 5, timeout=10_000)
    assert panel.item_ids() == [item_of(engine, r, "contract") for r in runs]
    assert panel.summary.text().startswith("5 open")
    assert not panel.show_more.isVisible()


def test_the_guide_of_a_run_without_variables_says_so_rather_than_an_empty_box(
    qtbot, bridge, engine
):
    # Given a one-step orchestration that takes no inputs, and a run of it for alice
    from engine.definition import from_dict

    engine.activate(
        from_dict(
            {
                "schema": "baton/1",
                "id": "review",
                "name": "Review",
                "nodes": [
                    {"id": "start", "type": "start"},
                    {
                        "id": "stage",
                        "type": "stage",
                        "name": "Stage",
                        "steps": [
                            {
                                "id": "look",
                                "type": "interactive",
                                "name": "Look",
                                "assignee": "user:alice",
                            }
                        ],
                    },
                    {"id": "end", "type": "end"},
                ],
                "flows": [
                    {"source": "start", "target": "stage"},
                    {"source": "stage", "target": "end"},
                ],
            }
        )
    )
    run_id = engine.start("review")
    panel = InboxPanel(bridge, acting_user="alice")
    qtbot.addWidget(panel)
    panel.separate_guide.setChecked(False)
    panel.show()
    qtbot.waitUntil(lambda: len(panel.item_ids()) == 1, timeout=10_000)

    # When she opens the item
    _open(qtbot, panel, item_of(engine, run_id, "look"))

    # Then the run's box says it has no variables
    texts = [label.text() for label in panel.guide.findChildren(QLabel)]
    assert "This run has no variables." in texts


def test_new_work_past_a_cut_inbox_is_still_announced(qtbot, bridge, engine, clock, monkeypatch):
    # Given alice's inbox listing the oldest two of three contract checks
    from designer.live import inbox as inbox_module

    monkeypatch.setattr(inbox_module, "INBOX_PAGE", 2)
    for n in range(3):
        start_onboarding(engine, f"Person {n}")
        clock.advance(timedelta(hours=1))
    panel = InboxPanel(bridge, acting_user="alice")
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: len(panel.item_ids()) == 2 and panel.more, timeout=10_000)
    arrivals: list[list[dict]] = []
    panel.items_arrived.connect(arrivals.append)

    # When another hire's contract check arrives (the newest: past the listed page)
    clock.advance(timedelta(hours=1))
    newest = start_onboarding(engine, "Zoe Young")

    # Then it is announced with its case, though the list still shows the oldest two
    qtbot.waitUntil(lambda: bool(arrivals), timeout=10_000)
    (announced,) = arrivals[0]
    assert announced["id"] == item_of(engine, newest, "contract")
    assert announced["context"] == "Zoe Young"
    assert len(panel.item_ids()) == 2
    # And it is announced once, not again on the next refresh
    panel.refresh()
    qtbot.wait(500)
    assert len(arrivals) == 1
