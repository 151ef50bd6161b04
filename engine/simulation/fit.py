"""Fitting a scenario to a definition: checking it names real things, and a starter file.

Checks run before anything is simulated, so a typo (`group:itt`, an output choice the
step does not offer) is reported with the field at fault instead of showing up as runs
that silently never move.
"""

from __future__ import annotations

import re

from engine.definition import (
    BackgroundStep,
    InteractiveStep,
    Orchestration,
    RecordTrigger,
    WaitStep,
)
from engine.simulation.sampling import placeholder
from engine.simulation.scenario import (
    Capacity,
    Choice,
    Scenario,
    ScenarioError,
    StepSpec,
    ValueSpec,
)

_WHOLE = re.compile(r"(user|group|queue):[^\s:]+\Z")


def assignees_of(definition: Orchestration) -> list[str]:
    """Every assignee an item of this definition can land with (incl. escalation targets)."""
    found: list[str] = []
    for _, step in definition.steps():
        if isinstance(step, InteractiveStep):
            for who in (step.assignee, step.escalate_to):
                if who and who not in found:
                    found.append(who)
    return found


def check_scenario(scenario: Scenario, definition: Orchestration, source: str | None) -> None:
    """Refuse a scenario that names steps, outputs, inputs or assignees the definition lacks.

    Raises:
        ScenarioError: naming the scenario field and what the definition offers.
    """
    if scenario.definition and scenario.definition != definition.id:
        raise ScenarioError(
            f"this scenario is for {scenario.definition!r}, not {definition.id!r}",
            file=source,
            field="definition",
            hint="pick the scenario of this definition, or change its `definition` field",
        )
    trigger = definition.trigger
    if scenario.record is not None and not (
        isinstance(trigger, RecordTrigger) and "created" in trigger.on
    ):
        raise ScenarioError(
            f"{definition.id} does not start on created records, so arrivals cannot create records",
            file=source,
            field="record",
            hint="remove `record` to start runs directly with their inputs",
        )
    steps = {step.id: step for _, step in definition.steps()}
    for step_id, spec in scenario.steps.items():
        step = steps.get(step_id)
        if step is None:
            raise ScenarioError(
                f"no step {step_id!r} in {definition.id}",
                file=source,
                field=f"steps.{step_id}",
                hint=f"steps are: {', '.join(steps)}",
            )
        _check_outputs(step, spec, source)
    inputs = {v.name: v for v in definition.variables if v.input}
    for name in scenario.inputs:
        if name not in inputs:
            raise ScenarioError(
                f"{name!r} is not an input of {definition.id}",
                file=source,
                field=f"inputs.{name}",
                hint=f"inputs are: {', '.join(inputs) or 'none'}",
            )
    known = assignees_of(definition)
    # A dynamic assignee may be anyone its expression gives (drawn from the scenario's
    # inputs and record fields), so then any well-formed assignee may be given capacity.
    dynamic = any(
        isinstance(step, InteractiveStep) and step.assignee_from for _, step in definition.steps()
    )
    for who in scenario.assignees:
        if dynamic and _WHOLE.match(who):
            continue
        if who not in known:
            raise ScenarioError(
                f"no step of {definition.id} is assigned to {who!r}",
                file=source,
                field=f"assignees.{who}",
                hint=f"assignees are: {', '.join(known) or 'none'}",
            )


def _check_outputs(step: object, spec: StepSpec, source: str | None) -> None:
    if not isinstance(step, InteractiveStep):
        return
    declared = {o.name: o for o in step.outputs}
    for name, value in spec.outputs.items():
        out = declared.get(name)
        where = f"steps.{step.id}.outputs.{name}"
        if out is None:
            raise ScenarioError(
                f"step {step.id!r} has no output {name!r}",
                file=source,
                field=where,
                hint=f"its outputs are: {', '.join(declared) or 'none'}",
            )
        offered = [c.value for c in value.choices or []] + (
            [value.value] if value.value is not None else []
        )
        bad = [v for v in offered if out.choices and v not in out.choices]
        if bad:
            raise ScenarioError(
                f"{bad[0]!r} is not a choice of output {name!r}",
                file=source,
                field=where,
                hint=f"choose from: {', '.join(out.choices or [])}",
            )


def _starter_value(type_: str, name: str, scenario: Scenario) -> ValueSpec:
    if type_ == "text":
        return ValueSpec(template=f"{name}-{{n}}")
    return ValueSpec(value=placeholder(type_, name, 1, scenario.start))


def starter_scenario(definition: Orchestration) -> Scenario:
    """A scenario with every step, input and assignee listed and the defaults filled in."""
    base = Scenario(definition=definition.id)
    steps: dict[str, StepSpec] = {}
    for _, step in definition.steps():
        if isinstance(step, InteractiveStep):
            outputs = {}
            for out in step.outputs:
                if out.choices:
                    weights = [1.0] + [0.0] * (len(out.choices) - 1)
                    outputs[out.name] = ValueSpec(
                        choices=[
                            Choice(value=c, weight=w)
                            for c, w in zip(out.choices, weights, strict=True)
                        ]
                    )
                elif out.required:
                    outputs[out.name] = _starter_value(out.type, out.name, base)
            steps[step.id] = StepSpec(duration=base.interactive_duration, outputs=outputs)
        elif isinstance(step, WaitStep):
            steps[step.id] = StepSpec(duration=base.wait_duration if step.event else None)
        elif isinstance(step, BackgroundStep):
            steps[step.id] = StepSpec(failure_probability=0.0)
    inputs = {}
    for var in definition.variables:
        if not var.input:
            continue
        if var.default is not None:
            inputs[var.name] = ValueSpec(value=var.default)
        elif var.required:
            inputs[var.name] = _starter_value(var.type, var.name, base)
    return base.model_copy(
        update={
            "steps": steps,
            "inputs": inputs,
            "assignees": {who: Capacity() for who in assignees_of(definition)},
        }
    )
