"""One Baton stage as an expanded BPMN `subProcess`, with its steps inside.

Inside the sub-process: start -> parallel split -> steps -> parallel join -> end. A step's
`after` list becomes sequence flows from those steps (through a parallel join when it waits
for several, through a parallel fork when several wait for it). Around each step's own task:

* `condition` -> an exclusive gateway that runs the task or skips it to a merge;
* stage `exit_condition` -> after each step, an exclusive gateway whose true branch ends
  the sub-process with a terminate end event (the remaining steps are cancelled);
* `due` -> a non-interrupting timer boundary event on the user task;
* a wait with both an event and a timeout -> an event-based gateway racing the message
  against the timer; each branch records `<step>_timed_out` for later conditions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from engine.definition import BackgroundStep, InteractiveStep, StageNode, WaitStep
from engine.interchange.bpmn_diagram import Drawing
from engine.interchange.bpmn_dialect import SPIFF, Dialect
from engine.interchange.bpmn_extension import add_extension
from engine.interchange.bpmn_names import (
    EVENT_SIZE,
    GATEWAY_SIZE,
    TASK_SIZE,
    XSI_NS,
    bpmn,
    data_name,
    message_id,
    node_id,
    q,
    step_id,
)

ROW_HEIGHT = 180.0
GAP = 30.0
MARGIN = 30.0

AnyStep = InteractiveStep | BackgroundStep | WaitStep


def formal_expression(parent: Element, tag: str, text: str) -> Element:
    """A `tFormalExpression` child (condition, timer duration, assignee expression)."""
    child = SubElement(parent, bpmn(tag), {q(XSI_NS, "type"): "bpmn:tFormalExpression"})
    child.text = text
    return child


@dataclass
class Scope:
    """A BPMN container (process or sub-process) that elements and flows are added to."""

    element: Element
    prefix: str
    drawing: Drawing = field(default_factory=Drawing)
    dialect: Dialect = SPIFF
    _flows: int = 0

    def add(self, tag: str, element_id: str, name: str = "", **attrs: str) -> Element:
        """Add a flow node (or any child) with an id and optional name."""
        attributes = {"id": element_id, **attrs}
        if name:
            attributes["name"] = name
        return SubElement(self.element, bpmn(tag), attributes)

    def connect(
        self, source: str, target: str, *, condition: str | None = None, flow_id: str = ""
    ) -> Element:
        """Add a sequence flow; `condition` is already in the dialect's language."""
        if not flow_id:
            self._flows += 1
            flow_id = f"{self.prefix}-flow{self._flows}"
        flow = SubElement(
            self.element,
            bpmn("sequenceFlow"),
            {"id": flow_id, "sourceRef": source, "targetRef": target},
        )
        if condition is not None:
            expression = formal_expression(flow, "conditionExpression", condition)
            if self.dialect.language:
                expression.set("language", self.dialect.language)
        self.drawing.edges.append((flow_id, source, target))
        return flow


@dataclass
class _Unit:
    """The BPMN elements of one step, as a chain from `entry` to `exit`."""

    entry: str
    exit: str
    chain: list[tuple[str, tuple[float, float]]]
    extras: list[tuple[str, tuple[float, float], str, float, float]] = field(default_factory=list)

    @property
    def width(self) -> float:
        return sum(size[0] + GAP for _, size in self.chain)


def build_stage(
    process: Element, stage: StageNode, step_ids: set[str], dialect: Dialect = SPIFF
) -> tuple[Element, Drawing]:
    """Write the stage as a sub-process of `process`; return it and its drawing at (0, 0)."""
    sub_id = node_id("stage", stage.id)
    sub = SubElement(process, bpmn("subProcess"), {"id": sub_id})
    if stage.name:
        sub.set("name", stage.name)
    data = stage.model_dump(mode="json", exclude_defaults=True, exclude={"steps"})
    add_extension(sub, "stage", data | {"type": "stage"})
    scope = Scope(sub, sub_id, dialect=dialect)
    _add_lanes(sub, stage)

    start, end = f"{sub_id}-start", f"{sub_id}-end"
    scope.add("startEvent", start)
    if not stage.steps:
        scope.add("endEvent", end)
        scope.connect(start, end)
        scope.drawing.place(start, MARGIN, MARGIN, EVENT_SIZE)
        scope.drawing.place(end, MARGIN + 120, MARGIN, EVENT_SIZE)
        return sub, _finish(scope, sub_id, 220.0, EVENT_SIZE[1] + 2 * MARGIN)

    split, join = f"{sub_id}-split", f"{sub_id}-join"
    scope.add("parallelGateway", split)
    units = {step.id: _build_unit(scope, stage, step, step_ids) for step in stage.steps}
    scope.add("parallelGateway", join)
    scope.add("endEvent", end)
    _wire_steps(scope, stage, units, split, join)
    scope.connect(start, split)
    scope.connect(join, end)
    width, height = _layout(scope.drawing, stage, units, start, split, join, end)
    return sub, _finish(scope, sub_id, width, height)


def _finish(scope: Scope, sub_id: str, width: float, height: float) -> Drawing:
    drawing = Drawing()
    drawing.place(sub_id, 0, 0, (width, height))
    drawing.expanded.add(sub_id)
    drawing.merge(scope.drawing, 0, 0)
    return drawing


def _add_lanes(sub: Element, stage: StageNode) -> None:
    """One lane per assignee of the stage's interactive steps (who does what, at a glance)."""
    by_assignee: dict[str, list[str]] = {}
    for step in stage.steps:
        if isinstance(step, InteractiveStep) and step.assignee:
            by_assignee.setdefault(step.assignee, []).append(step_id(step.id))
    if not by_assignee:
        return
    lanes = SubElement(sub, bpmn("laneSet"), {"id": f"{node_id('stage', stage.id)}-lanes"})
    for index, (assignee, refs) in enumerate(by_assignee.items(), start=1):
        lane = SubElement(
            lanes,
            bpmn("lane"),
            {"id": f"{node_id('stage', stage.id)}-lane{index}", "name": assignee},
        )
        for ref in refs:
            SubElement(lane, bpmn("flowNodeRef")).text = ref


def _build_unit(scope: Scope, stage: StageNode, step: AnyStep, step_ids: set[str]) -> _Unit:
    chain: list[tuple[str, tuple[float, float]]] = []
    extras: list[tuple[str, tuple[float, float], str, float, float]] = []
    core_entry, core_exit = _build_core(scope, step, chain, extras)
    entry, exit_ = core_entry, core_exit
    if step.condition:
        test, merge = step_id(step.id, "if"), step_id(step.id, "endif")
        gateway = scope.add("exclusiveGateway", test, f"{step.name or step.id}?")
        scope.add("exclusiveGateway", merge)
        condition = scope.dialect.condition(step.condition, step_ids, step.id)
        scope.connect(test, core_entry, condition=condition)
        skip = scope.connect(test, merge)
        gateway.set("default", skip.get("id", ""))
        scope.connect(core_exit, merge)
        chain.insert(0, (test, GATEWAY_SIZE))
        chain.append((merge, GATEWAY_SIZE))
        entry, exit_ = test, merge
    if stage.exit_condition:
        check, stop = step_id(step.id, "exit"), step_id(step.id, "stop")
        gateway = scope.add("exclusiveGateway", check, "Stage done?")
        end = scope.add("endEvent", stop, "Exit condition met")
        SubElement(end, bpmn("terminateEventDefinition"), {"id": f"{stop}-terminate"})
        scope.connect(exit_, check)
        condition = scope.dialect.condition(stage.exit_condition, step_ids, stage.id)
        scope.connect(check, stop, condition=condition)
        chain.append((check, GATEWAY_SIZE))
        extras.append((stop, EVENT_SIZE, check, 7, -90))
        exit_ = check
        # The default (continue) flow is drawn by _wire_steps; remember to mark it.
        gateway.set("default", "")
    return _Unit(entry, exit_, chain, extras)


def _build_core(
    scope: Scope,
    step: AnyStep,
    chain: list[tuple[str, tuple[float, float]]],
    extras: list[tuple[str, tuple[float, float], str, float, float]],
) -> tuple[str, str]:
    data = step.model_dump(mode="json", exclude_defaults=True) | {"type": step.type}
    own = step_id(step.id)
    name = step.name or step.id
    if isinstance(step, InteractiveStep):
        task = scope.add("userTask", own, name)
        if step.guidance:
            SubElement(task, bpmn("documentation")).text = step.guidance
        add_extension(task, "step", data)
        if step.assignee:
            owner = SubElement(task, bpmn("potentialOwner"), {"id": f"{own}-owner"})
            expression = SubElement(owner, bpmn("resourceAssignmentExpression"))
            formal_expression(expression, "formalExpression", step.assignee)
        chain.append((own, TASK_SIZE))
        if step.due:
            _add_due_timer(scope, step, own, extras)
        return own, own
    if isinstance(step, BackgroundStep):
        task = scope.add("serviceTask", own, name)
        add_extension(task, "step", data)
        chain.append((own, TASK_SIZE))
        return own, own
    return _build_wait(scope, step, data, chain, extras)


def _add_due_timer(
    scope: Scope,
    step: InteractiveStep,
    own: str,
    extras: list[tuple[str, tuple[float, float], str, float, float]],
) -> None:
    boundary, overdue = step_id(step.id, "due"), step_id(step.id, "overdue")
    event = scope.add(
        "boundaryEvent",
        boundary,
        f"Due after {step.due}",
        attachedToRef=own,
        cancelActivity="false",
    )
    timer = SubElement(event, bpmn("timerEventDefinition"), {"id": f"{boundary}-timer"})
    formal_expression(timer, "timeDuration", step.due or "")
    label = f"Overdue: escalate to {step.escalate_to}" if step.escalate_to else "Overdue"
    scope.add("endEvent", overdue, label)
    scope.connect(boundary, overdue)
    inset = (TASK_SIZE[0] - EVENT_SIZE[0]) / 2
    extras.append((boundary, EVENT_SIZE, own, inset, TASK_SIZE[1] / 2))
    extras.append((overdue, EVENT_SIZE, own, inset, 100))


def _build_wait(
    scope: Scope,
    step: WaitStep,
    data: dict[str, Any],
    chain: list[tuple[str, tuple[float, float]]],
    extras: list[tuple[str, tuple[float, float], str, float, float]],
) -> tuple[str, str]:
    own = step_id(step.id)
    name = step.name or step.id
    if step.event and step.timeout:
        gateway = scope.add("eventBasedGateway", own, name)
        add_extension(gateway, "step", data)
        arrived, timer = step_id(step.id, "message"), step_id(step.id, "timer")
        _catch(scope, arrived, step.event, None, f"{step.event} arrived")
        _catch(scope, timer, None, step.timeout, f"{step.timeout} passed")
        flag = data_name(step.id, "timed_out")
        on_time, late = step_id(step.id, "arrived"), step_id(step.id, "timedout")
        for task_id, value in ((on_time, "False"), (late, "True")):
            script = scope.add("scriptTask", task_id, f"{flag} = {value}", scriptFormat="python")
            SubElement(script, bpmn("script")).text = f"{flag} = {value}"
        merge = step_id(step.id, "done")
        scope.add("exclusiveGateway", merge)
        scope.connect(own, arrived)
        scope.connect(own, timer)
        scope.connect(arrived, on_time)
        scope.connect(timer, late)
        scope.connect(on_time, merge)
        scope.connect(late, merge)
        chain.append((own, GATEWAY_SIZE))
        race = f"{own}-race"
        chain.append((race, (TASK_SIZE[0] + EVENT_SIZE[0] + GAP, ROW_HEIGHT - 40)))
        script_left = EVENT_SIZE[0] + GAP
        extras.extend(
            [
                (arrived, EVENT_SIZE, race, 0, -45),
                (timer, EVENT_SIZE, race, 0, 45),
                (on_time, (TASK_SIZE[0], 60.0), race, script_left, -45),
                (late, (TASK_SIZE[0], 60.0), race, script_left, 45),
            ]
        )
        chain.append((merge, GATEWAY_SIZE))
        return own, merge
    event = _catch(scope, own, step.event, step.timeout, name)
    add_extension(event, "step", data)
    chain.append((own, EVENT_SIZE))
    return own, own


def _catch(
    scope: Scope, element_id: str, event: str | None, timeout: str | None, name: str
) -> Element:
    if event is None and timeout is None:
        # A wait with neither is invalid in Baton; a none event keeps the model runnable.
        return scope.add("intermediateThrowEvent", element_id, name)
    catch = scope.add("intermediateCatchEvent", element_id, name)
    if event is not None:
        SubElement(
            catch,
            bpmn("messageEventDefinition"),
            {"id": f"{element_id}-def", "messageRef": message_id(event)},
        )
    else:
        timer = SubElement(catch, bpmn("timerEventDefinition"), {"id": f"{element_id}-def"})
        formal_expression(timer, "timeDuration", timeout or "")
    return catch


def _wire_steps(
    scope: Scope, stage: StageNode, units: dict[str, _Unit], split: str, join: str
) -> None:
    """Sequence flows for `after`: split -> roots, predecessors -> step, sinks -> join."""
    ids = set(units)
    waits_for = {s.id: [a for a in s.after if a in ids and a != s.id] for s in stage.steps}
    followers: dict[str, list[str]] = {s.id: [] for s in stage.steps}
    for sid, preds in waits_for.items():
        for pred in preds:
            followers[pred].append(sid)
    exits: dict[str, str] = {}
    for step in stage.steps:
        unit = units[step.id]
        targets = len(followers[step.id]) or 1
        exits[step.id] = unit.exit
        if targets > 1:
            fork = step_id(step.id, "fork")
            scope.add("parallelGateway", fork)
            _continue(scope, unit, fork)
            exits[step.id] = fork
            unit.chain.append((fork, GATEWAY_SIZE))
    for step in stage.steps:
        unit = units[step.id]
        preds = waits_for[step.id]
        if not preds:
            scope.connect(split, unit.entry)
        elif len(preds) == 1:
            _continue_from(scope, units[preds[0]], exits[preds[0]], unit.entry)
        else:
            gate = step_id(step.id, "in")
            scope.add("parallelGateway", gate)
            for pred in preds:
                _continue_from(scope, units[pred], exits[pred], gate)
            scope.connect(gate, unit.entry)
            unit.chain.insert(0, (gate, GATEWAY_SIZE))
        if not followers[step.id]:
            _continue_from(scope, unit, exits[step.id], join)


def _continue_from(scope: Scope, unit: _Unit, source: str, target: str) -> None:
    if source == unit.exit:
        _continue(scope, unit, target)
    else:
        scope.connect(source, target)


def _continue(scope: Scope, unit: _Unit, target: str) -> None:
    """Leave a unit's exit; an exit-condition gateway's leaving flow is its default."""
    flow = scope.connect(unit.exit, target)
    gateway = scope.element.find(f"{bpmn('exclusiveGateway')}[@id='{unit.exit}']")
    if gateway is not None and gateway.get("default") == "":
        gateway.set("default", flow.get("id", ""))


def _layout(
    drawing: Drawing,
    stage: StageNode,
    units: dict[str, _Unit],
    start: str,
    split: str,
    join: str,
    end: str,
) -> tuple[float, float]:
    """Columns by `after` depth, rows in document order; returns the sub-process size."""
    depth: dict[str, int] = {}

    def column(sid: str, seen: frozenset[str] = frozenset()) -> int:
        if sid not in depth:
            step = next(s for s in stage.steps if s.id == sid)
            preds = [a for a in step.after if a in units and a not in seen and a != sid]
            depth[sid] = 1 + max((column(p, seen | {sid}) for p in preds), default=-1)
        return depth[sid]

    columns: dict[int, list[str]] = {}
    for step in stage.steps:
        columns.setdefault(column(step.id), []).append(step.id)
    rows = max(len(ids) for ids in columns.values())
    height = rows * ROW_HEIGHT + 2 * MARGIN
    middle = height / 2
    drawing.place_centred(start, MARGIN, middle, EVENT_SIZE)
    drawing.place_centred(split, MARGIN + EVENT_SIZE[0] + GAP, middle, GATEWAY_SIZE)
    left = MARGIN + EVENT_SIZE[0] + GATEWAY_SIZE[0] + 2 * GAP
    for index in sorted(columns):
        ids = columns[index]
        for row, sid in enumerate(ids):
            centre = MARGIN + ROW_HEIGHT * (row + 0.5) + (rows - len(ids)) * ROW_HEIGHT / 2
            _place_unit(drawing, units[sid], left, centre)
        left += max(units[sid].width for sid in ids) + GAP
    drawing.place_centred(join, left, middle, GATEWAY_SIZE)
    drawing.place_centred(end, left + GATEWAY_SIZE[0] + GAP, middle, EVENT_SIZE)
    return left + GATEWAY_SIZE[0] + EVENT_SIZE[0] + GAP + MARGIN, height


def _place_unit(drawing: Drawing, unit: _Unit, left: float, centre: float) -> None:
    lefts: dict[str, float] = {}
    for element_id, size in unit.chain:
        lefts[element_id] = left
        if not element_id.endswith("-race"):  # a slot reserved for the race's events
            drawing.place_centred(element_id, left, centre, size)
        left += size[0] + GAP
    for element_id, size, anchor, dx, dy in unit.extras:
        drawing.place_centred(element_id, lefts[anchor] + dx, centre + dy, size)
