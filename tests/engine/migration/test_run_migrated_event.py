"""The `run_migrated` event: folding it renames, drops and adds records, the tables follow,
and replaying the log (across both versions) gives exactly what the tables show."""

from __future__ import annotations

from engine.runtime import events as ev
from engine.runtime.interpreter import progress
from engine.runtime.replay import replay
from tests.engine.runtime.builders import interactive, orchestration, stage, wait
from tests.engine.runtime.test_replay import _tables


def _run_of_version_1(engine):
    """A run started on version 1, then version 2 activated; returns the run id."""
    engine.activate(
        orchestration(
            "move",
            stage("s", interactive("a"), wait("b", event="go", timeout="P1D")),
        )
    )
    run_id = engine.start("move")
    engine.activate(
        orchestration(
            "move",
            stage("s2", interactive("a2", due="P2D"), interactive("c", assignee="user:bob")),
        )
    )
    return run_id


def _emit_migration(engine, run_id):
    with engine.unit("root") as unit:
        run = unit.run(run_id)
        unit.emit(run, ev.StepCanceled(step="b", reason="removed in version 2"))
        unit.emit(
            run,
            ev.RunMigrated(
                from_version=1,
                to_version=2,
                reason="new process",
                mapping={"s": "s2", "a": "a2"},
                stages={"s": "s2"},
                steps={"a": "a2"},
                dropped=["b"],
                added={"c": "s2"},
            ),
        )
        unit.drive(run, progress(unit, run))


def test_folding_run_migrated_renames_records_and_keeps_the_open_item(engine):
    # given a run of version 1 with an open item on `a` and a wait on `b`
    run_id = _run_of_version_1(engine)
    (item,) = engine.run(run_id)["open_items"]
    # when the migration's events are emitted and the run moves on
    _emit_migration(engine, run_id)
    # then the run is on version 2, in the renamed stage, the item kept its id and assignee
    run = engine.run(run_id)
    assert (run["version"], run["stage"]) == (2, "s2")
    assert {s["id"]: (s["stage"], s["status"]) for s in run["steps"]} == {
        "a2": ("s2", "waiting"),
        "c": ("s2", "waiting"),
    }
    kept = {i["id"]: (i["step"], i["assignee"]) for i in run["open_items"]}
    assert kept[item["id"]] == ("a2", "user:alice")
    assert sorted(step for step, _ in kept.values()) == ["a2", "c"]
    assert engine.waits(run_id) == []


def test_a_migrated_run_replays_across_both_versions(engine):
    # given a run migrated from version 1 to 2
    run_id = _run_of_version_1(engine)
    _emit_migration(engine, run_id)
    assert engine.replay(run_id) == _tables(engine, run_id)
    # when it is worked to its end on version 2
    for item in engine.run(run_id)["open_items"]:
        who = "bob" if item["assignee"] == "user:bob" else "alice"
        engine.complete_item(item["id"], who)
    # then it completes, and the log still replays to exactly the tables
    assert engine.run(run_id)["status"] == "completed"
    assert engine.replay(run_id) == _tables(engine, run_id)
    assert [e["type"] for e in engine.log(run_id)].count("run_migrated") == 1


def test_a_history_view_replays_a_migrated_run_from_its_current_plan_alone(engine):
    # given a migrated run, and the plan of the version it is on now (what a view holds)
    run_id = _run_of_version_1(engine)
    _emit_migration(engine, run_id)
    with engine.store.read() as conn:
        current = engine.plan("move", 2, conn)
    log = engine.log(run_id)
    # when its log is replayed with that plan alone, then the early part is read against
    # version 1 (no step of version 1 is unknown) and the end matches the tables
    migrated_at = next(e["seq"] for e in log if e["type"] == "run_migrated")
    before = replay(current, [e for e in log if e["seq"] < migrated_at])
    assert set(before["steps"]) == {"a", "b"}
    assert replay(current, log) == _tables(engine, run_id)
