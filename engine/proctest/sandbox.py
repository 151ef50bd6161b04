"""The engine a scenario runs on: the real `Engine`, a virtual clock, an in-memory store.

Nothing leaves the sandbox: emails and notices stay as pending rows of its store (where the
expectations read them), the directory holds only the test's people, and background steps
a scenario stubs run a stand-in action registered under a name unique to this sandbox (a
live engine in the same process keeps the real actions). Every other step runs as live.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.actions import register_action, unregister_action
from engine.definition import (
    BackgroundStep,
    InteractiveStep,
    ManualTrigger,
    Orchestration,
    RecordTrigger,
    StageNode,
)
from engine.proctest.format import ActionStub, ReassignAction, TestScenario, UserSpec
from engine.runtime import Engine, VirtualClock

TEST_ACTOR = "baton-test"
"""Who starts runs, sends events and changes records in a scenario (as logged)."""


class StubFailure(Exception):
    """Raised by a stubbed action for an attempt the scenario says fails."""


class SandboxEngine(Engine):
    """The real engine over an in-memory store and a virtual clock, delivering nothing."""

    delivers = False

    def __init__(self, start: datetime) -> None:
        super().__init__(
            "sqlite://",
            clock=VirtualClock(start),
            outbox=Path(tempfile.gettempdir()) / "baton-test-outbox",
            roles="off",
        )


class _StubAction:
    def __init__(self, stub: ActionStub) -> None:
        self.stub = stub

    def __call__(self, inputs: dict[str, Any], context: Any) -> Mapping[str, Any]:
        stub = self.stub
        if stub.fail is not None and (
            stub.fail_times is None or context.attempt <= stub.fail_times
        ):
            raise StubFailure(stub.fail)
        return dict(stub.outputs)


def member_name(assignee: str) -> str:
    """The stand-in person the sandbox adds to a group or queue (`group:hr` -> `hr-member`)."""
    return assignee.partition(":")[2] + "-member"


def assignees_of(definition: Orchestration, scenario: TestScenario) -> set[str]:
    """Every `user:`/`group:`/`queue:` name the definition and scenario hand work to."""
    found = set()
    for _, step in definition.steps():
        if isinstance(step, InteractiveStep):
            found.update(a for a in (step.assignee, step.escalate_to) if a)
    found.update(a.to for a in scenario.script if isinstance(a, ReassignAction))
    return {a for a in found if a.partition(":")[0] in ("user", "group", "queue")}


def people(
    definition: Orchestration, scenario: TestScenario, declared: Mapping[str, UserSpec]
) -> dict[str, UserSpec]:
    """The test directory: declared people, every named user, one member per group/queue."""
    found: dict[str, UserSpec] = {}
    for assignee in sorted(assignees_of(definition, scenario)):
        kind, _, name = assignee.partition(":")
        if kind == "user":
            found[name] = UserSpec()
        elif kind == "group":
            found[member_name(assignee)] = UserSpec(groups=[name])
        else:
            found[member_name(assignee)] = UserSpec(queues=[name])
    found.update(declared)
    found.update(scenario.users)
    return found


class Sandbox:
    """One scenario's engine, directory and stubs; use it as a context manager.

    Args:
        definition: the orchestration under test, as written.
        scenario: the scenario (its stubs and people).
        declared: people the tests file declares for all its scenarios.
        start: where the virtual clock starts.
    """

    def __init__(
        self,
        definition: Orchestration,
        scenario: TestScenario,
        declared: Mapping[str, UserSpec],
        start: datetime,
    ) -> None:
        self.source = definition
        self.scenario = scenario
        self.people = people(definition, scenario, declared)
        self.start = start
        self._token = uuid.uuid4().hex[:8]
        self._stubs = {
            step_id: f"baton-test.{self._token}.{step_id}" for step_id in scenario.actions
        }
        self.engine: SandboxEngine | None = None

    def __enter__(self) -> SandboxEngine:
        for step_id, name in self._stubs.items():
            register_action(name, _StubAction(self.scenario.actions[step_id]))
        engine = self.engine = SandboxEngine(self.start)
        for name, spec in self.people.items():
            engine.add_user(
                name, groups=spec.groups, queues=spec.queues, role="admin" if spec.admin else None
            )
        engine.activate(self.definition())
        return engine

    def __exit__(self, *exc: object) -> None:
        for name in self._stubs.values():
            unregister_action(name)
        if self.engine is not None:
            self.engine.close()

    def definition(self) -> Orchestration:
        """What the sandbox activates: stubbed actions renamed; a schedule becomes manual (a
        scenario starts its one run itself rather than on the cron)."""
        nodes = []
        for node in self.source.nodes:
            if isinstance(node, StageNode) and any(s.id in self._stubs for s in node.steps):
                steps = [
                    s.model_copy(update={"action": self._stubs[s.id]})
                    if isinstance(s, BackgroundStep) and s.id in self._stubs
                    else s
                    for s in node.steps
                ]
                node = node.model_copy(update={"steps": steps})
            nodes.append(node)
        trigger = self.source.trigger
        if not isinstance(trigger, RecordTrigger):
            trigger = ManualTrigger(type="manual")
        return self.source.model_copy(update={"trigger": trigger, "nodes": nodes})
