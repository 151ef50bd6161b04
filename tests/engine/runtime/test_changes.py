"""A ChangeFeed notices changes made through another engine on the same database file."""

from __future__ import annotations

from engine.runtime import Engine
from engine.runtime.changes import ChangeFeed
from tests.engine.runtime.builders import interactive, orchestration, stage


def test_the_first_poll_takes_a_baseline_and_reports_nothing(engine):
    engine.activate(orchestration("o", stage("s", interactive("a"))))
    engine.start("o")

    assert not ChangeFeed(engine.store).poll()


def test_a_run_started_elsewhere_arrives_with_its_events(engine, tmp_path):
    engine.activate(orchestration("o", stage("s", interactive("a"))))
    feed = ChangeFeed(Engine(engine.store.url).store)
    feed.poll()

    run_id = engine.start("o")
    changes = feed.poll()

    assert changes.new_runs == [run_id] and changes.items
    assert [e["type"] for e in changes.events[run_id]][:2] == ["run_started", "stage_entered"]
    assert not feed.poll()


def test_only_the_new_events_of_a_moved_run_are_read(engine):
    engine.activate(orchestration("o", stage("s", interactive("a"), interactive("b"))))
    quiet, busy = engine.start("o"), engine.start("o")
    feed = ChangeFeed(engine.store)
    feed.poll()

    engine.reassign(engine.open_item_ids(busy)[0], "user:bob", "holiday")
    changes = feed.poll()

    assert list(changes.events) == [busy] and quiet not in changes.events
    assert [e["type"] for e in changes.events[busy]] == ["item_reassigned"]
    assert changes.items and not changes.new_runs


def test_directory_and_definition_changes_are_flagged_without_run_events(engine):
    feed = ChangeFeed(engine.store)
    feed.poll()

    engine.deactivate_user("bob")
    after_user = feed.poll()
    engine.activate(orchestration("o", stage("s", interactive("a"))))
    after_activation = feed.poll()

    assert after_user.directory and not after_user.events and not after_user.definitions
    assert after_activation.definitions and not after_activation.directory
