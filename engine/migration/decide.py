"""Moving one run to another version of its orchestration: the pure decision.

`assess` compares a run's state with the version it would move to and says how its
records carry over (stages and steps renamed by the operator's mapping or kept under the
same id, step records dropped, steps added to the current stage, new variables) or why
they cannot. `migrate` then emits what happens, in this order:

1. each open step of the current stage that the new version does not have is canceled
   and its work released (items withdrawn, waits and timers dropped);
2. one `run_migrated` event carries the renames, drops and additions; from it on the shell
   reads the run against the new version (as `Unit.emit` does);
3. the run moves on as after any other command: new steps whose predecessors are done
   start (opening work items), a stage with nothing left exits along its flow.

Open work of a kept step stays exactly as it is: same item id, same assignee, same due
timer, same wait. Pure, like every decision (see `engine.runtime.turn`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from engine.definition import DecisionNode, StageNode
from engine.errors import Conflict
from engine.expressions import parse
from engine.runtime import events as ev
from engine.runtime import steps as behaviours
from engine.runtime.basics import plan_of
from engine.runtime.interpreter import progress
from engine.runtime.plan import Plan, reads
from engine.runtime.state import STEP_FINISHED, STEP_OPEN, RunState
from engine.runtime.turn import Moves, Turn

MIGRATABLE = ("running", "waiting", "paused", "failed")
"""Run statuses a migration applies to (completed and canceled runs keep their version)."""


@dataclass
class Assessment:
    """How one run's records carry over to the target version, or why they cannot.

    Attributes:
        reasons: why the run cannot move (empty: it can), each naming the element and
            what to do.
        stages: stage (and decision) ids renamed, old -> new.
        steps: step ids renamed, old -> new.
        canceled: open steps of the current stage the target lacks (canceled first).
        dropped: step records removed (the canceled ones and finished ones the target
            lacks in the current stage).
        added: steps of the target's current stage the run has no record of -> stage.
        variables: variables the target declares and the run lacks -> default.
    """

    reasons: list[str] = field(default_factory=list)
    stages: dict[str, str] = field(default_factory=dict)
    steps: dict[str, str] = field(default_factory=dict)
    canceled: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    added: dict[str, str] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def possible(self) -> bool:
        """Whether the run can move."""
        return not self.reasons


def assess(run: RunState, source: Plan, target: Plan, mapping: dict[str, str]) -> Assessment:
    """How `run` (executing `source`) would move to `target` under `mapping` (old -> new)."""
    found = Assessment()
    if run.status not in MIGRATABLE:
        found.reasons.append(f"the run is {run.status}; only open runs move to a new version")
        return found
    _carry_stages(run, target, mapping, found)
    current = run.current_stage
    landing = found.stages.get(current, current) if current else None
    if current is not None and landing not in target.stage_steps:
        name = _name(source, current)
        found.reasons.append(
            f"the run is in stage {current}{name}, which version {target.version} does not "
            f"have; map it to a stage: --map {current}=STAGE"
        )
        return found
    if run.resume_from and found.stages.get(run.resume_from, run.resume_from) not in target.nodes:
        found.reasons.append(
            f"the run failed leaving {run.resume_from}, which version {target.version} does "
            f"not have; map it: --map {run.resume_from}=NODE"
        )
        return found
    _carry_steps(run, source, target, mapping, current, landing, found)
    for var in target.definition.variables:
        if var.name in run.variables:
            continue
        if var.input and var.required and var.default is None:
            found.reasons.append(
                f"version {target.version} requires input {var.name!r}, which this run was "
                "never given; give it a default in that version"
            )
        found.variables[var.name] = var.default
    if not found.reasons:
        found.reasons.extend(_missing_outputs(run, target, landing or run.resume_from, found))
    return found


def _name(plan: Plan, element: str) -> str:
    node = plan.nodes.get(element) or plan.steps.get(element)
    label = getattr(node, "name", "") if node is not None else ""
    return f' ("{label}")' if label else ""


def _carry_stages(run: RunState, target: Plan, mapping: dict[str, str], found: Assessment) -> None:
    taken = set(run.stages)
    for sid in run.stages:
        new = mapping.get(sid, sid)
        if new == sid or new not in target.nodes:
            continue
        if new in taken and mapping.get(new, new) == new:
            found.reasons.append(
                f"stage {sid} maps to {new}, which this run already has a record of; "
                "map one stage per target stage"
            )
            continue
        found.stages[sid] = new
    if run.resume_from and mapping.get(run.resume_from, run.resume_from) != run.resume_from:
        found.stages[run.resume_from] = mapping[run.resume_from]


def _carry_steps(
    run: RunState,
    source: Plan,
    target: Plan,
    mapping: dict[str, str],
    current: str | None,
    landing: str | None,
    found: Assessment,
) -> None:
    here = {s.id for s in target.stage_steps.get(landing or "", [])}
    kept: set[str] = set()
    for sid, st in run.steps.items():
        new = mapping.get(sid, sid)
        in_current = current is not None and st["stage"] == current
        if not in_current:
            # History of earlier stages: renamed when asked, otherwise left as it is (its
            # outputs stay readable under the old id).
            if new != sid and new in target.steps:
                found.steps[sid] = new
            continue
        if new not in here:
            if new in target.steps and new != sid:
                found.reasons.append(
                    f"step {sid} maps to {new}, which is in stage {target.step_stage[new]}, "
                    f"not in {landing}, where the run will be"
                )
                continue
            found.dropped.append(sid)
            if st["status"] in STEP_OPEN or st["status"] == "failed":
                found.canceled.append(sid)
            continue
        old_type, new_type = source.steps[sid].type, target.steps[new].type
        if old_type != new_type and st["status"] not in ("not_started", *STEP_FINISHED):
            found.reasons.append(
                f"step {sid} is a {old_type} step in version {source.version} but {new} is a "
                f"{new_type} step in version {target.version}; its open work cannot carry over"
            )
            continue
        if new in kept:
            found.reasons.append(f"two steps of stage {current} map to {new}; map only one")
            continue
        kept.add(new)
        if new != sid:
            found.steps[sid] = new
    for step in target.stage_steps.get(landing or "", []):
        if step.id not in kept:
            found.added[step.id] = landing or ""


def _missing_outputs(
    run: RunState, target: Plan, origin: str | None, found: Assessment
) -> list[str]:
    """Expressions still to be evaluated that read a step this run will never have run, or
    an output field its completed step did not give."""
    if origin is None:
        return []
    after = {found.steps.get(sid, sid): st for sid, st in run.steps.items()}
    for sid in found.dropped:
        after.pop(sid, None)
    later = _reachable(target, [f.target for f in target.outgoing.get(origin, [])])
    will_run = {s.id for node in later for s in target.stage_steps.get(node, [])}
    if origin not in later:
        # Finished steps of the stage the run is in do not run again (no loop back to it).
        will_run |= {
            s.id
            for s in target.stage_steps.get(origin, [])
            if s.id not in after or after[s.id]["status"] not in STEP_FINISHED
        }
    nodes = later if origin in later else [origin, *later]
    problems: list[str] = []
    for element, step_id, text in _expressions(target, nodes):
        if step_id is not None and step_id in after and step_id not in will_run:
            continue  # an expression of a step that already ran
        for name, fields in _step_reads(text, target).items():
            if name in will_run:
                continue
            record = after.get(name)
            if record is None:
                problems.append(
                    f"{element} reads {name}'s outputs, but this run passed stage "
                    f"{target.step_stage[name]} before version {target.version} added {name}; "
                    f"map an old step to it (--map OLD={name}) or leave this run where it is"
                )
                continue
            outputs = record.get("outputs") or {}
            if record["status"] == "completed":
                problems.extend(
                    f"{element} reads {name}.{missing}, an output this run's {name} never "
                    f"gave (it completed on version {run.definition_version})"
                    for missing in sorted(f for f in fields if f not in outputs)
                )
    return sorted(set(problems))


def _reachable(plan: Plan, starts: list[str]) -> list[str]:
    """Nodes reachable from `starts` (themselves included), in visiting order."""
    seen: list[str] = []
    todo = list(reversed(starts))
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.append(node)
        todo.extend(f.target for f in plan.outgoing.get(node, []))
    return seen


def _expressions(plan: Plan, nodes: list[str]) -> list[tuple[str, str | None, str]]:
    """(element, its step if any, expression text) of every expression at these nodes."""
    found: list[tuple[str, str | None, str]] = []
    for node_id in nodes:
        node = plan.nodes.get(node_id)
        if isinstance(node, StageNode):
            if node.exit_condition:
                found.append((f"stage {node.id}'s exit condition", None, node.exit_condition))
            for step in node.steps:
                texts = [step.condition, getattr(step, "key", None)]
                texts.extend((getattr(step, "inputs", None) or {}).values())
                found.extend((f"step {step.id}", step.id, t) for t in texts if t)
        elif isinstance(node, DecisionNode):
            for flow in plan.outgoing.get(node.id, []):
                if flow.condition:
                    found.append((f"decision {node.id}", None, flow.condition))
    return found


def _step_reads(text: str, plan: Plan) -> dict[str, set[str]]:
    """Step ids an expression reads -> the output fields it reads of each (`step.field`)."""
    names = {n for n in reads(text) if n in plan.steps}
    if not names:
        return {}
    fields: dict[str, set[str]] = {n: set() for n in names}
    for node in ast.walk(parse(text)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in fields
        ):
            fields[node.value.id].add(node.attr)
    return fields


def migrate(
    turn: Turn,
    run: RunState,
    target: Plan,
    found: Assessment,
    mapping: dict[str, str],
    reason: str,
) -> Moves:
    """Move the run to `target` as `found` (from `assess`) says, then let it go on.

    Raises:
        Conflict: `found` says the run cannot move (nothing is emitted).
    """
    if not found.possible:
        raise Conflict(f"run {run.id} cannot move to version {target.version}: {found.reasons[0]}")
    source = plan_of(run)
    why = f"removed in version {target.version}"
    for sid in found.canceled:
        step = source.steps[sid]
        open_before = run.steps[sid]["status"]
        turn.emit(run, ev.StepCanceled(step=sid, reason=why))
        if open_before in STEP_OPEN or open_before == "failed":
            behaviours.of(step).on_release(turn, run, step, why)
    turn.emit(
        run,
        ev.RunMigrated(
            from_version=source.version,
            to_version=target.version,
            reason=reason,
            mapping=dict(mapping),
            stages=dict(found.stages),
            steps=dict(found.steps),
            dropped=list(found.dropped),
            added=dict(found.added),
            variables=dict(found.variables),
        ),
    )
    if (
        run.status == "failed"
        and not run.resume_from
        and not any(st["status"] == "failed" for st in run.steps.values())
    ):
        # The failed step is gone with the old version: the run is no longer stuck on it.
        turn.emit(run, ev.RunRecovered())
    yield from progress(turn, run)
