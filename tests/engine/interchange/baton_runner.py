"""Runs a definition on Baton's own engine with the same scenario as `spiff_runner`.

Work items are completed (as an admin) with the scenario's outputs, waits receive their
event or time out on a virtual clock, and the run log gives the path in the same
`stage:` / `step:` / `end:` form, so a test compares Baton's path with SpiffWorkflow's.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.definition import Orchestration, RecordTrigger, WaitStep
from engine.expressions import Namespace, evaluate
from engine.runtime import Engine, VirtualClock
from tests.engine.interchange.spiff_runner import Answer, SpiffRun, _arrives

FINISHED = {"completed", "failed", "canceled"}


def run_baton(
    definition: Orchestration,
    folder: Path,
    *,
    inputs: Mapping[str, Any] | None = None,
    answers: Mapping[str, Answer] | None = None,
    arrivals: Mapping[str, bool | list[bool]] | None = None,
    record: Mapping[str, Any] | None = None,
    max_rounds: int = 500,
) -> SpiffRun:
    """Run to the end (or until stuck) and return the path the Baton engine took.

    A record-triggered definition is started by creating a record with `record`'s fields;
    any other by a manual start with `inputs`.
    """
    engine = Engine(str(folder / "baton.db"), clock=VirtualClock())
    try:
        engine.add_user("admin", admin=True)
        engine.activate(definition)
        run_id = _start(engine, definition, dict(inputs or {}), record)
        _drive(engine, definition, run_id, dict(answers or {}), dict(arrivals or {}), max_rounds)
        return _path(engine, run_id)
    finally:
        engine.close()


def _start(engine: Engine, definition: Orchestration, inputs: dict[str, Any], record: Any) -> str:
    trigger = definition.trigger
    if isinstance(trigger, RecordTrigger) and record is not None:
        engine.create_record(trigger.object, {**inputs, **dict(record)})
        return engine.runs()[0]["id"]
    return engine.start(definition.id, inputs)


def _drive(
    engine: Engine,
    definition: Orchestration,
    run_id: str,
    answers: dict[str, Answer],
    arrivals: dict[str, bool | list[bool]],
    max_rounds: int,
) -> None:
    visits: dict[str, int] = {}
    waits = {s.id: s for _, s in definition.steps() if isinstance(s, WaitStep)}
    for _ in range(max_rounds):
        detail = engine.run(run_id)
        if detail["status"] in FINISHED:
            return
        if detail["open_items"]:
            item = detail["open_items"][0]
            step = item["step"]
            visits[step] = visits.get(step, 0) + 1
            answer = answers.get(step, {})
            outputs = answer(visits[step]) if callable(answer) else answer
            engine.complete_item(item["id"], "admin", dict(outputs))
            continue
        waiting = [
            s["id"] for s in detail["steps"] if s["status"] == "waiting" and s["id"] in waits
        ]
        if waiting:
            step = waits[waiting[0]]
            visits[step.id] = visits.get(step.id, 0) + 1
            if step.event and (_arrives(arrivals, step.id, visits[step.id]) or not step.timeout):
                names = {k: v for k, v in detail["variables"].items()}
                key = evaluate(step.key, names | {"record": Namespace()}) if step.key else None
                engine.send_event(step.event, key, {})
                continue
        due = engine.next_due()
        if due is None:
            return
        engine.advance(due)


def _path(engine: Engine, run_id: str) -> SpiffRun:
    run = SpiffRun()
    for event in engine.log(run_id):
        payload = event["payload"]
        if event["type"] == "stage_entered":
            run.path.append("stage:" + payload["stage"])
        elif event["type"] == "step_completed":
            run.path.append("step:" + payload["step"])
        elif event["type"] == "run_completed":
            run.path.append("end:" + payload["end"])
    run.completed = engine.run(run_id)["status"] == "completed"
    return run
