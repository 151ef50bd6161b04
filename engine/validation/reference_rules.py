"""Rules on what expressions and `set_variables` steps refer to: `unknown-output`,
`unknown-variable` and `condition-needs-after`.

* `quote.discont`, where step `quote` declares `discount`, always reads None.
* A `set_variables` step whose input names no declared variable writes a value no
  expression can read (validation refuses reading undeclared names).
* A step's condition is evaluated once, when the step becomes ready. Reading an output of
  a step of the same stage that it does not wait for (`after`, directly or through other
  steps) sees that step unfinished, so the condition is decided before the value exists.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.definition import AnyStep, BackgroundStep, InteractiveStep, StageNode
from engine.validation.context import Index, did_you_mean, error, quote_list
from engine.validation.diagnostics import Diagnostic
from engine.validation.expression_rules import (
    WRITING_ACTION,
    Analysis,
    analyse,
    analysed,
    distinct_expressions,
    ready_expressions,
)


def check_references(index: Index) -> Iterator[Diagnostic]:
    """Report misspelled outputs, writes to undeclared variables and conditions that read
    a step of their own stage without waiting for it."""
    yield from _check_outputs_read(index)
    yield from _check_variables_written(index)
    if not _may_read_a_step(index):
        return
    for stage in index.stages:
        yield from _check_conditions_wait(index, stage)


def declared_outputs(step: AnyStep) -> list[str] | None:
    """The outputs a step is known to give, or None when only its run can tell."""
    if isinstance(step, InteractiveStep):
        return [output.name for output in step.outputs]
    if isinstance(step, BackgroundStep) and step.action == WRITING_ACTION:
        return list(step.inputs)  # set_variables echoes what it wrote
    return None  # other actions and events give what they give


def _reads_undeclared_output(index: Index, analysis: Analysis) -> bool:
    for name, attribute in analysis.attributes:
        if name not in index.steps or name in index.variables:
            continue
        outputs = declared_outputs(index.steps[name][1])
        if outputs is not None and attribute not in outputs:
            return True
    return False


def _check_outputs_read(index: Index) -> Iterator[Diagnostic]:
    if not any(
        _reads_undeclared_output(index, analysis)
        for analysis in distinct_expressions(index).values()
        if not analysis.problem and analysis.attributes
    ):
        return  # the common case: decided per distinct text, no expression located
    for located, analysis in analysed(index):
        if analysis.problem or not analysis.attributes:
            continue  # a problem is already reported by the expression rules
        for name, attribute in sorted(analysis.attributes):
            if name not in index.steps or name in index.variables:
                continue
            _, step = index.steps[name]
            outputs = declared_outputs(step)
            if outputs is None or attribute in outputs:
                continue
            given = f"declares {quote_list(outputs)}" if outputs else "declares no outputs"
            yield error(
                "unknown-output",
                located.element,
                located.field,
                f"{located.field} reads {name}.{attribute}, but step {name!r} {given}"
                f"{did_you_mean(attribute, outputs)}, so it would always read None; fix the "
                f"name or declare the output on {name!r}",
            )


def _check_variables_written(index: Index) -> Iterator[Diagnostic]:
    for step in index.first_background():
        if step.action != WRITING_ACTION:
            continue
        for key in step.inputs:
            if key in index.variables:
                continue
            yield error(
                "unknown-variable",
                step.id,
                f"inputs.{key}",
                f"step {step.id!r} sets {key!r}, which is not a declared variable"
                f"{did_you_mean(key, index.variables)}; declare a variable {key!r} or fix "
                "the name",
            )


def _may_read_a_step(index: Index) -> bool:
    """Whether a step condition or `assignee_from` reads a step id that is no variable;
    only such a text can be read before the step it reads has run."""
    steps, variables = index.steps, index.variables
    return any(
        name in steps and name not in variables
        for analysis in ready_expressions(index).values()
        if not analysis.problem
        for name in analysis.names
    )


def _check_conditions_wait(index: Index, stage: StageNode) -> Iterator[Diagnostic]:
    if all(
        step.condition is None
        and (not isinstance(step, InteractiveStep) or step.assignee_from is None)
        for step in stage.steps
    ):
        return
    siblings = {step.id: step for step in stage.steps}
    for step in stage.steps:
        # Both are evaluated once, when the step becomes ready (assignee_from as it starts).
        read_at_start = [("condition", "the condition", step.condition)]
        if isinstance(step, InteractiveStep):
            read_at_start.append(("assignee_from", "assignee_from", step.assignee_from))
        for field, what, text in read_at_start:
            if text is None:
                continue
            yield from _check_waits_for(index, siblings, step, field, what, text)


def _check_waits_for(
    index: Index,
    siblings: dict[str, AnyStep],
    step: AnyStep,
    field: str,
    what: str,
    text: str,
) -> Iterator[Diagnostic]:
    analysis = analyse(text)
    if analysis.problem:
        return
    awaited = _awaited(step.id, siblings)
    for name in sorted(analysis.names):
        if name not in siblings or name in awaited or name in index.variables:
            continue
        if name == step.id:
            why = "its own outputs, which do not exist before it runs"
            fix = "read another step's outputs or a variable"
        else:
            why = f"an output of {name!r}, a step of the same stage it does not wait for"
            fix = f"add {name!r} to its 'after'"
        yield error(
            "condition-needs-after",
            step.id,
            field,
            f"{what} of step {step.id!r} reads {why}; it is evaluated once, when "
            f"{step.id!r} becomes ready, so it would never see that value: {fix}",
        )


def _awaited(step_id: str, siblings: dict[str, AnyStep]) -> set[str]:
    """The steps a step waits for, directly or through the steps it waits for."""
    seen: set[str] = set()
    todo = list(siblings[step_id].after)
    while todo:
        current = todo.pop()
        if current in seen or current not in siblings:
            continue
        seen.add(current)
        todo.extend(siblings[current].after)
    return seen
