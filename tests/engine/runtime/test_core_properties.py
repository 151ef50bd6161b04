"""Properties of the run core, over random definitions and random command sequences.

Given any valid definition (stages of parallel steps with `after`, conditions, decisions,
loops guarded by `max_visits`, waits with events and timeouts, retried background steps,
record triggers) and any sequence of commands (complete, reassign, events, time passing,
pause/resume/cancel/retry/skip, records created and changed), on SQLite and on PostgreSQL:

(a) folding each run's stored log with `apply` gives exactly what the query tables hold
    (runs row and state, stages, steps, work items, timers, waits); and
(b) the same sequence produces the same events, and the same refusals, on both backends.

Hypothesis runs with a fixed seed (`derandomize`) and a bounded number of examples, so the
suite stays within its time and a failure reproduces.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine.actions import register_action, unregister_action
from engine.errors import BatonError
from engine.runtime import Engine, VirtualClock, triggers
from engine.runtime.fold import fold
from engine.runtime.state import STATE_FROM_LOG
from engine.runtime.writes import item_row, stage_values, step_values
from engine.store import records as record_store
from engine.store.schema import runs, stage_instances, step_instances, timers, waits, work_items
from tests.engine.runtime.builders import (
    background,
    decision,
    flow,
    interactive,
    orchestration,
    stage,
    var,
    wait,
)

CONDITIONS = ("n >= 1", "n < 2", "n == 0")
STEP_KINDS = ("interactive", "due", "count", "flaky", "event", "timeout")


def _flaky(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    # Deterministic: the first try fails while n is even; a retry (or later n) succeeds.
    if context.attempt == 1 and inputs["n"] % 2 == 0:
        raise RuntimeError("service unavailable")
    return {"done": True}


@pytest.fixture(autouse=True)
def _actions_and_ids(monkeypatch):
    # Ids must not be random, or the two backends' logs could not be compared.
    counters = {"run": 0, "record": 0}

    def next_id(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}-{counters[kind]:04d}"

    monkeypatch.setattr(triggers, "new_run_id", lambda: next_id("run"))
    monkeypatch.setattr(record_store, "new_record_id", lambda: next_id("record"))
    register_action("flaky", _flaky)
    yield counters
    unregister_action("flaky")


# --- random definitions ----------------------------------------------------------------


@st.composite
def _step(draw: Any, step_id: str, earlier: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(STEP_KINDS))
    extra: dict[str, Any] = {}
    if earlier and draw(st.booleans()):
        extra["after"] = draw(
            st.lists(st.sampled_from(earlier), min_size=1, max_size=2, unique=True)
        )
    if draw(st.integers(0, 4)) == 0:
        extra["condition"] = draw(st.sampled_from(CONDITIONS))
    outputs = [{"name": "ok", "type": "boolean"}]
    if kind == "interactive":
        return interactive(step_id, outputs=outputs, **extra)
    if kind == "due":
        return interactive(step_id, due="PT1H", escalate_to="user:carol", outputs=outputs, **extra)
    if kind == "count":
        return background(step_id, action="set_variables", inputs={"n": "n + 1"}, **extra)
    if kind == "flaky":
        retry = draw(st.sampled_from([None, {"attempts": 2, "delay": "PT30M"}]))
        if retry:
            extra["retry"] = retry
        return background(step_id, action="flaky", inputs={"n": "n"}, **extra)
    if kind == "event":
        return wait(step_id, event="ping", key="n", **extra)
    return wait(step_id, event="ping", timeout="PT2H", **extra)


@st.composite
def definitions(draw: Any) -> Any:
    """A valid orchestration: 1-3 stages, each of 1-3 steps, decisions that may loop back."""
    count = draw(st.integers(1, 3))
    stages, flows = [], [flow("start", "stage0")]
    loop_targets: set[int] = set()
    for s in range(count):
        steps: list[dict[str, Any]] = []
        for k in range(draw(st.integers(1, 3))):
            steps.append(draw(_step(f"s{s}_{k}", [x["id"] for x in steps])))
        extra = {"exit_condition": "n >= 3"} if draw(st.integers(0, 5)) == 0 else {}
        stages.append(stage(f"stage{s}", *steps, **extra))
        following = f"stage{s + 1}" if s + 1 < count else "end"
        if draw(st.booleans()):
            target = draw(st.integers(0, s))
            loop_targets.add(target)
            flows += [
                flow(f"stage{s}", f"d{s}"),
                flow(f"d{s}", f"stage{target}", condition=draw(st.sampled_from(CONDITIONS))),
                flow(f"d{s}", following, default=True),
            ]
        else:
            flows.append(flow(f"stage{s}", following))
    for target in loop_targets:
        stages[target]["max_visits"] = 2
    decisions = [
        decision(f"d{s}") for s in range(count) if any(f["from"] == f"d{s}" for f in flows)
    ]
    return orchestration(
        "prop",
        *stages,
        *decisions,
        flows=flows,
        variables=[var("n", "number", default=0, input=True), var("tier", "text", input=True)],
    )


RECORD_TRIGGERED = orchestration(
    "on_gold",
    stage("welcome", interactive("greet", outputs=[{"name": "ok", "type": "boolean"}])),
    variables=[var("tier", "text", input=True)],
    trigger={
        "type": "record",
        "object": "Customer",
        "on": ["created", "updated"],
        "condition": "record.tier == 'gold'",
    },
)

# --- random commands -------------------------------------------------------------------

# Weighted by repetition: people completing work and time passing are most of a run's life.
KINDS = (
    ("complete",) * 4
    + ("advance",) * 3
    + ("event",) * 2
    + ("record",) * 2
    + ("start", "reassign", "pause", "resume", "cancel", "retry", "skip")
)
commands = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 7), st.integers(0, 7), st.booleans()),
    min_size=6,
    max_size=16,
)
TIER = ("gold", "silver")
MINUTES = (20, 45, 70, 130)
REASSIGN_TO = ("user:bob", "group:hr")


def _play(engine: Engine, script: list[tuple]) -> list[str]:
    """Run the commands; returns what each did (refusals included, by class and text)."""
    transcript = []
    records: list[str] = []
    for command in script:
        kind, first, second, flag = command
        targets_run = kind in ("pause", "resume", "cancel", "retry", "skip")
        runs_now = sorted(r["id"] for r in engine.runs()) if targets_run else []
        run_id = runs_now[first % len(runs_now)] if runs_now else None
        try:
            if kind == "start":
                result: Any = engine.start("prop", {"n": first % 3})
            elif kind == "complete":
                items = engine.work_items()
                if not items:
                    continue
                item = items[first % len(items)]
                result = engine.complete_item(item["id"], "root", {"ok": flag})
            elif kind == "reassign":
                items = engine.work_items()
                if not items:
                    continue
                to = REASSIGN_TO[second % 2]
                engine.reassign(items[first % len(items)]["id"], to, "cover", "root")
                result = None
            elif kind == "event":
                key = None if flag else first % 3
                result = engine.send_event("ping", key, {"got": True})
            elif kind == "advance":
                minutes = MINUTES[first % len(MINUTES)]
                result = engine.advance(engine.clock.now() + timedelta(minutes=minutes))
            elif run_id is None:
                continue
            elif kind == "pause":
                result = engine.pause(run_id, "hold", actor="root")
            elif kind == "resume":
                result = engine.resume(run_id, actor="root")
            elif kind == "cancel":
                result = engine.cancel(run_id, "no longer needed", actor="root")
            elif kind in ("retry", "skip"):
                steps = [s["id"] for s in engine.run(run_id)["steps"]]
                if not steps:
                    continue
                step_id = steps[second % len(steps)] if kind == "skip" else steps[0]
                if kind == "retry":
                    failed = [
                        s["id"] for s in engine.run(run_id)["steps"] if s["status"] == "failed"
                    ]
                    step_id = failed[0] if failed else step_id
                    result = engine.retry(run_id, step_id, actor="root")
                else:
                    result = engine.skip(run_id, step_id, {"ok": True}, actor="root")
            else:  # record
                tier = TIER[first % 2]
                if flag and records:
                    result = engine.update_record("Customer", records[-1], {"tier": tier})
                else:
                    records.append(engine.create_record("Customer", {"tier": tier}))
                    result = records[-1]
            transcript.append(f"{command}: {result}")
        except BatonError as exc:
            transcript.append(f"{command}: {type(exc).__name__}: {exc}")
    return transcript


def _logs(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    return {r["id"]: engine.log(r["id"]) for r in engine.runs()}


def _assert_tables_are_the_fold_of_the_log(engine: Engine) -> None:
    with engine.store.read() as conn:
        for row in conn.execute(select(runs)):
            plan = engine.plan(row.definition_id, row.definition_version, conn)
            folded = fold(plan, row.id, engine.log(row.id))
            where = {"run": row.id}
            # A finished run stores no snapshot (its log is its state): both sides say "".
            stored = json.loads(row.state) if row.state else None
            assert {**folded.row_values(), "state": None} == {
                **{k: getattr(row, k) for k in folded.row_values()},
                "state": None,
            }, where
            snapshot = folded.state_json()
            assert (json.loads(snapshot) if snapshot else None) == stored, where
            stage_rows = conn.execute(
                select(stage_instances).where(stage_instances.c.run_id == row.id)
            ).all()
            # A finished run keeps no stage or step rows either (its log has them).
            kept = folded.status not in STATE_FROM_LOG
            assert {s.stage_id: stage_values(s._asdict()) for s in stage_rows} == {
                sid: stage_values(st) for sid, st in folded.stages.items() if kept
            }, where
            step_rows = conn.execute(
                select(step_instances).where(step_instances.c.run_id == row.id)
            ).all()
            assert {s.step_id: (s.stage_id, step_values(s._asdict())) for s in step_rows} == {
                sid: (st["stage"], step_values(st)) for sid, st in folded.steps.items() if kept
            }, where
            item_rows = conn.execute(select(work_items).where(work_items.c.run_id == row.id))
            expected_items = {i: item_row(folded, i) for i in folded.items}
            for expected in expected_items.values():
                expected["outputs"] = folded.items[expected["id"]]["outputs"]
            assert {i.id: {**i._asdict(), "overdue": bool(i.overdue)} for i in item_rows} == (
                expected_items
            ), where
            timer_rows = conn.execute(select(timers).where(timers.c.run_id == row.id)).all()
            assert Counter((t.step_id, t.kind, t.due_at, t.item_id) for t in timer_rows) == Counter(
                (t["step"], t["kind"], t["due_at"], t["item"]) for t in folded.timers.values()
            ), where
            wait_rows = conn.execute(select(waits).where(waits.c.run_id == row.id)).all()
            assert {w.step_id: (w.event, w.key) for w in wait_rows} == {
                sid: (w["event"], w["key"]) for sid, w in folded.waits.items()
            }, where


def _engine(url: str, folder: Path) -> Engine:
    engine = Engine(url, clock=VirtualClock(), outbox=folder / "outbox")
    engine.add_user("root", admin=True)
    engine.add_user("alice", groups=["hr"])
    engine.add_user("bob")
    engine.add_user("carol", groups=["hr"])
    return engine


@settings(
    max_examples=25,
    derandomize=True,
    # No shrinking: each example costs two databases; a failure still prints its example.
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(definition=definitions(), script=commands)
def test_the_tables_are_the_fold_of_the_log_and_both_backends_agree(
    definition, script, pg_server, _actions_and_ids
):
    logs, transcripts = [], []
    with tempfile.TemporaryDirectory() as folder:
        for url in (str(Path(folder) / "baton.db"), pg_server.fresh_database()):
            _actions_and_ids.update(run=0, record=0)
            engine = _engine(url, Path(folder))
            try:
                engine.activate(definition)
                engine.activate(RECORD_TRIGGERED)
                engine.start("prop", {"n": 0})
                transcripts.append(_play(engine, script))
                _assert_tables_are_the_fold_of_the_log(engine)
                logs.append(_logs(engine))
            finally:
                engine.close()
    sqlite_log, postgresql_log = logs
    assert transcripts[0] == transcripts[1]
    assert sqlite_log == postgresql_log
