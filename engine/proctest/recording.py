"""A real run's history turned into a scenario: a regression test from production.

The run's log says everything a scenario needs. Its start gives the inputs (or, for a run a
record started, that record's fields). Each thing people and the outside world did becomes
a script entry at its moment — a work item completed (as the person who did it), an event
received (with its data), an item reassigned by an operator — with `advance` entries for the
time in between, so due dates, escalations and timeouts fire in the sandbox as they did
live. Background steps whose actions reach outside the store are stubbed with what they
returned (or the error they failed with). The expectations are what the run then looked
like: status, end and outcome, path, stages left along a fault route, variables, work items,
emails, overdue items and escalations.

Operator actions other than reassignment (pause, resume, retry, skip, cancel) cannot be
played by a scenario; a run that had one is refused with the moment it happened.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from engine.definition import BackgroundStep, Orchestration
from engine.errors import BatonError, NotFound
from engine.proctest.expectations import observe
from engine.proctest.format import (
    ActionStub,
    EmailSpec,
    EscalationSpec,
    Expectations,
    FaultSpec,
    ItemSpec,
    TestScenario,
    UserSpec,
)
from engine.runtime.events import EventType
from engine.runtime.protocol import RunEngine
from engine.store import directory, parse_time

REAL_IN_SANDBOX = frozenset(
    {"set_variables", "log", "send_email", "create_record", "update_record"}
)
"""Built-in actions whose whole effect stays in the sandbox's store, so they run for real."""

_NOT_PLAYABLE = {
    EventType.RUN_PAUSED: "paused",
    EventType.RUN_RESUMED: "resumed",
    EventType.RUN_CANCELED: "canceled",
    EventType.STEP_RETRIED: "retried a step of",
}


class RecordingError(BatonError):
    """A run's history cannot be turned into a scenario (exit 2)."""

    exit_code = 2


def iso_duration(delta: timedelta) -> str:
    """`P1DT2H3M4S` for a positive time span (whole seconds)."""
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "" if days else "T0S")


def record_scenario(
    engine: RunEngine, run_id: str, name: str | None = None
) -> tuple[str, TestScenario]:
    """The scenario that replays a run; returns (orchestration id, scenario).

    Raises:
        RecordingError: no such run, or the run holds an operator action a scenario cannot play.
    """
    try:
        log = engine.log(run_id)
    except NotFound as exc:
        raise RecordingError(
            exc.message, hint="list runs with `baton runs` (and the same --db)"
        ) from None
    started = log[0]["payload"]
    with engine.store.read() as conn:
        definition = engine.plan(started["definition"], started["version"], conn).definition
    recorder = _Recorder(engine, definition, log)
    scenario = recorder.scenario(name or f"recorded from {run_id}", run_id)
    return definition.id, scenario


class _Recorder:
    def __init__(self, engine: RunEngine, definition: Orchestration, log: list[dict[str, Any]]):
        self.engine = engine
        self.definition = definition
        self.log = log
        self.background = {
            step.id: step for _, step in definition.steps() if isinstance(step, BackgroundStep)
        }
        self.script: list[dict[str, Any]] = []
        self.actors: set[str] = set()
        self.stubs: dict[str, ActionStub] = {}
        self._failed_attempts: dict[str, int] = {}
        self._last_error = "failed"
        self.clock = parse_time(log[0]["time"])

    def scenario(self, name: str, run_id: str) -> TestScenario:
        for i, entry in enumerate(self.log):
            self._entry(i, entry)
        self._advance_to(self.log[-1]["time"])
        started = self.log[0]["payload"]
        start: dict[str, Any] = {"inputs": dict(started.get("inputs") or {})}
        if started.get("record"):
            object_name, record_id = started["record"]
            start = {"record": {**self.engine.record(object_name, record_id), **start["inputs"]}}
        return TestScenario.model_validate(
            {
                "name": name,
                "description": f"Recorded from run {run_id} of {self.definition.id} "
                f"v{started['version']}.",
                "start": self.log[0]["time"],
                "users": {n: u.model_dump() for n, u in self._users().items()},
                **start,
                "actions": {k: v.model_dump(exclude_defaults=True) for k, v in self.stubs.items()},
                "script": self.script,
                "expect": self._expectations(run_id).model_dump(exclude_none=True),
            }
        )

    def _advance_to(self, moment: str) -> None:
        at = parse_time(moment)
        if at > self.clock:
            self.script.append({"advance": iso_duration(at - self.clock)})
            self.clock = at

    def _entry(self, index: int, entry: dict[str, Any]) -> None:
        kind, data = entry["type"], entry["payload"]
        if kind in _NOT_PLAYABLE:
            raise RecordingError(
                f"an operator {_NOT_PLAYABLE[kind]} the run at {entry['time']}; a scenario "
                "cannot play that",
                hint="record a run no operator paused, resumed, retried or canceled",
            )
        if kind == EventType.STEP_SKIPPED and data.get("reason") != "condition is false":
            raise RecordingError(
                f"an operator skipped step {data['step']!r} at {entry['time']}; a scenario "
                "cannot play that"
            )
        if kind == EventType.ITEM_COMPLETED:
            self._advance_to(entry["time"])
            self.actors.add(entry["actor"])
            self.script.append(
                {"complete": data["step"], "as": entry["actor"], "outputs": data.get("outputs")}
            )
        elif kind == EventType.EVENT_RECEIVED:
            self._advance_to(entry["time"])
            self.script.append(
                {"event": data["event"], "key": data.get("key"), "data": self._event_data(index)}
            )
        elif kind == EventType.ITEM_REASSIGNED and not str(data.get("reason", "")).startswith(
            "escalated"
        ):
            self._advance_to(entry["time"])
            self.script.append({"reassign": data["step"], "to": data["to"]})
        elif kind in (
            EventType.STEP_COMPLETED,
            EventType.STEP_FAILED,
            EventType.STEP_ATTEMPT_FAILED,
        ):
            self._background(kind, data)

    def _event_data(self, index: int) -> dict[str, Any]:
        """The event's data: what the wait step completed with (less `timed_out`)."""
        step = self.log[index]["payload"]["step"]
        for entry in self.log[index + 1 :]:
            if entry["type"] == EventType.STEP_COMPLETED and entry["payload"]["step"] == step:
                outputs = dict(entry["payload"].get("outputs") or {})
                outputs.pop("timed_out", None)
                return outputs
        return {}

    def _background(self, kind: str, data: dict[str, Any]) -> None:
        step = self.background.get(data["step"])
        if step is None or step.action in REAL_IN_SANDBOX or step.id in self.stubs:
            return
        if kind == EventType.STEP_ATTEMPT_FAILED:
            self._failed_attempts[step.id] = self._failed_attempts.get(step.id, 0) + 1
            self._last_error = data.get("error", "failed")
            return
        failed = self._failed_attempts.get(step.id, 0)
        if kind == EventType.STEP_FAILED:
            self.stubs[step.id] = ActionStub(fail=data.get("error") or "failed")
        elif failed:
            self.stubs[step.id] = ActionStub(
                outputs=data.get("outputs") or {}, fail=self._last_error, fail_times=failed
            )
        else:
            self.stubs[step.id] = ActionStub(outputs=data.get("outputs") or {})

    def _users(self) -> dict[str, UserSpec]:
        found: dict[str, UserSpec] = {}
        with self.engine.store.read() as conn:
            for name in sorted(a for a in self.actors if a):
                user = directory.get_user(conn, name)
                if user is None:
                    found[name] = UserSpec()
                    continue
                kinds = [g.partition(":") for g in user.groups]
                found[name] = UserSpec(
                    groups=[n for k, _, n in kinds if k == "group"],
                    queues=[n for k, _, n in kinds if k == "queue"],
                    admin=user.role == "admin",
                )
        return found

    def _expectations(self, run_id: str) -> Expectations:
        seen = observe(self.engine, [run_id])
        return Expectations(
            status=seen.status,  # type: ignore[arg-type]
            end=seen.end,
            outcome=seen.outcome,
            path=seen.path,
            variables=seen.variables,
            work_items=[ItemSpec(**i) for i in seen.work_items],
            emails=[
                EmailSpec(to=_to_text(e.get("to")), subject=e.get("subject")) for e in seen.emails
            ],
            overdue=seen.overdue,
            escalated=[EscalationSpec(**e) for e in seen.escalated],
            faulted=[FaultSpec(**f) for f in seen.faulted] if seen.faulted else None,
        )


def _to_text(to: Any) -> str:
    return to if isinstance(to, str) else ", ".join(to or [])
