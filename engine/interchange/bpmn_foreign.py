"""Import BPMN written by other tools (Camunda 7 and 8, bpmn.io, Signavio, SpiffWorkflow).

Best effort, never all or nothing: the process is read as a flat graph
(`bpmn_foreign_graph`), its shape decided (`bpmn_foreign_shape`), each activity mapped to a
step (`bpmn_foreign_steps`), and conditions translated (`bpmn_foreign_conditions`). Every
element is named in the report with what it became, or why it was not imported and what to
do. Conditions that cannot be translated are kept verbatim as the flow's condition, where
validation reports them as errors to fix.
"""

from __future__ import annotations

import ast
import re
from typing import Any
from xml.etree.ElementTree import Element

from engine.definition import from_dict
from engine.errors import DefinitionLoadError, InterchangeError
from engine.expressions import CONSTANTS
from engine.interchange.bpmn_foreign_conditions import translate_condition
from engine.interchange.bpmn_foreign_graph import ACTIVITY_TAGS, Edge, diagram_positions, read_graph
from engine.interchange.bpmn_foreign_shape import Shape, Unit, describe, read_shape
from engine.interchange.bpmn_foreign_steps import ZEEBE_NS, StepContext, build_step
from engine.interchange.bpmn_names import bpmn, q
from engine.interchange.loops import guard_loops
from engine.interchange.report import ImportResult, Report
from engine.interchange.safe_xml import local_name

_RESERVED = {"record", "run", "now", "True", "False", "None", *CONSTANTS}


def import_foreign(root: Element, source: str) -> ImportResult:
    """Map a foreign BPMN `definitions` element to an orchestration, with a full report.

    Raises:
        InterchangeError: the file holds no process with flow elements.
    """
    report = Report(source)
    process = _main_process(root, report, source)
    builder = _Builder(root, process, report)
    raw = builder.build()
    try:
        definition = from_dict(raw, source=source)
    except DefinitionLoadError as exc:
        raise InterchangeError(
            exc.message, file=source, element=exc.element, hint=exc.hint
        ) from None
    return ImportResult(definition, report)


def _main_process(root: Element, report: Report, source: str) -> Element:
    processes = root.findall(bpmn("process"))
    sized = [(len([c for c in p.iter() if c.get("id")]), p) for p in processes]
    sized = [(n, p) for n, p in sized if n > 1]
    if not sized:
        raise InterchangeError(
            "the file has no process with elements to import",
            file=source,
            hint="a BPMN file needs a <process> with at least a start event",
        )
    executable = [(n, p) for n, p in sized if p.get("isExecutable") == "true"]
    _, chosen = max(executable or sized, key=lambda pair: pair[0])
    for _, other in sized:
        if other is not chosen:
            report.add(
                f"process {other.get('id')}",
                "another pool's process; Baton imports one process per file "
                f"({chosen.get('id')}); import the other from its own file",
            )
    for flow in root.iter(bpmn("messageFlow")):
        report.add(
            f"messageFlow {flow.get('id')}",
            "messages between pools are not mapped; a wait step in Baton receives events",
        )
    return chosen


class _Builder:
    def __init__(self, root: Element, process: Element, report: Report) -> None:
        self.root = root
        self.process = process
        self.report = report
        self.graph = read_graph(process, diagram_positions(root))
        self.messages = {
            m.get("id", ""): (m.get("name") or m.get("id", ""), _correlation_key(m))
            for m in root.iter(bpmn("message"))
        }
        self.signals = {
            s.get("id", ""): s.get("name") or s.get("id", "") for s in root.iter(bpmn("signal"))
        }
        self.taken: set[str] = set()
        self.ids: dict[str, str] = {}
        self.steps: dict[str, dict[str, Any]] = {}
        self.notes: dict[str, list[str]] = {}
        self.variables: dict[str, str] = {}
        self.outputs: dict[str, str] = {}
        self.nodes: list[dict[str, Any]] = []
        self.flows: list[dict[str, Any]] = []
        self.layout: dict[str, dict[str, float]] = {}
        self.boundaries: list[tuple[Element, str]] = []

    # --- the whole -------------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        inner = self._inner_events()
        for node in self.graph.nodes.values():
            if node.tag in ACTIVITY_TAGS:
                ctx = StepContext(self.messages, self.signals)
                step = build_step(node, self.id_for(node.id), ctx)
                self.notes[node.id] = ctx.notes
                self.boundaries += ctx.boundaries
                if step is not None:
                    self.steps[node.id] = step
                    self.outputs |= ctx.outputs
                    for name, kind in ctx.variables.items():
                        self.variables.setdefault(name, kind)
        shape = read_shape(self.graph, inner, set(self.steps))
        if shape.start is None:
            raise InterchangeError(
                "the process has no start event",
                element=self.process.get("id"),
                hint="add a start event in the modeller",
            )
        for unit in shape.units.values():
            self._add_unit(unit, shape)
        self._prune(shape)
        guard_loops(self.nodes, self.flows, self.report)
        self._report(shape)
        return {
            "schema": "baton/1",
            "id": self.safe(self.process.get("id", "process"), set()),
            "name": self.process.get("name") or self.root.get("name") or "",
            "description": _documentation(self.process),
            "trigger": {"type": "manual"},
            "variables": self._variables(),
            "nodes": self.nodes,
            "flows": self.flows,
            "layout": self.layout,
        }

    def _inner_events(self) -> set[str]:
        inner: set[str] = set()
        for container in self.graph.flattened:
            for element in container:
                if local_name(element.tag) in ("startEvent", "endEvent"):
                    ends_nowhere = not self.graph.outgoing(element.get("id", ""))
                    if local_name(element.tag) == "endEvent" and ends_nowhere:
                        continue  # a sub-process with no way out: its end ends the run
                    inner.add(element.get("id", ""))
        return inner

    # --- ids -------------------------------------------------------------------------------

    def safe(self, raw: str, taken: set[str]) -> str:
        """An identifier made from a BPMN id, unique among `taken` (which it joins)."""
        name = re.sub(r"\W", "_", raw) or "element"
        if name[0].isdigit():
            name = f"_{name}"
        if name in _RESERVED or name.startswith("__"):
            name = f"{name}_"
        while name in taken:
            name += "_"
        taken.add(name)
        return name

    def unit_id(self, unit: Unit) -> str:
        """The Baton id of what a unit becomes (a stage of one step is `<step>_stage`)."""
        if unit.kind == "race" or (unit.kind == "stage" and unit.source.id in self.steps):
            return self.id_for(unit.source.id, "_stage")
        return self.id_for(unit.source.id)

    def id_for(self, bpmn_id: str, suffix: str = "") -> str:
        key = bpmn_id + suffix
        if key not in self.ids:
            self.ids[key] = self.safe(bpmn_id + suffix, self.taken)
        return self.ids[key]

    # --- units -----------------------------------------------------------------------------

    def _add_unit(self, unit: Unit, shape: Shape) -> None:
        node = unit.source
        position = node.position
        if unit.kind in ("start", "end"):
            baton_id = self.id_for(node.id)
            self.nodes.append({"id": baton_id, "type": unit.kind, "name": node.name})
            self._place(baton_id, position)
            if unit.kind == "start":
                self._leave(baton_id, self.graph.outgoing(node.id), shape, node.id)
            return
        if unit.kind == "decision":
            baton_id = self.id_for(node.id)
            self.nodes.append({"id": baton_id, "type": "decision", "name": node.name})
            self._place(baton_id, position)
            if node.tag != "exclusiveGateway":
                self.notes.setdefault(node.id, []).append(
                    f"an {node.tag} may take several paths; Baton takes the first outcome "
                    "whose condition holds (draw a parallel stage for work done together)"
                )
            self._outcomes(baton_id, unit.exits, shape, node.id)
            return
        if unit.kind == "race":
            self._race(unit, shape)
            return
        stage_id = self.unit_id(unit)
        steps = []
        for step_node in unit.steps:
            step = dict(self.steps[step_node.id])
            after = [self.id_for(a) for a in unit.after.get(step_node.id, [])]
            if after:
                step["after"] = after
            steps.append(step)
        name = node.name or ", ".join(n.name for n in unit.steps if n.name)
        self.nodes.append({"id": stage_id, "type": "stage", "name": name, "steps": steps})
        self._place(stage_id, position)
        exits = unit.exits if unit.steps != [node] else self.graph.outgoing(node.id)
        self._leave(stage_id, exits, shape, node.id)

    def _race(self, unit: Unit, shape: Shape) -> None:
        node = unit.source
        stage_id = self.unit_id(unit)
        wait_id = self.id_for(node.id, "_wait")
        step: dict[str, Any] = {"id": wait_id, "name": node.name or "Wait", "type": "wait"}
        leads: dict[str, str] = {}
        for kind, catch_id in unit.routes:
            caught = self.steps.get(catch_id, {})
            if kind == "timer":
                step["timeout"] = caught.get("timeout")
            else:
                step["event"] = caught.get("event")
                if caught.get("key"):
                    step["key"] = caught["key"]
            leads[kind if kind == "timer" else "event"] = catch_id
        step = {k: v for k, v in step.items() if v}
        self.nodes.append({"id": stage_id, "type": "stage", "name": node.name, "steps": [step]})
        self._place(stage_id, node.position)
        if "timer" in leads and "event" in leads:
            route = self.id_for(node.id, "_route")
            self.nodes.append({"id": route, "type": "decision", "name": "Timed out?"})
            self.flows.append({"from": stage_id, "to": route})
            late = self._target(self._first_exit(leads["timer"]), shape)
            on_time = self._target(self._first_exit(leads["event"]), shape)
            if late:
                self.flows.append({"from": route, "to": late, "condition": f"{wait_id}.timed_out"})
            if on_time:
                self.flows.append({"from": route, "to": on_time, "default": True})
            if node.position:
                self._place(route, (node.position[0] + 150, node.position[1]))
        elif leads:
            only = next(iter(leads.values()))
            self._leave(stage_id, self.graph.outgoing(only), shape, only)

    def _first_exit(self, bpmn_id: str) -> Edge | None:
        outgoing = self.graph.outgoing(bpmn_id)
        return outgoing[0] if outgoing else None

    # --- flows -----------------------------------------------------------------------------

    def _leave(self, baton_id: str, exits: list[Edge], shape: Shape, owner: str) -> None:
        """The one transition of a start or stage; several conditional exits get a decision."""
        if not exits:
            self.flows.append({"from": baton_id, "to": self._implicit_end()})
            return
        conditional = [e for e in exits if e.default or _condition_of(e) is not None]
        if len(exits) > 1 and conditional:
            route = self.id_for(owner, "_route")
            self.nodes.append({"id": route, "type": "decision", "name": ""})
            self.flows.append({"from": baton_id, "to": route})
            self._outcomes(route, exits, shape, owner)
            return
        if len(exits) > 1:
            self.notes.setdefault(owner, []).append(
                "leaves by several unconditional flows (a parallel fork): only the first is "
                "followed; draw a parallel gateway around the branches to make one stage"
            )
        target = self._target(exits[0], shape)
        if target:
            self.flows.append({"from": baton_id, "to": target})

    def _outcomes(self, decision: str, exits: list[Edge], shape: Shape, owner: str) -> None:
        notes = self.notes.setdefault(owner, [])
        flows: list[dict[str, Any]] = []
        bare: list[dict[str, Any]] = []
        for edge in exits:
            target = self._target(edge, shape)
            if target is None:
                continue
            flow: dict[str, Any] = {"from": decision, "to": target}
            if edge.name:
                flow["name"] = edge.name
            condition = _condition_of(edge)
            if edge.default:
                flow["default"] = True
            elif condition is not None:
                flow["condition"] = self._condition(condition, edge, notes)
            else:
                bare.append(flow)
            flows.append(flow)
        if not any(f.get("default") for f in flows) and flows:
            chosen = bare.pop(0) if bare else flows[-1]
            if "condition" in chosen:
                notes.append(
                    f"no default flow: the flow to {chosen['to']} is taken when no earlier "
                    f"condition holds (it was {chosen.pop('condition')!r})"
                )
            chosen["default"] = True
        for flow in bare:
            standin = self.safe(f"{decision}_to_{flow['to']}", self.taken)
            self.variables[standin] = "boolean"
            flow["condition"] = standin
            notes.append(
                f"the flow to {flow['to']} has no condition: it reads the stand-in "
                f"variable {standin} (false until set); write the real condition"
            )
        self.flows.extend(flows)

    def _condition(self, condition: tuple[str, str], edge: Edge, notes: list[str]) -> str:
        text, language = condition
        translated = translate_condition(text, language)
        if translated.expression is None:
            notes.append(
                f"the condition {text!r} of flow {edge.id} is kept as written ({translated.why}); "
                "rewrite it as a Baton expression"
            )
            return text
        expression = _read_outputs(translated.expression, self.outputs)
        for name in translated.names - self.outputs.keys():
            dotted = f"{name}." in translated.expression
            kind = "json" if dotted else translated.literals.get(name, "boolean")
            if self.variables.get(name, "json") == "json":
                self.variables[name] = kind  # a comparison says more than an input mapping
        return expression

    def _target(self, edge: Edge | None, shape: Shape) -> str | None:
        """The Baton node a flow leads to, past passed-through elements."""
        seen: set[str] = set()
        while edge is not None and edge.id not in shape.dropped:
            target = edge.target
            if target in seen:
                return None
            seen.add(target)
            if target in shape.units:
                return self.unit_id(shape.units[target])
            if target not in shape.passthrough:
                return None
            edge = self._first_exit(target)
            if edge is None:
                return self._implicit_end()
        return None

    def _implicit_end(self) -> str:
        end = self.ids.get("\0end")
        if end is None:
            end = self.ids["\0end"] = self.safe("end", self.taken)
            self.nodes.append({"id": end, "type": "end", "name": "End"})
        return end

    def _place(self, baton_id: str, position: tuple[float, float] | None) -> None:
        if position is not None:
            self.layout[baton_id] = {"x": position[0], "y": position[1]}

    # --- finishing -------------------------------------------------------------------------

    def _prune(self, shape: Shape) -> None:
        """Leave out nodes no run can reach from the start (reported by `_report`)."""
        start = self.id_for(shape.start or "")
        leaving: dict[str, list[str]] = {}
        for flow in self.flows:
            leaving.setdefault(flow["from"], []).append(flow["to"])
        reach = {start}
        frontier = [start]
        while frontier:
            for target in leaving.get(frontier.pop(), []):
                if target not in reach:
                    reach.add(target)
                    frontier.append(target)
        self.unreachable = {n["id"] for n in self.nodes} - reach
        self.nodes = [n for n in self.nodes if n["id"] in reach]
        self.flows = [f for f in self.flows if f["from"] in reach]
        self.layout = {k: v for k, v in self.layout.items() if k in reach}

    def _variables(self) -> list[dict[str, Any]]:
        taken_ids = set(self.ids.values())
        out = []
        for name, kind in sorted(self.variables.items()):
            if name in taken_ids or name in _RESERVED:
                continue
            out.append(
                {
                    "name": name,
                    "type": kind if kind in ("text", "number", "boolean", "json") else "text",
                    "input": True,
                    "description": "Read by the BPMN file's conditions or inputs; give it when "
                    "a run starts, or set it with a set_variables step.",
                }
            )
        return out

    def _report(self, shape: Shape) -> None:
        for element, why in self.graph.skipped:
            self.report.add(_label(element), why)
        for container in self.graph.flattened:
            self.report.add(_label(container), "flattened: its elements are imported in its place")
        for lane in self.process.iter(bpmn("lane")):
            self.report.add(_label(lane), "its name is the assignee hint of its user tasks")
        for node in self.graph.nodes.values():
            baton = self._became(node, shape)
            notes = self.notes.get(node.id, [])
            self.report.add(describe(node), "; ".join([baton, *notes]))
        told = {id(element) for element, _ in self.boundaries}
        for element, why in self.boundaries:
            self.report.add(_label(element), why)
        for node in self.graph.nodes.values():
            for boundary in node.boundaries:
                if id(boundary) not in told:
                    self.report.add(
                        _label(boundary), "attached to an element that is not a step; not imported"
                    )
        for edge_id, why in shape.dropped.items():
            if edge_id not in self.graph.nodes:
                self.report.add(f"sequenceFlow {edge_id}", why)

    def _became(self, node: Any, shape: Shape) -> str:
        if node.id in shape.passthrough:
            return f"passed through: {shape.passthrough[node.id]}"
        if node.id in shape.dropped:
            return f"not imported: {shape.dropped[node.id]}"
        step = self.steps.get(node.id)
        holder = shape.absorbed.get(node.id, node.id)
        unit = shape.units.get(holder)
        if unit is None:
            return "not imported"
        baton = self.unit_id(unit)
        if baton in self.unreachable:
            return (
                "not imported: no run reaches it once mapped (it follows a path Baton leaves out)"
            )
        if unit.kind == "race":
            return f"raced in the wait step of stage {baton}"
        if step is not None:
            detail = (
                step.get("assignee")
                or step.get("action")
                or step.get("event")
                or step.get("timeout")
            )
            return f"step {step['id']} ({step['type']}, {detail}) in stage {baton}"
        if node.id in shape.absorbed:
            return f"the join of parallel stage {baton}"
        return {"start": "the start", "end": "end node", "decision": "decision"}.get(
            unit.kind, unit.kind
        ) + (f" {baton}" if unit.kind != "start" else f" ({baton})")


def _label(element: Element) -> str:
    name = element.get("name")
    text = f"{local_name(element.tag)} {element.get('id', '?')}"
    return f"{text} ({name!r})" if name else text


def _documentation(element: Element) -> str:
    docs = element.find(bpmn("documentation"))
    return (docs.text or "").strip() if docs is not None else ""


def _correlation_key(message: Element) -> str | None:
    subscription = message.find(f".//{q(ZEEBE_NS, 'subscription')}")
    return subscription.get("correlationKey") if subscription is not None else None


def _condition_of(edge: Edge) -> tuple[str, str] | None:
    expression = edge.element.find(bpmn("conditionExpression"))
    if expression is None or not (expression.text or "").strip():
        return None
    return expression.text or "", expression.get("language", "")


class _Outputs(ast.NodeTransformer):
    def __init__(self, outputs: dict[str, str]) -> None:
        self.outputs = outputs

    def visit_Name(self, node: ast.Name) -> ast.AST:
        step = self.outputs.get(node.id)
        if step is None:
            return node
        return ast.copy_location(
            ast.Attribute(ast.Name(step, ast.Load()), node.id, ast.Load()), node
        )


def _read_outputs(expression: str, outputs: dict[str, str]) -> str:
    """Names a user task's form sets are read as that step's outputs (`approve.approved`)."""
    if not outputs:
        return expression
    tree = _Outputs(outputs).visit(ast.parse(expression, mode="eval"))
    return ast.unparse(ast.fix_missing_locations(tree))
