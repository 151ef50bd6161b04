"""One home for step types: what each `step.type` does at each moment of its life.

A behaviour answers, for its step type: `start` (the step became ready and its condition
held), `on_item_completed` (someone completed its work item), `on_event` (a named event
reached it), `on_timer` (one of its timers fired) and `on_release` (it was canceled or
skipped while open: withdraw what it holds). The run's loop (`engine.runtime.interpreter`)
and the commands (`engine.runtime.commands`) ask `of(step)` and never test a step's class.
A moment that does not concern a type is refused by `StepBehaviour`'s defaults.

Adding a step type touches three places:

1. this module: a `StepBehaviour` subclass and its entry in `BEHAVIOURS`
   (and `engine.runtime.fold` if its start holds something new);
2. the format: a model in `engine/definition/models.py`, added to the `Step` union
   (validation rules in `engine/validation/step_rules.py` where it has fields to check);
3. one canvas item: its card in `designer/canvas/items/stage.py` and palette entry in
   `designer/canvas/palette.py`.

Pure, like every decision (see `engine.runtime.turn`).
"""

from __future__ import annotations

from typing import Any

from engine.definition import BackgroundStep, InteractiveStep, WaitStep
from engine.errors import ConcurrentChange, Conflict, ExpressionError
from engine.expressions import evaluate
from engine.runtime import assignees, ids
from engine.runtime import events as ev
from engine.runtime.basics import complete_step, evaluate_in, fail_step, names_for
from engine.runtime.plan import duration
from engine.runtime.state import RunState
from engine.runtime.turn import ActionRequest, Moves, Turn


class StepBehaviour:
    """What one step type does; the defaults refuse moments that do not concern it."""

    def start(self, turn: Turn, run: RunState, step: Any) -> Moves:
        """Start the step (its condition held): open its work."""
        raise NotImplementedError
        yield  # pragma: no cover - makes every `start` a generator

    def on_item_completed(
        self,
        turn: Turn,
        run: RunState,
        step: Any,
        item_id: str,
        outputs: dict[str, Any],
        actor: str,
    ) -> None:
        """Someone completed the step's work item with checked outputs."""
        raise Conflict(f"step {step.id} has no work items")

    def on_event(
        self, turn: Turn, run: RunState, step: Any, name: str, key: Any, data: dict[str, Any]
    ) -> bool:
        """A named event reached the step; returns whether it moved the step."""
        return False

    def on_timer(
        self, turn: Turn, run: RunState, step: Any, kind: str, item_id: str | None
    ) -> Moves:
        """A timer of the step fired; returns whether it changed anything."""
        return False
        yield  # pragma: no cover - makes every `on_timer` a generator

    def on_release(self, turn: Turn, run: RunState, step: Any, reason: str) -> None:
        """The open step was canceled or skipped: give back what it holds.

        Timers and waits go with the step's end (`fold`); a child run is canceled by the
        shell, which owns other runs.
        """
        return None


def item_id_for(run: RunState) -> str:
    """The id of the item a run opens next: from the run id and its next event's place,
    so it is the same wherever the run is decided (no randomness in decisions)."""
    return ids.item_id(run.id, run.seq + 1)


def reassign(
    turn: Turn, run: RunState, item_id: str, to: str, reason: str, actor: str | None
) -> None:
    """Give an open item to another assignee (the shell writes it only if the item row
    is still as loaded: open, with the assignee this call saw).

    Raises:
        Conflict: the item is not open.
    """
    item = run.items.get(item_id)
    if item is None:  # closed after the shell read it: redo the call on fresh state
        raise ConcurrentChange(f"work item {item_id} changed while reassigning it")
    if item["status"] != "open":
        raise Conflict(
            f"work item {item_id} is {item['status']}; only open items can be reassigned"
        )
    turn.emit(
        run,
        ev.ItemReassigned(
            item=item_id, step=item["step"], from_=item["assignee"], to=to, reason=reason
        ),
        actor,
    )


class InteractiveBehaviour(StepBehaviour):
    """A work item for a person; done when someone completes it."""

    def start(self, turn: Turn, run: RunState, step: InteractiveStep) -> Moves:
        turn.emit(run, ev.StepStarted(step=step.id))
        item_id = item_id_for(run)
        due_at = turn.later(duration(step.due)) if step.due else None
        assignee, unassigned = assignees.resolve(turn, run, step)
        turn.emit(
            run,
            ev.ItemCreated(
                item=item_id, step=step.id, assignee=assignee, due_at=due_at, unassigned=unassigned
            ),
        )
        return
        yield  # pragma: no cover

    def on_item_completed(
        self,
        turn: Turn,
        run: RunState,
        step: InteractiveStep,
        item_id: str,
        outputs: dict[str, Any],
        actor: str,
    ) -> None:
        turn.emit(run, ev.ItemCompleted(item=item_id, step=step.id, outputs=outputs), actor)
        complete_step(turn, run, step.id, outputs, actor)

    def on_timer(
        self, turn: Turn, run: RunState, step: InteractiveStep, kind: str, item_id: str | None
    ) -> Moves:
        item = run.items.get(item_id or "")
        if kind != "due" or item is None or item["status"] != "open":
            return False
        assignee = item["assignee"]
        turn.emit(run, ev.ItemOverdue(item=item_id or "", step=step.id, assignee=assignee))
        if step.escalate_to and step.escalate_to != assignee:
            reassign(turn, run, item_id or "", step.escalate_to, "escalated: overdue", "system")
        return True
        yield  # pragma: no cover

    def on_release(self, turn: Turn, run: RunState, step: InteractiveStep, reason: str) -> None:
        for item_id, item in list(run.items.items()):
            if item["step"] == step.id and item["status"] == "open":
                turn.emit(run, ev.ItemWithdrawn(item=item_id, step=step.id, reason=reason))


class BackgroundBehaviour(StepBehaviour):
    """An action with no person involved, retried per the step's policy."""

    def start(self, turn: Turn, run: RunState, step: BackgroundStep) -> Moves:
        turn.emit(run, ev.StepStarted(step=step.id))
        yield from run_action(turn, run, step, 1)

    def on_timer(
        self, turn: Turn, run: RunState, step: BackgroundStep, kind: str, item_id: str | None
    ) -> Moves:
        if kind != "retry" or run.steps[step.id]["status"] != "waiting":
            return False
        turn.emit(run, ev.TimerFired(step=step.id, kind="retry"))
        yield from run_action(turn, run, step, run.steps[step.id]["attempts"])
        return True


def run_action(turn: Turn, run: RunState, step: BackgroundStep, attempt: int) -> Moves:
    """Ask for the step's action, retrying per its policy; then complete or fail the step."""
    attempts = step.retry.attempts if step.retry else 1
    while True:
        try:
            inputs = {
                k: evaluate(expr, names_for(turn, run, expr)) for k, expr in step.inputs.items()
            }
        except ExpressionError as exc:
            # Bad input data is this step's failure: retry it once the data is fixed.
            fail_step(turn, run, step.id, exc.message, attempt)
            return
        outcome = yield ActionRequest(run.id, step.id, step.action, attempt, inputs)
        if outcome.error is not None:
            turn.emit(run, ev.StepAttemptFailed(step=step.id, attempt=attempt, error=outcome.error))
            if attempt < attempts:
                delay = duration(step.retry.delay) if step.retry else None
                if delay:
                    turn.emit(run, ev.StepRetryScheduled(step=step.id, at=turn.later(delay)))
                    return
                attempt += 1
                continue
            fail_step(turn, run, step.id, outcome.error)
            return
        if outcome.variables:
            turn.emit(run, ev.VariablesSet(step=step.id, values=outcome.variables))
        if outcome.child_run_id is not None:
            turn.emit(
                run, ev.ChildStarted(step=step.id, child=outcome.child_run_id, attempt=attempt)
            )
            return
        complete_step(turn, run, step.id, outcome.outputs, attempt=attempt)
        return


class WaitBehaviour(StepBehaviour):
    """Holds until a named event (correlated by key) arrives or its timeout passes."""

    def start(self, turn: Turn, run: RunState, step: WaitStep) -> Moves:
        # The key is evaluated before the step counts as started, so an error leaves it
        # not started and a resumed run tries again.
        key = None
        if step.event and step.key:
            key = evaluate_in(turn, run, step.key, step.id)
        if step.event and step.buffer:
            since = turn.later(-duration(step.buffer))
            kept = turn.buffered_event(step.event, None if key is None else str(key), since)
            if kept is not None:
                # Sent before the step opened, within its buffer: it arrives now.
                turn.emit(run, ev.StepStarted(step=step.id, key=key))
                turn.emit(
                    run,
                    ev.EventReceived(
                        step=step.id,
                        event=step.event,
                        key=kept["key"],
                        buffered=kept["id"],
                        sent_at=kept["sent_at"],
                    ),
                )
                complete_step(turn, run, step.id, {**kept["data"], "timed_out": False})
                return
        timeout_at = turn.later(duration(step.timeout)) if step.timeout else None
        turn.emit(run, ev.StepStarted(step=step.id, key=key, timeout_at=timeout_at))
        return
        yield  # pragma: no cover

    def on_event(
        self, turn: Turn, run: RunState, step: WaitStep, name: str, key: Any, data: dict[str, Any]
    ) -> bool:
        if run.steps[step.id]["status"] != "waiting":
            return False
        turn.emit(run, ev.EventReceived(step=step.id, event=name, key=key))
        complete_step(turn, run, step.id, {**data, "timed_out": False})
        return True

    def on_timer(
        self, turn: Turn, run: RunState, step: WaitStep, kind: str, item_id: str | None
    ) -> Moves:
        if kind != "timeout" or run.steps[step.id]["status"] != "waiting":
            return False
        turn.emit(run, ev.TimerFired(step=step.id, kind="timeout"))
        complete_step(turn, run, step.id, {"timed_out": True})
        return True
        yield  # pragma: no cover


BEHAVIOURS: dict[str, StepBehaviour] = {
    "interactive": InteractiveBehaviour(),
    "background": BackgroundBehaviour(),
    "wait": WaitBehaviour(),
}
"""The behaviour of each `step.type`."""


def of(step: Any) -> StepBehaviour:
    """The behaviour of a step's type."""
    return BEHAVIOURS[step.type]
