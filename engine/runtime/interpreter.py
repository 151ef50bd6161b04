"""Moving one run forward: stages, steps, decisions and the end (see `engine.runtime`).

Every function here works inside a `Unit` (one transaction) and changes the run's state
and log together. `progress` is the loop: it starts every step that may start, exits the
stage when it is done, follows flows through decisions into the next stage or an end,
and stops when the run waits on a person, an event, a timer or a child run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.actions import get_action
from engine.definition import (
    BackgroundStep,
    DecisionNode,
    EndNode,
    InteractiveStep,
    StageNode,
    WaitStep,
)
from engine.errors import ExpressionError
from engine.expressions import Namespace, evaluate
from engine.runtime import events as ev
from engine.runtime import waiting
from engine.runtime.context import ActionContext
from engine.runtime.plan import duration, reads_record
from engine.runtime.state import RUN_ACTIVE, STEP_FINISHED, STEP_OPEN

if TYPE_CHECKING:
    from engine.runtime.plan import Plan
    from engine.runtime.state import RunState
    from engine.runtime.unit import Unit


class RunFailure(Exception):
    """Raised inside the interpreter when the run cannot go on; `progress` fails the run."""


# --- expressions -----------------------------------------------------------------------


def names_for(unit: Unit, run: RunState, text: str) -> dict[str, Any]:
    """The names an expression may read in this run: variables, steps, record, run."""
    names: dict[str, Any] = dict(run.variables)
    for step_id, st in run.steps.items():
        names[step_id] = Namespace(st.get("outputs") or {})
    if reads_record(text):
        names["record"] = Namespace(unit.record(run.record_object, run.record_id) or {})
    names["run"] = Namespace({"id": run.id, "started_at": run.started_at})
    return names


def evaluate_in(unit: Unit, run: RunState, text: str, element: str) -> Any:
    """Evaluate an expression for a run; an error fails the run naming the element."""
    try:
        return evaluate(text, names_for(unit, run, text))
    except ExpressionError as exc:
        raise RunFailure(f"[{element}] {exc.message}") from None


# --- run lifecycle ---------------------------------------------------------------------


def begin(unit: Unit, run: RunState) -> None:
    """Enter the start node and move the new run as far as it goes."""
    plan = unit.plan(run)
    try:
        if plan.start_id is None:
            raise RunFailure("the orchestration has no start node")
        follow(unit, run, plan, plan.start_id)
    except RunFailure as exc:
        fail_run(unit, run, str(exc))
        return
    progress(unit, run)


def progress(unit: Unit, run: RunState) -> None:
    """Start what may start, exit finished stages, follow flows, until the run waits."""
    if run.status not in RUN_ACTIVE:
        return
    run.status = "running"
    plan = unit.plan(run)
    try:
        _progress(unit, run, plan)
    except RunFailure as exc:
        fail_run(unit, run, str(exc))
    if run.status == "running":
        run.status = "waiting"


def _progress(unit: Unit, run: RunState, plan: Plan) -> None:
    while run.status == "running" and run.current_stage is not None:
        stage_id = run.current_stage
        stage = plan.nodes[stage_id]
        # The exit condition is checked before anything new starts, so a stage that may
        # already leave does not open work items only to withdraw them.
        if stage.exit_condition and evaluate_in(unit, run, stage.exit_condition, stage_id):
            cancel_open_steps(unit, run, plan, stage_id, "the stage's exit condition holds")
            exit_stage(unit, run, plan, stage_id)
            continue
        steps = plan.stage_steps[stage_id]
        state = run.steps
        started = False
        for step in steps:
            if state[step.id]["status"] != "not_started":
                continue
            if step.after and not all(state[a]["status"] in STEP_FINISHED for a in step.after):
                continue
            start_step(unit, run, plan, step)
            started = True
            if run.status != "running" or run.current_stage != stage_id:
                return
        if all(state[s.id]["status"] in STEP_FINISHED for s in steps):
            exit_stage(unit, run, plan, stage_id)
            continue
        if not started:
            return  # waiting on people, events, timers or child runs


def follow(unit: Unit, run: RunState, plan: Plan, node_id: str) -> None:
    """Leave a node along its flow (deciding at decisions) until a stage or an end."""
    # Kept until a stage or end is reached, so a failed decision can be resumed from here.
    run.resume_from = node_id
    flows = plan.outgoing.get(node_id) or []
    if not flows:
        raise RunFailure(f"[{node_id}] has no outgoing flow; the run cannot go on")
    target = flows[0].target
    for _ in range(10_000):
        node = plan.nodes.get(target)
        if node is None:
            raise RunFailure(f"[{node_id}] flows to {target!r}, which does not exist")
        if isinstance(node, StageNode):
            enter_stage(unit, run, plan, node)
            run.resume_from = None
            return
        if isinstance(node, EndNode):
            run.resume_from = None
            complete_run(unit, run, node.id)
            return
        if isinstance(node, DecisionNode):
            target = decide(unit, run, plan, node)
        else:
            flows = plan.outgoing.get(node.id) or []
            if not flows:
                raise RunFailure(f"[{node.id}] has no outgoing flow")
            target = flows[0].target
    raise RunFailure(f"decisions after [{node_id}] loop without reaching a stage or an end")


def decide(unit: Unit, run: RunState, plan: Plan, node: DecisionNode) -> str:
    """The target of a decision: the first flow whose condition holds, else the default."""
    default = None
    for flow in plan.outgoing.get(node.id) or []:
        if flow.default:
            default = flow
            continue
        if flow.condition and evaluate_in(unit, run, flow.condition, node.id):
            unit.emit(
                run, ev.DecisionTaken(decision=node.id, to=flow.target, condition=flow.condition)
            )
            return flow.target
    if default is None:
        raise RunFailure(f"[{node.id}] no condition holds and the decision has no default flow")
    unit.emit(run, ev.DecisionTaken(decision=node.id, to=default.target, default=True))
    return default.target


def enter_stage(unit: Unit, run: RunState, plan: Plan, stage: StageNode) -> None:
    """Enter a stage: count the visit (max_visits guard) and reset its steps."""
    previous = run.stages.get(stage.id)
    visits = (previous["visits"] if previous else 0) + 1
    if stage.max_visits is not None and visits > stage.max_visits:
        raise RunFailure(
            f"[{stage.id}] would be visited {visits} times, but max_visits is "
            f"{stage.max_visits}; the loop back to it was stopped"
        )
    if previous is None:
        run.stages[stage.id] = {"status": "running", "visits": visits, "entered_at": unit.now}
        run.new_stages.add(stage.id)
    else:
        st = run.touch_stage(stage.id)
        st.update(status="running", visits=visits, entered_at=unit.now, exited_at=None)
    run.current_stage = stage.id
    for step in plan.stage_steps[stage.id]:
        fresh = {"status": "not_started", "stage": stage.id, "attempts": 0}
        if step.id in run.steps:
            run.touch_step(step.id)
            run.steps[step.id] = fresh
        else:
            run.steps[step.id] = fresh
            run.new_steps.add(step.id)
    unit.emit(run, ev.StageEntered(stage=stage.id, visit=visits))


def exit_stage(unit: Unit, run: RunState, plan: Plan, stage_id: str) -> None:
    """Close the current stage and follow its flow."""
    st = run.touch_stage(stage_id)
    st["status"] = "completed"
    st["exited_at"] = unit.now
    run.current_stage = None
    unit.emit(run, ev.StageCompleted(stage=stage_id))
    follow(unit, run, plan, stage_id)


def complete_run(unit: Unit, run: RunState, end_id: str) -> None:
    """Reaching an end completes the run (and tells a waiting parent)."""
    run.status = "completed"
    run.ended_at = unit.now
    run.current_stage = None
    unit.emit(run, ev.RunCompleted(end=end_id))
    _tell_parent(unit, run)


def fail_run(unit: Unit, run: RunState, reason: str) -> None:
    """The run cannot go on: record why; an operator may retry, skip or cancel."""
    run.status = "failed"
    run.error = reason
    unit.emit(run, ev.RunFailed(reason=reason))
    _tell_parent(unit, run)


def _tell_parent(unit: Unit, run: RunState) -> None:
    if run.parent_run_id is None or not run.notify_parent:
        return
    from engine.runtime import triggers

    unit.queue.append(lambda: triggers.child_finished(unit, run))


# --- steps -----------------------------------------------------------------------------


def start_step(unit: Unit, run: RunState, plan: Plan, step: Any) -> None:
    """Start a step whose predecessors are done: skip it, or open its work."""
    st = run.touch_step(step.id)
    if step.condition and not evaluate_in(unit, run, step.condition, step.id):
        st.update(status="skipped", ended_at=unit.now)
        unit.emit(run, ev.StepSkipped(step=step.id, reason="condition is false"))
        return
    # A wait's key is evaluated before the step counts as started, so an error leaves it
    # not started and a resumed run tries again.
    key = None
    if isinstance(step, WaitStep) and step.event and step.key:
        key = evaluate_in(unit, run, step.key, step.id)
    st["started_at"] = unit.now
    unit.emit(run, ev.StepStarted(step=step.id))
    if isinstance(step, BackgroundStep):
        st["status"] = "running"
        run_action(unit, run, plan, step)
    elif isinstance(step, InteractiveStep):
        st["status"] = "waiting"
        waiting.create_item(unit, run, step, step.assignee or "")
    else:
        st["status"] = "waiting"
        if step.event:
            waiting.add_wait(unit, run, step.id, step.event, key)
        if step.timeout:
            waiting.add_timer(unit, run, step.id, "timeout", duration(step.timeout))


def run_action(unit: Unit, run: RunState, plan: Plan, step: BackgroundStep) -> None:
    """Call a background step's action, retrying per its policy; then complete or fail."""
    action = get_action(step.action)
    st = run.steps[step.id]
    attempts = step.retry.attempts if step.retry else 1
    while True:
        st["attempts"] = attempt = st.get("attempts", 0) + 1
        try:
            inputs = {
                k: evaluate(expr, names_for(unit, run, expr)) for k, expr in step.inputs.items()
            }
        except ExpressionError as exc:
            # Bad input data is this step's failure: retry it once the data is fixed.
            fail_step(unit, run, step.id, exc.message)
            return
        context = ActionContext(unit, run, step.id, attempt)
        try:
            if action is None:
                raise LookupError(f"no action named {step.action!r} is installed")
            outputs = action(inputs, context)
        except Exception as exc:  # an action's failure is data: logged, retried, reported
            context.failed()
            error = f"{type(exc).__name__}: {exc}"
            unit.emit(run, ev.StepAttemptFailed(step=step.id, attempt=attempt, error=error))
            if attempt < attempts:
                delay = duration(step.retry.delay) if step.retry else None
                if delay:
                    st["status"] = "waiting"
                    due = waiting.add_timer(unit, run, step.id, "retry", delay)
                    unit.emit(run, ev.StepRetryScheduled(step=step.id, at=due))
                    return
                continue
            fail_step(unit, run, step.id, error)
            return
        context.succeeded()
        if context.variables_set:
            run.variables.update(context.variables_set)
            unit.emit(run, ev.VariablesSet(step=step.id, values=context.variables_set))
        if context.child_run_id is not None:
            st["status"] = "waiting"
            st["child_run_id"] = context.child_run_id
            unit.emit(run, ev.ChildStarted(step=step.id, child=context.child_run_id))
            return
        complete_step(unit, run, step.id, dict(outputs or {}))
        return


def complete_step(
    unit: Unit, run: RunState, step_id: str, outputs: dict[str, Any], actor: str | None = None
) -> None:
    """Mark a step completed with its outputs (the caller then calls `progress`)."""
    st = run.touch_step(step_id)
    st.update(status="completed", outputs=outputs, ended_at=unit.now, error=None)
    unit.emit(run, ev.StepCompleted(step=step_id, outputs=outputs), actor)


def fail_step(unit: Unit, run: RunState, step_id: str, error: str) -> None:
    """A step failed for good: the run fails with the error (an operator may retry/skip)."""
    st = run.touch_step(step_id)
    st.update(status="failed", error=error, ended_at=unit.now)
    unit.emit(run, ev.StepFailed(step=step_id, error=error))
    fail_run(unit, run, f"[{step_id}] {error}")


def cancel_open_steps(unit: Unit, run: RunState, plan: Plan, stage_id: str, reason: str) -> None:
    """Cancel every unfinished step of a stage, withdrawing items and dropping waits."""
    for step in plan.stage_steps[stage_id]:
        st = run.steps[step.id]
        if st["status"] in STEP_FINISHED:
            continue
        was_open = st["status"] in STEP_OPEN or st["status"] == "failed"
        run.touch_step(step.id).update(status="canceled", ended_at=unit.now)
        unit.emit(run, ev.StepCanceled(step=step.id, reason=reason))
        if was_open:
            release_step(unit, run, step, reason)


def release_step(unit: Unit, run: RunState, step: Any, reason: str) -> None:
    """Withdraw a step's items and drop its waits and timers (it will not finish normally)."""
    if isinstance(step, InteractiveStep):
        waiting.withdraw_items(unit, run, step.id, reason)
        if step.due:
            waiting.clear_timers(unit, run, step.id)
    elif isinstance(step, BackgroundStep):
        waiting.clear_timers(unit, run, step.id)
        child = run.steps[step.id].get("child_run_id")
        if child:
            from engine.runtime import triggers

            triggers.cancel_child(unit, child, reason)
    else:
        if step.event:
            waiting.clear_wait(unit, run, step.id)
        if step.timeout:
            waiting.clear_timers(unit, run, step.id)
