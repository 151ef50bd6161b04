"""An engine keeps the states it wrote last, and uses one only while its row is unchanged.

A kept state must be exactly what decoding its `runs` row gives; anything that changed the
row since (another engine, a repair by hand) makes the next call read the row afresh.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select, update

from engine.runtime import Engine
from engine.runtime.kept import KeptStates
from engine.runtime.state import RunState
from engine.store.schema import runs
from tests.engine.runtime.builders import (
    background,
    decision,
    flow,
    interactive,
    items_of,
    orchestration,
    stage,
    var,
    wait,
)


def _assert_kept_as_stored(engine: Engine) -> int:
    # Every kept state is taken for its row as stored now, and equals that row decoded.
    kept = dict(engine.kept_states._states)
    with engine.store.read() as conn:
        for run_id, state in kept.items():
            row = conn.execute(select(runs).where(runs.c.id == run_id)).one()
            assert engine.kept_states.take(row) is state
            assert state == RunState.from_row(row, state.plan)
    return len(kept)


def test_every_kept_state_is_the_state_its_row_decodes_to(engine):
    # given a run that loops, sets variables, takes outputs, escalates, waits and pauses
    engine.add_user("lead")
    engine.activate(
        orchestration(
            "mixed",
            stage(
                "draft",
                interactive("write", outputs=[{"name": "again", "type": "boolean"}]),
                background("count", action="set_variables", inputs={"n": "n + 1"}, after=["write"]),
                max_visits=2,
            ),
            decision("more"),
            stage(
                "review",
                interactive("check", "user:bob", due="PT1H", escalate_to="user:lead"),
                wait("w", event="go", key="'k-' + str(n)", timeout="P1D"),
            ),
            flows=[
                flow("start", "draft"),
                flow("draft", "more"),
                flow("more", "draft", condition="write.again"),
                flow("more", "review", default=True),
                flow("review", "end"),
            ],
            variables=[var("n", "number", default=0)],
        )
    )
    run_id = engine.start("mixed")
    checked = _assert_kept_as_stored(engine)

    # when it is moved call by call
    for again in (True, False):
        engine.complete_item(items_of(engine, run_id)[0]["id"], "alice", {"again": again})
        checked += _assert_kept_as_stored(engine)
    engine.advance(engine.clock.now() + timedelta(hours=2))
    checked += _assert_kept_as_stored(engine)
    engine.pause(run_id)
    checked += _assert_kept_as_stored(engine)
    engine.resume(run_id)
    checked += _assert_kept_as_stored(engine)
    engine.complete_item(items_of(engine, run_id)[0]["id"], "lead")
    checked += _assert_kept_as_stored(engine)
    engine.send_event("go", "k-2", {})

    # then after every call the kept state was the stored one, and the run ended as usual
    assert checked >= 6
    assert engine.run(run_id)["status"] == "completed"


def test_a_run_row_repaired_by_hand_is_read_as_repaired(engine):
    # given a run waiting on a review, whose route is chosen by a variable afterwards
    engine.activate(
        orchestration(
            "routed",
            stage("s", interactive("review")),
            decision("which"),
            stage("fast", interactive("ship")),
            stage("slow", interactive("audit")),
            flows=[
                flow("start", "s"),
                flow("s", "which"),
                flow("which", "fast", condition="route == 'fast'"),
                flow("which", "slow", default=True),
                flow("fast", "end"),
                flow("slow", "end"),
            ],
            variables=[var("route", "text", default="slow")],
        )
    )
    run_id = engine.start("routed")

    # when an administrator rewrites the variable in the stored state by hand (no rev)
    with engine.store.transaction() as conn:
        state = json.loads(conn.execute(select(runs.c.state).where(runs.c.id == run_id)).scalar())
        state["variables"]["route"] = "fast"
        conn.execute(update(runs).where(runs.c.id == run_id).values(state=json.dumps(state)))
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice")

    # then the run took the route the repaired row says
    assert engine.run(run_id)["stage"] == "fast"


def test_a_state_whose_values_would_read_back_otherwise_is_not_kept(engine):
    # given a run whose expression sets a variable to a tuple (JSON keeps it as a list)
    engine.activate(
        orchestration(
            "pairs",
            stage(
                "s",
                background("make", action="set_variables", inputs={"pair": "(1, 2)"}),
                interactive("look", after=["make"]),
            ),
            decision("same"),
            stage("listed", interactive("done")),
            flows=[
                flow("start", "s"),
                flow("s", "same"),
                flow("same", "listed", condition="pair == [1, 2]"),
                flow("same", "end", default=True),
                flow("listed", "end"),
            ],
            variables=[var("pair", "json")],
        )
    )

    # when it is started (and waits on its work item)
    run_id = engine.start("pairs")

    # then its state is not kept, so the next call reads the list, as any later call did
    assert run_id not in engine.kept_states._states
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice")
    assert engine.run(run_id)["stage"] == "listed"


def test_the_keep_holds_the_newest_states_up_to_its_limit():
    # given a keep for two states
    keep = KeptStates(limit=2)
    states = [
        RunState(
            id=f"r{i}", definition_id="d", definition_version=1, status="waiting", started_at="t"
        )
        for i in range(3)
    ]
    for number, state in enumerate(states):
        state.loaded = _written(state, rev=number + 1)

    # when three are kept, one after the other
    keep.keep(states)

    # then the first one written went, and the other two are taken for their rows
    assert keep.take(_written(states[0], rev=1)) is None
    assert keep.take(_written(states[1], rev=2)) is states[1]
    assert keep.take(_written(states[2], rev=3)) is states[2]


def _written(state: RunState, rev: int):  # type: ignore[no-untyped-def]
    from engine.runtime.kept import written_row

    return written_row({"id": state.id, "rev": rev, **state.row_values()})


def test_only_values_that_json_reads_back_unchanged_let_a_state_be_kept():
    # given states whose variables or outputs hold values JSON would read back otherwise
    odd = [(), (1, 2), {1, 2}, date(2026, 1, 5), {1: "a"}, {"nested": [("a",)]}, 1.5j]
    plain = [None, 0, 1.5, "text", True, [], {}, [1, {"a": [None, False]}]]

    def kept(value, where):  # type: ignore[no-untyped-def]
        state = RunState(
            id="r", definition_id="d", definition_version=1, status="waiting", started_at=""
        )
        if where == "variables":
            state.variables = {"v": value}
        else:
            state.steps = {"s": {"status": "completed", "stage": "st", "outputs": value}}
        state.loaded = _written(state, rev=1)
        keep = KeptStates()
        keep.keep([state])
        return keep.take(state.loaded) is state

    # when each is kept, in a variable and in a step's outputs
    # then only the plain ones are
    for where in ("variables", "outputs"):
        assert [v for v in odd if kept(v, where)] == []
        assert [v for v in plain if not kept(v, where)] == []
