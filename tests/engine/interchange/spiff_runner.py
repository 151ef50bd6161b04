"""Runs exported BPMN on SpiffWorkflow 3.2, the way a Baton run would go.

User tasks are completed in code with the outputs a Baton run would get (`answers`), wait
steps either receive their message or time out (`arrivals`), and every stage entered and
step completed is recorded in order, in Baton ids, so tests compare paths directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

_DURATION = re.compile(r"^P[0-9WDTHMS.]+$")

Answer = Mapping[str, Any] | Callable[[int], Mapping[str, Any]]
"""A step's outputs, or a function of the visit number (1, 2, ...) giving them."""


class _IsoDurationEngine(PythonScriptEngine):
    """Reads a bare ISO 8601 duration (`P2D`, as BPMN timers are written) as itself."""

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        if isinstance(expression, str) and _DURATION.match(expression.strip()):
            return expression.strip()
        return super().evaluate(task, expression, external_context)


@dataclass
class SpiffRun:
    """The outcome of running one exported orchestration on SpiffWorkflow."""

    path: list[str] = field(default_factory=list)
    """Baton ids in order: `stage:ID` entered, `step:ID` completed, `end:ID` reached."""
    completed: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    def stages(self) -> list[str]:
        """The stages entered, in order."""
        return [p.split(":", 1)[1] for p in self.path if p.startswith("stage:")]

    def end(self) -> str | None:
        """The end node the run reached, if any."""
        ends = [p.split(":", 1)[1] for p in self.path if p.startswith("end:")]
        return ends[-1] if ends else None

    def steps_by_stage(self) -> list[tuple[str, list[str]]]:
        """Each stage visit with the steps completed during it, in order."""
        visits: list[tuple[str, list[str]]] = []
        for item in self.path:
            kind, _, ident = item.partition(":")
            if kind == "stage":
                visits.append((ident, []))
            elif kind == "step" and visits:
                visits[-1][1].append(ident)
        return visits

    def steps(self) -> list[str]:
        """The steps completed, in order."""
        return [p.split(":", 1)[1] for p in self.path if p.startswith("step:")]


def run_bpmn(
    xml: str,
    process_id: str,
    *,
    inputs: Mapping[str, Any] | None = None,
    answers: Mapping[str, Answer] | None = None,
    arrivals: Mapping[str, bool | list[bool]] | None = None,
    max_rounds: int = 500,
) -> SpiffRun:
    """Execute the process to its end, or stop when nothing more can happen.

    Args:
        xml: the exported BPMN.
        process_id: the `process` to run.
        inputs: the run's input variables.
        answers: outputs per interactive step id (the work item's completion).
        arrivals: per wait step id, whether its message arrives (True) or it times out
            (False); a list gives the outcome per visit, its last value repeating.
            Waits not named here time out.
        max_rounds: a guard against a process that loops forever.
    """
    parser = BpmnParser()
    parser.add_bpmn_str(xml.encode("utf-8"))
    spec = parser.get_spec(process_id)
    workflow = BpmnWorkflow(
        spec, parser.get_subprocess_specs(process_id), script_engine=_IsoDurationEngine()
    )
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(dict(inputs or {}))
    answers = dict(answers or {})
    arrivals = dict(arrivals or {})
    run = SpiffRun()
    visits: dict[str, int] = {}

    def entering(task: Any) -> None:
        # A sub-process is entered when its start event runs.
        name = task.task_spec.bpmn_id or ""
        if name.startswith("Stage_") and name.endswith("-start"):
            run.path.append("stage:" + name.removeprefix("Stage_").removesuffix("-start"))

    def done(task: Any) -> None:
        name = task.task_spec.bpmn_id or ""
        kind = type(task.task_spec).__name__
        if name.startswith("EndEvent_"):
            run.path.append("end:" + name.removeprefix("EndEvent_"))
            return
        if not name.startswith("Step_") or kind == "EventBasedGateway":
            return
        if task.state != TaskState.COMPLETED:
            return  # a service task is only started; the worker below completes it
        base, _, suffix = name.removeprefix("Step_").partition("-")
        if suffix in ("", "message", "timer"):
            run.path.append("step:" + base)

    for _ in range(max_rounds):
        workflow.do_engine_steps(will_complete_task=entering, did_complete_task=done)
        if workflow.completed:
            break
        ready = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]
        if ready:
            task = ready[0]
            step = task.task_spec.bpmn_id.removeprefix("Step_")
            visits[step] = visits.get(step, 0) + 1
            answer = answers.get(step, {})
            outputs = answer(visits[step]) if callable(answer) else answer
            task.data.update({f"{step}_{key}": value for key, value in outputs.items()})
            task.run()
            done(task)
            continue
        started = [
            t
            for t in workflow.get_tasks(state=TaskState.STARTED)
            if type(t.task_spec).__name__ == "ServiceTask"
        ]
        if started:
            # Acting as the external worker that runs the action of a service task.
            started[0].complete()
            done(started[0])
            continue
        if not _deliver_one(workflow, arrivals, visits):
            break
    run.completed = workflow.completed
    run.data = dict(workflow.last_task.data) if workflow.last_task else {}
    return run


def _definitions(task: Any) -> list[Any]:
    definition = getattr(task.task_spec, "event_definition", None)
    if definition is None:
        return []
    return list(getattr(definition, "event_definitions", None) or [definition])


def _arrives(arrivals: Mapping[str, bool | list[bool]], step: str, visit: int) -> bool:
    outcome = arrivals.get(step, False)
    if isinstance(outcome, list):
        return outcome[min(visit, len(outcome)) - 1] if outcome else False
    return outcome


def _deliver_one(
    workflow: BpmnWorkflow, arrivals: Mapping[str, bool | list[bool]], visits: dict[str, int]
) -> bool:
    """Deliver the message or fire the timer one waiting step needs; False if none."""
    waiting = [
        t
        for t in workflow.get_tasks(state=TaskState.WAITING)
        if (t.task_spec.bpmn_id or "").startswith("Step_")
    ]
    waiting = [t for t in waiting if not t.task_spec.bpmn_id.endswith("-due")]
    if not waiting:
        return False  # a due date passing does not move the run; only escalation notes it
    task = waiting[0]
    step = task.task_spec.bpmn_id.removeprefix("Step_").partition("-")[0]
    visits[step] = visits.get(step, 0) + 1
    messages = [d for d in _definitions(task) if isinstance(d, MessageEventDefinition)]
    timers = [d for d in _definitions(task) if isinstance(d, TimerEventDefinition)]
    if messages and (_arrives(arrivals, step, visits[step]) or not timers):
        workflow.send_event(BpmnEvent(MessageEventDefinition(messages[0].name), {}))
        return True
    if timers:
        # The virtual clock jumps past the timer: its due moment is now in the past.
        past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        task._set_internal_data(event_value=past)
        workflow.refresh_timers()
        return True
    return False
