"""Another process's change reaches a watcher: LISTEN/NOTIFY on PostgreSQL, polling on SQLite."""

from __future__ import annotations

import time

from engine.runtime import Engine
from engine.store.changes import ChangeFeed
from tests.engine.runtime.builders import interactive, orchestration, stage

HANG_GUARD_SECONDS = 10.0


def test_a_run_started_by_another_engine_shows_up_in_the_change_feed(db_url, clock):
    watcher = Engine(db_url, clock=clock)
    feed = ChangeFeed(watcher.store)
    other = Engine(db_url, clock=clock)
    other.add_user("alice")
    other.activate(orchestration("f", stage("s", interactive("a"))))
    assert feed.poll(timeout=0.05) == set()

    run_id = other.start("f")
    # The feed answers within a poll or two (~0.2 s); the deadline only guards against a
    # hang, with a wide margin for a loaded machine. Speed is not a test's business.
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    seen: set[str] = set()
    while run_id not in seen and time.monotonic() < deadline:
        seen |= feed.poll(timeout=0.2)

    assert run_id in seen
    other.complete_item(other.open_item_ids(run_id)[0], "alice")
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    seen = set()
    while run_id not in seen and time.monotonic() < deadline:
        seen |= feed.poll(timeout=0.2)
    assert run_id in seen
    feed.close()
    other.close()
    watcher.close()
