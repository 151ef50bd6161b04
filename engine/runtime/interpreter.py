"""Moving one run forward: stages, steps, decisions and the end (see `engine.runtime`).

These are decisions: they read the run's state and definition and emit events through a
`Turn`; `engine.runtime.fold.apply` changes the state. `progress` is the loop: it starts
every step that may start, exits the stage when it is done, follows flows through
decisions into the next stage or an end, and stops when the run waits on a person, an
event, a timer or a child run. Functions that may start a background step are
generators (`Moves`): they yield the action to run and receive its outcome.

Pure: no database, no clock, no actions (import-linter checks the imports).
"""

from __future__ import annotations

from typing import Any

from engine.definition import DecisionNode, EndNode, StageNode
from engine.runtime import events as ev
from engine.runtime import steps as behaviours
from engine.runtime.basics import evaluate_in, fail_run, plan_of
from engine.runtime.plan import Plan
from engine.runtime.state import RUN_ACTIVE, STEP_FINISHED, STEP_OPEN, RunState
from engine.runtime.turn import Moves, RunFailure, Turn

# --- run lifecycle ---------------------------------------------------------------------


def begin(turn: Turn, run: RunState) -> Moves:
    """Leave the start node of a new run and move it as far as it goes."""
    plan = plan_of(run)
    try:
        if plan.start_id is None:
            raise RunFailure("the orchestration has no start node")
        follow(turn, run, plan.start_id)
    except RunFailure as exc:
        fail_run(turn, run, str(exc), exc.resume_from)
        return
    yield from progress(turn, run)


def progress(turn: Turn, run: RunState) -> Moves:
    """Start what may start, exit finished stages, follow flows, until the run waits."""
    if run.status not in RUN_ACTIVE:
        return
    try:
        yield from _progress(turn, run, plan_of(run))
    except RunFailure as exc:
        fail_run(turn, run, str(exc), exc.resume_from)


def _progress(turn: Turn, run: RunState, plan: Plan) -> Moves:
    while run.status in RUN_ACTIVE and run.current_stage is not None:
        stage_id = run.current_stage
        stage = plan.nodes[stage_id]
        # A step failed for good and the stage has a fault route (else the run failed).
        if stage_id in plan.fault_flows:
            failed = _failed_step(run, plan, stage_id)
            if failed is not None:
                take_fault_route(turn, run, plan, stage_id, failed)
                continue
        # The exit condition is checked before anything new starts, so a stage that may
        # already leave does not open work items only to withdraw them.
        if stage.exit_condition and evaluate_in(turn, run, stage.exit_condition, stage_id):
            cancel_open_steps(turn, run, plan, stage_id, "the stage's exit condition holds")
            exit_stage(turn, run, stage_id)
            continue
        steps = plan.stage_steps[stage_id]
        state = run.steps
        started = False
        for step in steps:
            if state[step.id]["status"] != "not_started":
                continue
            if step.after and not all(state[a]["status"] in STEP_FINISHED for a in step.after):
                continue
            yield from start_step(turn, run, step)
            started = True
            if run.status not in RUN_ACTIVE or run.current_stage != stage_id:
                return
            if state[step.id]["status"] == "failed":
                break  # siblings wait: the fault route is taken first
        if all(state[s.id]["status"] in STEP_FINISHED for s in steps):
            exit_stage(turn, run, stage_id)
            continue
        if not started:
            return  # waiting on people, events, timers or child runs


def follow(turn: Turn, run: RunState, node_id: str) -> None:
    """Leave a node along its flow (deciding at decisions) until a stage or an end.

    A stage that was left along its fault route (its status is `failed`) is left along
    that route again, so a resumed run goes where the fault sent it.

    Raises:
        RunFailure: with `resume_from` = `node_id`, so a resumed run leaves it again.
    """
    try:
        plan = plan_of(run)
        _walk(turn, run, plan, node_id, _leaving(turn, run, plan, node_id))
    except RunFailure as exc:
        if exc.resume_from is None:
            exc.resume_from = node_id
        raise


def _leaving(turn: Turn, run: RunState, plan: Plan, node_id: str) -> str:
    node = plan.nodes.get(node_id)
    if isinstance(node, DecisionNode):
        return decide(turn, run, plan, node)
    fault = plan.fault_flows.get(node_id)
    if fault is not None and run.stages.get(node_id, {}).get("status") == "failed":
        return fault.target
    flows = plan.outgoing.get(node_id) or []
    if not flows:
        raise RunFailure(f"[{node_id}] has no outgoing flow; the run cannot go on")
    return flows[0].target


def _walk(turn: Turn, run: RunState, plan: Plan, node_id: str, target: str) -> None:
    """From `node_id` into `target` and on through decisions, to a stage or an end."""
    for _ in range(10_000):
        node = plan.nodes.get(target)
        if node is None:
            raise RunFailure(f"[{node_id}] flows to {target!r}, which does not exist")
        if isinstance(node, StageNode):
            redirected = enter_stage(turn, run, node)
            if redirected is None:
                return
            target = redirected
        elif isinstance(node, EndNode):
            outcome = None if node.outcome == "completed" else node.outcome
            turn.emit(run, ev.RunCompleted(end=node.id, outcome=outcome))
            return
        elif isinstance(node, DecisionNode):
            target = decide(turn, run, plan, node)
        else:
            flows = plan.outgoing.get(node.id) or []
            if not flows:
                raise RunFailure(f"[{node.id}] has no outgoing flow")
            target = flows[0].target
    raise RunFailure(f"decisions after [{node_id}] loop without reaching a stage or an end")


def decide(turn: Turn, run: RunState, plan: Plan, node: DecisionNode) -> str:
    """The target of a decision: the first flow whose condition holds, else the default."""
    default = None
    for flow in plan.outgoing.get(node.id) or []:
        if flow.default:
            default = flow
            continue
        if flow.condition and evaluate_in(turn, run, flow.condition, node.id):
            turn.emit(
                run, ev.DecisionTaken(decision=node.id, to=flow.target, condition=flow.condition)
            )
            return flow.target
    if default is None:
        raise RunFailure(f"[{node.id}] no condition holds and the decision has no default flow")
    turn.emit(run, ev.DecisionTaken(decision=node.id, to=default.target, default=True))
    return default.target


def enter_stage(turn: Turn, run: RunState, stage: StageNode) -> str | None:
    """Enter a stage: count the visit (the max_visits guard) and reset its steps.

    Returns None when the stage was entered, or the node its fault route leads to when
    one more visit would exceed `max_visits` (the stage is then not entered).

    Raises:
        RunFailure: max_visits would be exceeded and the stage has no fault route.
    """
    previous = run.stages.get(stage.id)
    visits = (previous["visits"] if previous else 0) + 1
    if stage.max_visits is not None and visits > stage.max_visits:
        error = (
            f"[{stage.id}] would be visited {visits} times, but max_visits is {stage.max_visits}"
        )
        fault = plan_of(run).fault_flows.get(stage.id)
        if fault is None:
            raise RunFailure(f"{error}; the loop back to it was stopped")
        turn.emit(
            run,
            ev.StageFaulted(stage=stage.id, to=fault.target, error=error, attempts=visits - 1),
        )
        return fault.target
    turn.emit(run, ev.StageEntered(stage=stage.id, visit=visits))
    return None


def exit_stage(turn: Turn, run: RunState, stage_id: str) -> None:
    """Close the current stage and follow its flow."""
    turn.emit(run, ev.StageCompleted(stage=stage_id))
    follow(turn, run, stage_id)


def take_fault_route(turn: Turn, run: RunState, plan: Plan, stage_id: str, step_id: str) -> None:
    """A step of the current stage failed for good: cancel the stage's other open steps
    and leave it along its fault route (the failure becomes `fault.*`)."""
    cancel_open_steps(
        turn, run, plan, stage_id, "the stage was left along its fault route", keep_failed=True
    )
    flow = plan.fault_flows[stage_id]
    st = run.steps[step_id]
    turn.emit(
        run,
        ev.StageFaulted(
            stage=stage_id,
            to=flow.target,
            error=st.get("error") or "",
            step=step_id,
            attempts=st.get("attempts"),
        ),
    )
    follow(turn, run, stage_id)


def _failed_step(run: RunState, plan: Plan, stage_id: str) -> str | None:
    state = run.steps
    failed = (s.id for s in plan.stage_steps[stage_id] if state[s.id]["status"] == "failed")
    return next(failed, None)


# --- steps -----------------------------------------------------------------------------


def start_step(turn: Turn, run: RunState, step: Any) -> Moves:
    """Start a step whose predecessors are done: skip it, or let its type open its work."""
    if step.condition and not evaluate_in(turn, run, step.condition, step.id):
        turn.emit(run, ev.StepSkipped(step=step.id, reason="condition is false"))
        return
    yield from behaviours.of(step).start(turn, run, step)


def cancel_open_steps(
    turn: Turn, run: RunState, plan: Plan, stage_id: str, reason: str, *, keep_failed: bool = False
) -> None:
    """Cancel every unfinished step of a stage, withdrawing items and dropping waits
    (`keep_failed`: a failed step stays failed, as the fault route's cause)."""
    for step in plan.stage_steps[stage_id]:
        status = run.steps[step.id]["status"]
        if status in STEP_FINISHED or (keep_failed and status == "failed"):
            continue
        turn.emit(run, ev.StepCanceled(step=step.id, reason=reason))
        if status in STEP_OPEN or status == "failed":
            behaviours.of(step).on_release(turn, run, step, reason)
