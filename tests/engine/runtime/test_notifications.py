"""Assignees hear about their work: a notice on assignment, reassignment and escalation."""

from __future__ import annotations

import email

from tests.engine.runtime.builders import interactive, orchestration, stage


def _messages(folder):
    return {
        path.name: email.message_from_bytes(path.read_bytes())
        for path in sorted(folder.glob("notice-*.eml"))
    }


def test_group_members_with_an_address_are_told_of_a_new_item(engine, tmp_path):
    engine.add_user("alice", groups=["hr"], email="alice@example.com")
    engine.add_user("carol", groups=["hr"], email="carol@example.com")
    engine.activate(
        orchestration("n", stage("s", interactive("sign", "group:hr", guidance="Check it.")))
    )
    run_id = engine.start("n")
    assert _messages(tmp_path / "outbox") == {}

    engine.tick()

    (message,) = _messages(tmp_path / "outbox").values()
    assert message["To"] == "alice@example.com, carol@example.com"
    assert message["Subject"] == "New work item: Sign"
    body = message.get_payload()
    assert run_id in body and "Check it." in body and "baton work complete wi-" in body


def test_a_reassigned_item_notifies_the_new_assignee_once(engine, tmp_path):
    engine.add_user("bob", groups=["it"], email="bob@example.com")
    engine.activate(orchestration("n", stage("s", interactive("sign"))))
    run_id = engine.start("n")
    engine.reassign(engine.open_item_ids(run_id)[0], "user:bob", "cover")

    engine.tick()
    engine.tick()

    (message,) = _messages(tmp_path / "outbox").values()  # alice has no address
    assert message["To"] == "bob@example.com"
    assert message["Subject"] == "Work item passed to you: Sign"


def test_nobody_is_told_about_an_item_already_completed(engine, tmp_path):
    engine.add_user("alice", groups=["hr"], email="alice@example.com")
    engine.activate(orchestration("n", stage("s", interactive("sign"))))
    run_id = engine.start("n")
    engine.complete_item(engine.open_item_ids(run_id)[0], "alice")
    engine.tick()
    assert _messages(tmp_path / "outbox") == {}
