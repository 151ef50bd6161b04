"""Two engines on one database file (like the CLI and the designer) never lose an update."""

from __future__ import annotations

import threading

from engine.runtime import Engine
from tests.engine.runtime.builders import background, interactive, orchestration, stage


def test_items_of_one_run_completed_from_two_engines_at_once_all_count(tmp_path, clock):
    path = str(tmp_path / "shared.db")
    first = Engine(path, clock=clock)
    first.add_user("alice")
    first.activate(orchestration("wide", stage("s", *[interactive(f"s{i}") for i in range(16)])))
    run_id = first.start("wide")
    items = first.open_item_ids(run_id)
    second = Engine(path, clock=clock)
    errors: list[Exception] = []

    def work(engine: Engine, share: list[str]) -> None:
        try:
            for item in share:
                engine.complete_item(item, "alice")
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(first, items[0::2])),
        threading.Thread(target=work, args=(second, items[1::2])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert first.run(run_id)["status"] == "completed"
    seqs = [e["seq"] for e in first.log(run_id)]
    assert seqs == list(range(1, len(seqs) + 1))
    first.close()
    second.close()


def test_a_call_that_lost_a_race_for_a_run_is_redone_on_fresh_state(engine):
    from sqlalchemy import text

    from engine.actions import register_action, unregister_action

    calls = []

    def interloper(inputs, context):
        # Stands in for another process moving the same run during this call (possible on
        # databases that, unlike SQLite, let two writers work at once).
        calls.append(context.attempt)
        if len(calls) == 1:
            context._unit.conn.execute(
                text("UPDATE runs SET rev = rev + 1 WHERE id = :id"), {"id": context.run_id}
            )
        return {}

    register_action("interloper", interloper)
    try:
        engine.activate(
            orchestration(
                "race",
                stage("one", interactive("a")),
                stage("two", background("b", action="interloper")),
            )
        )
        run_id = engine.start("race")
        engine.complete_item(engine.open_item_ids(run_id)[0], "alice")
    finally:
        unregister_action("interloper")

    assert calls == [1, 1]  # the whole call ran again; the first attempt left nothing
    assert engine.run(run_id)["status"] == "completed"
    assert [e["type"] for e in engine.log(run_id)].count("item_completed") == 1
