"""Running scenarios: each in its own sandbox, the script played as users would, then checked.

A scenario starts its run (a manual start with its inputs, or the creation of its record,
which starts the run through the definition's record trigger and entry condition), then
plays the script in order. Each entry is one engine call, exactly what the CLI or the
designer would make: completing a work item as a person, delivering an event, moving the
virtual clock (due dates, escalations, timeouts and retries fire at their own moments),
changing the record, reassigning an item, or checking expectations at that point. An entry
the engine refuses (nobody may complete that item, no item is open, outputs are wrong) fails
the scenario there; the final expectations are checked when the script has been played.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.definition import Orchestration, RecordTrigger, load_definition
from engine.definition.durations import parse_duration
from engine.errors import BatonError
from engine.proctest.checks import UNKNOWN_ACTION, check_tests
from engine.proctest.coverage import Coverage, reached_by
from engine.proctest.expectations import Observed, compare, observe
from engine.proctest.files import TestFileError, definition_path_for, load_tests
from engine.proctest.format import (
    AdvanceAction,
    CompleteAction,
    EventAction,
    ExpectAction,
    ReassignAction,
    TestFile,
    TestScenario,
    UpdateRecordAction,
)
from engine.proctest.sandbox import TEST_ACTOR, Sandbox, SandboxEngine, member_name
from engine.validation import has_errors, validate


@dataclass
class ScenarioResult:
    """How one scenario went: passed, or the lines saying what differed."""

    name: str
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    reached: set[str] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        """No expectation differed and the script played to its end."""
        return not self.failures


@dataclass
class FileResult:
    """The scenarios of one tests file and the coverage of its definition."""

    path: Path
    definition: Orchestration
    results: list[ScenarioResult]
    coverage: Coverage

    @property
    def failed(self) -> list[ScenarioResult]:
        """The scenarios that did not pass."""
        return [r for r in self.results if not r.passed]


class ScriptRefused(Exception):
    """A script entry could not be played (the scenario fails there)."""


def load_pair(
    tests_path: Path, definition: Orchestration | None = None
) -> tuple[TestFile, Orchestration]:
    """A tests file and the definition beside it (or `definition`, e.g. as drawn in the
    designer and not saved yet), checked against each other.

    Raises:
        TestFileError: either cannot be read, the definition has validation errors, or the
            tests name things the definition does not have.
        DefinitionLoadError: the definition cannot be read.
    """
    tests = load_tests(tests_path)
    definition_file = definition_path_for(tests_path)
    if definition is None:
        if not definition_file.exists():
            raise TestFileError(
                f"no definition beside it (looked for {definition_file.name})",
                file=str(tests_path),
            )
        definition = load_definition(definition_file)
    # An action not installed here is fine when every scenario stubs it (checked per
    # scenario by check_tests).
    errors = [d for d in validate(definition) if d.severity == "error" and d.code != UNKNOWN_ACTION]
    if has_errors(errors):
        raise TestFileError(
            f"the definition has {len(errors)} validation error(s), so it cannot run; "
            f"first: {errors[0].format_line(str(definition_file))}",
            file=str(tests_path),
            hint="run `baton validate` and fix them",
        )
    check_tests(tests, definition, str(tests_path))
    return tests, definition


def run_file(
    tests_path: Path, select: str | None = None, definition: Orchestration | None = None
) -> FileResult:
    """Run every scenario of a tests file (those whose name contains `select`, if given)
    against the definition beside it, or against `definition` when given."""
    tests, definition = load_pair(tests_path, definition)
    coverage = Coverage.of(definition)
    results = []
    for scenario in tests.scenarios:
        if select is not None and select.lower() not in scenario.name.lower():
            continue
        result = run_scenario(definition, tests, scenario)
        coverage.add(result.reached)
        results.append(result)
    return FileResult(tests_path, definition, results, coverage)


def run_scenario(
    definition: Orchestration, tests: TestFile, scenario: TestScenario
) -> ScenarioResult:
    """Play one scenario in a fresh sandbox and compare what happened with what it expects."""
    began = time.perf_counter()
    result = ScenarioResult(scenario.name)
    with Sandbox(definition, scenario, tests.users, tests.start_of(scenario)) as engine:
        player = _Player(engine, definition, scenario)
        result.failures = player.play()
        for run_id in player.run_ids:
            result.reached |= reached_by(definition, engine.log(run_id))
    result.seconds = time.perf_counter() - began
    return result


def describe(action: Any) -> str:
    """A script entry in a few words, for failure lines."""
    if isinstance(action, CompleteAction):
        who = f" as {action.as_}" if action.as_ else ""
        return f"complete {action.complete}{who}" + (" (refused)" if action.refused else "")
    if isinstance(action, EventAction):
        return f"event {action.event}" + (f" key {action.key!r}" if action.key is not None else "")
    if isinstance(action, AdvanceAction):
        return f"advance {action.advance}"
    if isinstance(action, UpdateRecordAction):
        return "update_record"
    if isinstance(action, ReassignAction):
        return f"reassign {action.reassign} to {action.to}"
    return "expect"


class _Player:
    """Plays a scenario's start and script against one sandbox engine."""

    def __init__(self, engine: SandboxEngine, definition: Orchestration, scenario: TestScenario):
        self.engine = engine
        self.definition = definition
        self.scenario = scenario
        self.run_ids: list[str] = []
        self.record: tuple[str, str] | None = None

    def play(self) -> list[str]:
        try:
            self._begin()
        except BatonError as exc:
            return [f"start: {exc}"]
        for i, action in enumerate(self.scenario.script):
            if isinstance(action, ExpectAction):
                problems = compare(action.expect, self._observe(), f"script[{i}].expect")
                if problems:
                    return problems
                continue
            try:
                self._do(action)
            except (BatonError, ScriptRefused) as exc:
                return [f"script[{i}] ({describe(action)}): {exc}"]
        return compare(self.scenario.expect, self._observe(), "expect")

    def _observe(self) -> Observed:
        self._collect_runs()
        return observe(self.engine, self.run_ids)

    def _collect_runs(self) -> None:
        if self.record is None:
            return
        found = self.engine.runs_of_record(*self.record)
        self.run_ids = [r["id"] for r in found if r["orchestration"] == self.definition.id]

    def _begin(self) -> None:
        scenario = self.scenario
        trigger = self.definition.trigger
        if scenario.record is not None and isinstance(trigger, RecordTrigger):
            record_id = self.engine.create_record(trigger.object, scenario.record, TEST_ACTOR)
            self.record = (trigger.object, record_id)
            self._collect_runs()
        else:
            self.run_ids = [self.engine.start(self.definition.id, scenario.inputs, TEST_ACTOR)]

    def _run_id(self) -> str:
        self._collect_runs()
        if not self.run_ids:
            raise ScriptRefused("no run started (the record did not meet the trigger's condition)")
        return self.run_ids[0]

    def _do(self, action: Any) -> None:
        engine = self.engine
        if isinstance(action, CompleteAction):
            item = self._open_item(action.complete)
            actor = action.as_ or self._assignee_person(item["assignee"])
            if not action.refused:
                engine.complete_item(item["id"], actor, action.outputs)
                return
            try:
                engine.complete_item(item["id"], actor, action.outputs)
            except BatonError:
                return
            raise ScriptRefused(f"{actor} completed it, but the scenario expects a refusal")
        elif isinstance(action, EventAction):
            reached = engine.send_event(action.event, action.key, action.data, TEST_ACTOR)
            if self._run_id() not in reached:
                raise ScriptRefused("the run was not waiting for it" + self._waiting_for())
        elif isinstance(action, AdvanceAction):
            engine.advance(engine.clock.now() + parse_duration(action.advance))
        elif isinstance(action, UpdateRecordAction):
            if self.record is None:
                raise ScriptRefused("the scenario created no record")
            engine.update_record(*self.record, action.update_record, TEST_ACTOR)
        elif isinstance(action, ReassignAction):
            item = self._open_item(action.reassign)
            engine.reassign(item["id"], action.to, "process test", TEST_ACTOR)

    def _waiting_for(self) -> str:
        waits = self.engine.waits(self._run_id())
        if not waits:
            return " (it waits for no event now)"
        return " (it waits for: " + ", ".join(f"{w['event']} key {w['key']!r}" for w in waits) + ")"

    def _open_item(self, step_id: str) -> dict[str, Any]:
        detail = self.engine.run(self._run_id())
        items = [i for i in detail["open_items"] if i["step"] == step_id]
        if not items:
            open_steps = [i["step"] for i in detail["open_items"]]
            now = ", ".join(open_steps) if open_steps else "none"
            raise ScriptRefused(
                f"no open work item for step {step_id!r} (open now: {now}; run "
                f"{detail['status']} in stage {detail['stage']})"
            )
        return items[0]

    def _assignee_person(self, assignee: str) -> str:
        kind, _, name = assignee.partition(":")
        return name if kind == "user" else member_name(assignee)
