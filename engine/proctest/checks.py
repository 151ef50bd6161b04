"""Checks a tests file against its definition before anything runs.

A scenario that names a step, stage, end, variable, event or person the definition does not
have is a mistake in the test, not a failure of the process: it is reported as bad input
(exit 2) naming the file, the scenario and the field, with the names that would fit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from engine.actions import is_known_action
from engine.definition import (
    BackgroundStep,
    EndNode,
    InteractiveStep,
    Orchestration,
    RecordTrigger,
    WaitStep,
)
from engine.proctest.files import TestFileError
from engine.proctest.format import (
    CompleteAction,
    EventAction,
    ExpectAction,
    Expectations,
    ReassignAction,
    TestFile,
    TestScenario,
    UpdateRecordAction,
)
from engine.proctest.sandbox import people

UNKNOWN_ACTION = "unknown-action"
"""The validation code of a background step whose action is not installed here."""


class _Names:
    def __init__(self, definition: Orchestration) -> None:
        steps = [step for _, step in definition.steps()]
        self.interactive = [s.id for s in steps if isinstance(s, InteractiveStep)]
        self.background = [s.id for s in steps if isinstance(s, BackgroundStep)]
        self.missing_actions = {
            s.id: s.action
            for s in steps
            if isinstance(s, BackgroundStep) and not is_known_action(s.action)
        }
        self.steps = [s.id for s in steps]
        self.events = sorted({s.event for s in steps if isinstance(s, WaitStep) and s.event})
        self.stages = [s.id for s in definition.stages()]
        self.ends = [n.id for n in definition.nodes if isinstance(n, EndNode)]
        self.variables = [v.name for v in definition.variables]


def _one_of(names: Iterable[str]) -> str:
    listed = list(names)
    return "one of: " + ", ".join(listed) if listed else "there are none"


def check_tests(tests: TestFile, definition: Orchestration, source: str) -> None:
    """Refuse a tests file that does not fit its definition.

    Raises:
        TestFileError: the first mistake, naming scenario and field.
    """
    if tests.definition != definition.id:
        raise TestFileError(
            f"definition: the tests are for {tests.definition!r}, the file beside them is "
            f"{definition.id!r}",
            file=source,
            hint="rename one of them so they match",
        )
    names = _Names(definition)
    for scenario in tests.scenarios:
        _check_scenario(scenario, tests, definition, names, source)


def _check_scenario(
    scenario: TestScenario,
    tests: TestFile,
    definition: Orchestration,
    names: _Names,
    source: str,
) -> None:
    def refuse(where: str, message: str) -> None:
        raise TestFileError(f"scenario {scenario.name!r}, {where}: {message}", file=source)

    record_trigger = isinstance(definition.trigger, RecordTrigger)
    if scenario.record is not None and not record_trigger:
        refuse("record", f"{definition.id} is not started by records; give inputs instead")
    if scenario.record is not None and scenario.inputs:
        refuse("inputs", "give either inputs or a record, not both")
    for name in scenario.inputs:
        if name not in names.variables:
            refuse(
                f"inputs.{name}", f"not a variable of {definition.id} ({_one_of(names.variables)})"
            )
    for step_id in scenario.actions:
        if step_id not in names.background:
            refuse(f"actions.{step_id}", f"not a background step ({_one_of(names.background)})")
    for step_id, action in names.missing_actions.items():
        if step_id not in scenario.actions:
            refuse(
                "actions",
                f"step {step_id!r} runs {action!r}, which is not installed here; stub it "
                f'(actions: {{"{step_id}": {{"outputs": {{...}}}}}})',
            )
    directory = people(definition, scenario, tests.users)
    for i, action in enumerate(scenario.script):
        where = f"script[{i}]"
        if isinstance(action, CompleteAction):
            if action.complete not in names.interactive:
                refuse(
                    f"{where}.complete",
                    f"{action.complete!r} is not an interactive step "
                    f"({_one_of(names.interactive)})",
                )
            if action.as_ is not None and action.as_ not in directory:
                refuse(
                    f"{where}.as",
                    f"{action.as_!r} is not a person of this test (declare them under users, "
                    "or leave `as` out to act as the item's assignee)",
                )
        elif isinstance(action, EventAction) and action.event not in names.events:
            refuse(
                f"{where}.event",
                f"no wait step of {definition.id} waits for {action.event!r} "
                f"({_one_of(names.events)})",
            )
        elif isinstance(action, ReassignAction) and action.reassign not in names.interactive:
            refuse(f"{where}.reassign", f"{action.reassign!r} is not an interactive step")
        elif isinstance(action, UpdateRecordAction) and scenario.record is None:
            refuse(f"{where}.update_record", "the scenario starts from no record (give `record`)")
        elif isinstance(action, ExpectAction):
            _check_expectations(action.expect, f"{where}.expect", names, refuse)
    _check_expectations(scenario.expect, "expect", names, refuse)


def _check_expectations(
    expect: Expectations, where: str, names: _Names, refuse: Callable[[str, str], None]
) -> None:
    for i, stage in enumerate(expect.path or []):
        if stage not in names.stages:
            refuse(f"{where}.path[{i}]", f"{stage!r} is not a stage ({_one_of(names.stages)})")
    if expect.stage is not None and expect.stage not in names.stages:
        refuse(f"{where}.stage", f"{expect.stage!r} is not a stage ({_one_of(names.stages)})")
    if expect.end is not None and expect.end not in names.ends:
        refuse(f"{where}.end", f"{expect.end!r} is not an end ({_one_of(names.ends)})")
    for step_id in expect.steps or {}:
        if step_id not in names.steps:
            refuse(f"{where}.steps.{step_id}", f"not a step ({_one_of(names.steps)})")
    for name in expect.variables or {}:
        if name not in names.variables:
            refuse(f"{where}.variables.{name}", f"not a variable ({_one_of(names.variables)})")
    for field_name in ("work_items", "open_items"):
        for i, item in enumerate(getattr(expect, field_name) or []):
            if item.step is not None and item.step not in names.interactive:
                refuse(
                    f"{where}.{field_name}[{i}].step",
                    f"{item.step!r} is not an interactive step ({_one_of(names.interactive)})",
                )
    for i, step_id in enumerate(expect.overdue or []):
        if step_id not in names.interactive:
            refuse(f"{where}.overdue[{i}]", f"{step_id!r} is not an interactive step")
    for i, fault in enumerate(expect.faulted or []):
        if fault.stage not in names.stages:
            refuse(f"{where}.faulted[{i}].stage", f"{fault.stage!r} is not a stage")
        if fault.step is not None and fault.step not in names.steps:
            refuse(f"{where}.faulted[{i}].step", f"{fault.step!r} is not a step")
    for i, escalation in enumerate(expect.escalated or []):
        if escalation.step not in names.interactive:
            refuse(
                f"{where}.escalated[{i}].step", f"{escalation.step!r} is not an interactive step"
            )
