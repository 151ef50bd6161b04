"""What a migration would do to one run, found by making it on a copy that is never stored.

The preview drives the very decision `apply` uses (`engine.migration.decide.migrate`)
against a `Turn` that folds the events into a state loaded just for it and keeps them in
memory. It stops at the first background action the run would start (an action may reach
the outside world, so a preview never runs one) and says so. The events it collected are
exactly what `apply` would log up to that point (item ids are derived from the run and
its log position, not drawn at random), and `RunPlan` is read from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.errors import BatonError
from engine.migration.decide import Assessment, migrate
from engine.runtime import events as ev
from engine.runtime.events import Event, Payload
from engine.runtime.fold import apply
from engine.runtime.plan import Plan
from engine.runtime.state import RunState
from engine.runtime.turn import ActionRequest
from engine.store import format_time


@dataclass
class RunPlan:
    """What happens to one run: where it lands, its work items, waits and timers.

    Item entries are `{"item", "step", "assignee"}`; waits `{"step", "event"}` (a moved
    one also has `"from"`); timers `{"step", "kind", "due_at"}` (moved: `"from"`).
    """

    run: str
    status: str
    stage: str | None
    possible: bool
    reasons: list[str] = field(default_factory=list)
    lands_in: str | None = None
    status_after: str | None = None
    renamed: dict[str, str] = field(default_factory=dict)
    steps_added: list[str] = field(default_factory=list)
    steps_dropped: list[str] = field(default_factory=list)
    items_kept: list[dict[str, Any]] = field(default_factory=list)
    items_withdrawn: list[dict[str, Any]] = field(default_factory=list)
    items_created: list[dict[str, Any]] = field(default_factory=list)
    waits_kept: list[dict[str, Any]] = field(default_factory=list)
    waits_moved: list[dict[str, Any]] = field(default_factory=list)
    waits_dropped: list[dict[str, Any]] = field(default_factory=list)
    waits_created: list[dict[str, Any]] = field(default_factory=list)
    timers_moved: list[dict[str, Any]] = field(default_factory=list)
    timers_dropped: list[dict[str, Any]] = field(default_factory=list)
    timers_created: list[dict[str, Any]] = field(default_factory=list)
    stages_passed: list[str] = field(default_factory=list)
    # Child runs of dropped steps (canceled with them when the run moves).
    children_canceled: list[str] = field(default_factory=list)
    then: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The `--format json` form."""
        return dict(vars(self))


class PreviewTurn:
    """A `Turn` that folds events into a throw-away state and keeps them."""

    def __init__(
        self,
        moment: datetime,
        plans: Callable[[int], Plan],
        record: Callable[[str | None, str | None], dict[str, Any] | None],
    ) -> None:
        self.moment = moment
        self.now = format_time(moment)
        self.events: list[Payload] = []
        self._plans = plans
        self._record = record

    def emit(self, run: RunState, data: Payload, actor: str | None = None) -> None:
        """Fold the event into the copy and keep it."""
        apply(run, Event(run.seq + 1, self.now, actor, data))
        self.events.append(data)
        if isinstance(data, ev.RunMigrated):
            run.plan = self._plans(data.to_version)

    def later(self, delta: timedelta) -> str:
        """The call's time plus `delta`, stored form."""
        return format_time(self.moment + delta)

    def record(self, object_name: str | None, record_id: str | None) -> dict[str, Any] | None:
        """A record as it is now."""
        return self._record(object_name, record_id)

    def buffered_event(self, event: str, key: str | None, since: str) -> dict[str, Any] | None:
        """None: a preview takes no kept event (`buffer:`); applying the move may."""
        return None


def preview(
    run: RunState,
    target: Plan,
    found: Assessment,
    mapping: dict[str, str],
    turn: PreviewTurn,
) -> RunPlan:
    """What migrating `run` (a state loaded for this alone; it is changed) would do."""
    plan = RunPlan(
        run=run.id,
        status=run.status,
        stage=run.current_stage,
        possible=found.possible,
        reasons=list(found.reasons),
    )
    if not found.possible:
        return plan
    items_before = {k: dict(v) for k, v in run.items.items() if v["status"] == "open"}
    waits_before = {k: dict(v) for k, v in run.waits.items()}
    timers_before = {k: dict(v) for k, v in run.timers.items()}
    plan.children_canceled = [
        child for sid in found.canceled if (child := run.steps[sid].get("child_run_id"))
    ]
    moves = migrate(turn, run, target, found, mapping, "preview")
    try:
        request: ActionRequest = next(moves)
        step = target.steps.get(request.step_id)
        plan.then = (
            f"background step {request.step_id} runs action {request.action}"
            + (f" ({step.name})" if step is not None and step.name else "")
            + "; what follows depends on its outcome"
        )
    except StopIteration:
        pass
    except BatonError as exc:
        plan.then = f"the run would then stop: {exc}"
    _read_events(plan, turn.events, found)
    _read_holdings(plan, run, found, items_before, waits_before, timers_before)
    plan.lands_in = run.current_stage
    plan.status_after = run.status
    return plan


def _read_events(plan: RunPlan, events: list[Payload], found: Assessment) -> None:
    plan.renamed = {**found.stages, **found.steps}
    plan.steps_added = sorted(found.added)
    plan.steps_dropped = sorted(found.dropped)
    for data in events:
        if isinstance(data, ev.ItemWithdrawn):
            plan.items_withdrawn.append({"item": data.item, "step": data.step})
        elif isinstance(data, ev.ItemCreated):
            plan.items_created.append(
                {"item": data.item, "step": data.step, "assignee": data.assignee}
            )
        elif isinstance(data, ev.StageCompleted):
            plan.stages_passed.append(data.stage)
        elif isinstance(data, ev.RunCompleted):
            plan.then = plan.then or f"the run completes at {data.end}"


def _read_holdings(
    plan: RunPlan,
    run: RunState,
    found: Assessment,
    items_before: dict[str, dict[str, Any]],
    waits_before: dict[str, dict[str, Any]],
    timers_before: dict[str, dict[str, Any]],
) -> None:
    withdrawn = {w["item"] for w in plan.items_withdrawn}
    for w in plan.items_withdrawn:
        w["assignee"] = items_before[w["item"]]["assignee"]
    for item_id, item in items_before.items():
        if item_id not in withdrawn:
            after = run.items[item_id]
            plan.items_kept.append(
                {"item": item_id, "step": after["step"], "assignee": item["assignee"]}
            )
    renamed = found.steps
    for sid, wait in waits_before.items():
        new = renamed.get(sid, sid)
        if new in run.waits and new != sid:
            plan.waits_moved.append({"from": sid, "step": new, "event": wait["event"]})
        elif new in run.waits:
            plan.waits_kept.append({"step": sid, "event": wait["event"]})
        else:
            plan.waits_dropped.append({"step": sid, "event": wait["event"]})
    for sid, wait in run.waits.items():
        old = next((o for o, n in renamed.items() if n == sid), sid)
        if old not in waits_before:
            plan.waits_created.append({"step": sid, "event": wait["event"]})
    accounted = set()
    for key, timer in timers_before.items():
        new = renamed.get(timer["step"], timer["step"])
        new_key = f"{timer['kind']}:{new}"
        if new_key in run.timers and new != timer["step"]:
            accounted.add(new_key)
            plan.timers_moved.append(
                {
                    "from": timer["step"],
                    "step": new,
                    "kind": timer["kind"],
                    "due_at": timer["due_at"],
                }
            )
        elif new_key not in run.timers:
            plan.timers_dropped.append(
                {"step": timer["step"], "kind": timer["kind"], "due_at": timer["due_at"]}
            )
        else:
            accounted.add(key)
    for key, timer in run.timers.items():
        if key not in accounted:
            plan.timers_created.append(
                {"step": timer["step"], "kind": timer["kind"], "due_at": timer["due_at"]}
            )
