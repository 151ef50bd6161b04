"""Export an orchestration to BPMN 2.0 XML that other engines execute.

The mapping (see docs/interchange.md for the full table): the orchestration
is one executable `process`; stages are expanded `subProcess`es (built in `bpmn_stage`),
decisions are exclusive gateways with Python `conditionExpression`s and a `default` flow,
a stage's fault flow leaves an error boundary event on its sub-process (catching the one
`error` Baton declares), and every Baton-only fact (trigger, variables, layout, guidance,
outputs, retry, the original Baton expressions) is kept in `extensionElements` of our one
namespace, so that `bpmn_import` gives back the same definition. A diagram (`bpmndi`) is
generated from the Baton layout so modellers open the file laid out.
"""

from __future__ import annotations

import io
from xml.etree.ElementTree import Element, ElementTree, SubElement, indent, register_namespace

from engine.definition import DecisionNode, Orchestration, StageNode, WaitStep, to_dict
from engine.errors import InterchangeError
from engine.interchange.bpmn_camunda8 import add_zeebe
from engine.interchange.bpmn_diagram import Drawing, write_diagram
from engine.interchange.bpmn_dialect import DIALECTS, FEEL_LANGUAGE, Dialect
from engine.interchange.bpmn_extension import add_extension
from engine.interchange.bpmn_names import (
    EVENT_SIZE,
    GATEWAY_SIZE,
    PREFIXES,
    PROCESS_PREFIX,
    bpmn,
    message_id,
    node_id,
)
from engine.interchange.bpmn_stage import Scope, build_stage

EXPORTER = "Baton"
FAULT_ERROR_ID = "Error_baton_fault"
FAULT_ERROR_CODE = "baton-fault"
"""The error a stage's fault route catches: a step failed for good, or max_visits."""
TARGET_NAMESPACE = "https://baton.invalid/orchestrations"


def export_bpmn(definition: Orchestration, dialect: str = "spiff") -> str:
    """The orchestration as BPMN 2.0 XML text (UTF-8, with diagram interchange).

    Args:
        definition: what to export.
        dialect: `spiff` (Python conditions, SpiffWorkflow) or `camunda8` (FEEL conditions
            and `zeebe:` extensions for Camunda 8).

    Raises:
        ExpressionError: a condition is not valid Baton syntax (validate first).
        InterchangeError: an unknown dialect, or a condition with no form in its language.
    """
    if dialect not in DIALECTS:
        raise InterchangeError(
            f"unknown BPMN dialect {dialect!r}", hint=f"choose one of: {', '.join(DIALECTS)}"
        )
    chosen = DIALECTS[dialect]
    for prefix, uri in PREFIXES.items():
        register_namespace(prefix, uri)
    definitions = Element(
        bpmn("definitions"),
        {
            "id": f"Definitions_{definition.id}",
            "targetNamespace": TARGET_NAMESPACE,
            "expressionLanguage": chosen.language or FEEL_LANGUAGE,
            "exporter": EXPORTER,
            "exporterVersion": "1",
        },
    )
    _add_messages(definitions, definition)
    if any(flow.fault for flow in definition.flows):
        SubElement(
            definitions,
            bpmn("error"),
            {"id": FAULT_ERROR_ID, "name": "Stage fault", "errorCode": FAULT_ERROR_CODE},
        )
    process_id = PROCESS_PREFIX + definition.id
    process = SubElement(
        definitions,
        bpmn("process"),
        {"id": process_id, "isExecutable": "true"},
    )
    if definition.name:
        process.set("name", definition.name)
    if definition.description:
        SubElement(process, bpmn("documentation")).text = definition.description
    whole = to_dict(definition)
    add_extension(
        process,
        "orchestration",
        {key: whole[key] for key in whole if key not in ("nodes", "flows")},
    )
    drawing = _add_nodes_and_flows(process, definition, chosen)
    if chosen.name == "camunda8":
        add_zeebe(definitions, definition)
    write_diagram(definitions, process_id, drawing)
    indent(definitions, space="  ")
    return _serialize(definitions)


def _serialize(root: Element) -> str:
    buffer = io.StringIO()
    ElementTree(root).write(buffer, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{buffer.getvalue()}\n'


def _add_messages(definitions: Element, definition: Orchestration) -> None:
    seen: set[str] = set()
    for _, step in definition.steps():
        if isinstance(step, WaitStep) and step.event and step.event not in seen:
            seen.add(step.event)
            SubElement(
                definitions,
                bpmn("message"),
                {"id": message_id(step.event), "name": step.event},
            )


def _add_nodes_and_flows(process: Element, definition: Orchestration, dialect: Dialect) -> Drawing:
    step_ids = {step.id for _, step in definition.steps()}
    scope = Scope(process, process.get("id", "Process"), dialect=dialect)
    stage_drawings: dict[str, Drawing] = {}
    for node in definition.nodes:
        bpmn_id = node_id(node.type, node.id)
        if isinstance(node, StageNode):
            _, stage_drawings[bpmn_id] = build_stage(process, node, step_ids, dialect)
            continue
        tag = {"start": "startEvent", "end": "endEvent", "decision": "exclusiveGateway"}
        element = scope.add(tag[node.type], bpmn_id, node.name)
        outcome = getattr(node, "outcome", "completed")
        kept = {"outcome": outcome} if outcome != "completed" else {}
        add_extension(element, "node", {"id": node.id, "type": node.type} | _named(node) | kept)
    earlier: dict[str, list[str]] = {}
    boundaries: dict[str, str] = {}
    for index, flow in enumerate(definition.flows, start=1):
        source = definition.node(flow.source)
        target = definition.node(flow.target)
        if source is None or target is None:
            continue  # a dangling flow is a validation error; it has no BPMN form
        source_ref = node_id(source.type, source.id)
        if flow.fault and isinstance(source, StageNode):
            source_ref = _fault_boundary(scope, source_ref)
            boundaries[source_ref] = node_id(source.type, source.id)
        condition = None
        if flow.condition:
            own = dialect.condition(flow.condition, step_ids, flow.source)
            # Baton takes the first true condition in order; BPMN leaves the order to the
            # engine (Spiff sorts by diagram position), so each condition excludes earlier ones.
            before = earlier.setdefault(flow.source, [])
            condition = dialect.first_match(own, before)
            before.append(own)
        element = scope.connect(
            source_ref,
            node_id(target.type, target.id),
            condition=condition,
            flow_id=f"Flow_{index}",
        )
        if flow.name:
            element.set("name", flow.name)
        add_extension(
            element, "flow", flow.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        )
        if flow.default and isinstance(source, DecisionNode):
            gateway_id = node_id("decision", source.id)
            gateway = process.find(f"{bpmn('exclusiveGateway')}[@id='{gateway_id}']")
            if gateway is not None:
                gateway.set("default", element.get("id", ""))
    drawing = _lay_out(definition, scope.drawing, stage_drawings)
    for boundary, stage in boundaries.items():
        # On the sub-process's lower edge, near its right corner, as modellers draw them.
        x, y, w, h = drawing.shapes[stage]
        drawing.place(boundary, x + w - 2 * EVENT_SIZE[0], y + h - EVENT_SIZE[1] / 2, EVENT_SIZE)
    return drawing


def _fault_boundary(scope: Scope, stage_ref: str) -> str:
    """An interrupting error boundary event on a stage's sub-process; returns its id."""
    boundary_id = f"{stage_ref}-fault"
    boundary = scope.add(
        "boundaryEvent", boundary_id, "Fault", attachedToRef=stage_ref, cancelActivity="true"
    )
    SubElement(boundary, bpmn("errorEventDefinition"), {"errorRef": FAULT_ERROR_ID})
    return boundary_id


def _named(node: object) -> dict[str, str]:
    name = getattr(node, "name", "")
    return {"name": name} if name else {}


def _lay_out(definition: Orchestration, flows: Drawing, stages: dict[str, Drawing]) -> Drawing:
    """Place top-level nodes at their Baton positions, spread so expanded stages fit."""
    sizes: dict[str, tuple[float, float]] = {}
    for node in definition.nodes:
        bpmn_id = node_id(node.type, node.id)
        if bpmn_id in stages:
            _, _, w, h = stages[bpmn_id].shapes[bpmn_id]
            sizes[node.id] = (w, h)
        else:
            sizes[node.id] = GATEWAY_SIZE if node.type == "decision" else EVENT_SIZE
    raw = {n.id: definition.layout.get(n.id) for n in definition.nodes}
    points = {k: (float(p.x), float(p.y)) if p else (0.0, 0.0) for k, p in raw.items()}
    scale_x, scale_y = _spread(points, sizes)
    drawing = Drawing()
    for node in definition.nodes:
        bpmn_id = node_id(node.type, node.id)
        x, y = points[node.id]
        x, y = x * scale_x + 40, y * scale_y + 40
        if bpmn_id in stages:
            drawing.merge(stages[bpmn_id], x, y)
        else:
            drawing.place(bpmn_id, x, y, sizes[node.id])
    drawing.edges.extend(flows.edges)
    return drawing


def _spread(
    points: dict[str, tuple[float, float]], sizes: dict[str, tuple[float, float]]
) -> tuple[float, float]:
    """Scale factors that keep neighbouring nodes from overlapping once stages are expanded."""
    scale_x = scale_y = 1.0
    items = list(points.items())
    for a, (ax, ay) in items:
        for b, (bx, by) in items:
            if a == b:
                continue
            if bx > ax and abs(by - ay) < 120:
                scale_x = max(scale_x, (sizes[a][0] + 60) / (bx - ax))
    for a, (ax, ay) in items:
        for b, (bx, by) in items:
            overlapping = ax * scale_x < bx * scale_x + sizes[b][0] and bx * scale_x < (
                ax * scale_x + sizes[a][0]
            )
            if a != b and by > ay and overlapping:
                scale_y = max(scale_y, (sizes[a][1] + 40) / (by - ay))
    return min(scale_x, 8.0), min(scale_y, 8.0)
