"""Running the action a decision asked for, and reporting what it did (the SQL shell).

The local engine runs actions at once, inside the call's transaction. An action that
raises leaves nothing behind: the unit rolls back to a mark taken before the call
(database writes it made through its context, runs it started, queued work).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.actions import get_action
from engine.runtime.context import ActionContext
from engine.runtime.turn import ActionOutcome, ActionRequest

if TYPE_CHECKING:
    from engine.runtime.state import RunState
    from engine.runtime.unit import Unit


def run_action(unit: Unit, run: RunState, request: ActionRequest) -> ActionOutcome:
    """Call the requested action with an `ActionContext`; an exception is an outcome."""
    action = get_action(request.action)
    context = ActionContext(unit, run, request.step_id, request.attempt)
    try:
        if action is None:
            raise LookupError(f"no action named {request.action!r} is installed")
        outputs = action(request.inputs, context)
    except Exception as exc:  # an action's failure is data: logged, retried, reported
        context.failed()
        return ActionOutcome(error=f"{type(exc).__name__}: {exc}")
    context.succeeded()
    return ActionOutcome(
        outputs=dict(outputs or {}),
        variables=dict(context.variables_set),
        child_run_id=context.child_run_id,
    )
