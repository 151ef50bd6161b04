"""Two admins apply the same migration at the same moment, from two processes: each run
moves exactly once (the other is told it is on version 2 already), on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing

from tests.engine.migration.racer import apply_after_barrier
from tests.engine.runtime.builders import interactive, orchestration, stage
from tests.engine.runtime.test_replay import _tables


def test_two_simultaneous_applies_move_each_run_exactly_once(engine, db_url):
    # given 12 runs of version 1 and version 2 adding a step to their stage
    engine.activate(orchestration("p", stage("s", interactive("a"))))
    runs = [engine.start("p") for _ in range(12)]
    engine.activate(orchestration("p", stage("s", interactive("a"), interactive("b"))))

    # when two processes apply the migration at once
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    racers = [
        ctx.Process(target=apply_after_barrier, args=(db_url, barrier, results, name))
        for name in ("first", "second")
    ]
    for racer in racers:
        racer.start()
    outcomes = [results.get(timeout=300) for _ in racers]
    for racer in racers:
        racer.join(timeout=60)
        assert racer.exitcode == 0

    # then between them every run moved once: neither moved a run the other moved
    first, second = (set(done) for _, done, _ in outcomes)
    assert not first & second
    assert first | second == set(runs)
    for _, done, lost in outcomes:
        assert not set(done) & set(lost)
    for run_id in runs:
        log = engine.log(run_id)
        assert [e["type"] for e in log].count("run_migrated") == 1
        assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
        assert sorted(i["step"] for i in engine.run(run_id)["open_items"]) == ["a", "b"]
        assert engine.replay(run_id) == _tables(engine, run_id)
