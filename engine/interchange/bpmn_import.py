"""Import BPMN 2.0 written by Baton (or edited in a modeller that keeps our extension).

The structure comes from the BPMN itself: which nodes exist and which sequence flows join
them at the top level, and the element names. Baton-only facts come from our extension
elements (see `bpmn_extension`). A foreign BPMN file, or elements added in a modeller that
Baton has no counterpart for, are refused with a report that lists every such element and
why, rather than imported with pieces missing.
"""

from __future__ import annotations

import os
from typing import Any
from xml.etree.ElementTree import Element

from engine.definition import from_dict
from engine.errors import DefinitionLoadError, InterchangeError
from engine.interchange.bpmn_extension import read_extension
from engine.interchange.bpmn_foreign import import_foreign
from engine.interchange.bpmn_ids import check_ids
from engine.interchange.bpmn_names import BPMN_NS, STEP_PREFIX, bpmn
from engine.interchange.report import ImportResult, Report
from engine.interchange.safe_xml import local_name, namespace_of, read_xml_file

_NODE_TAGS = {"startEvent": "start", "endEvent": "end", "exclusiveGateway": "decision"}
# Elements we write inside a stage around its steps (gateways, timers, helper events).
_HELPER_TAGS = {
    "startEvent",
    "endEvent",
    "parallelGateway",
    "exclusiveGateway",
    "eventBasedGateway",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "scriptTask",
    "boundaryEvent",
}
_IGNORED = {"documentation", "extensionElements", "laneSet"}
_WHY = {
    "task": "an untyped task has no Baton step type",
    "sendTask": "Baton has no send task; use a background step with send_email",
    "receiveTask": "use a wait step (message catch event) instead",
    "manualTask": "Baton has no manual task; use an interactive step",
    "businessRuleTask": "Baton has no business rule task",
    "callActivity": "Baton cannot call another process from BPMN",
    "inclusiveGateway": "Baton decisions choose one path; inclusive gateways have no mapping",
    "complexGateway": "complex gateways have no Baton mapping",
    "parallelGateway": "parallel paths between stages have no Baton mapping",
    "dataObject": "process data objects are not mapped; declare variables instead",
    "dataObjectReference": "process data objects are not mapped; declare variables instead",
}


def import_bpmn(path: str | os.PathLike[str]) -> ImportResult:
    """Read a BPMN file into an orchestration.

    Raises:
        InterchangeError: not BPMN, unsafe or malformed XML, too large, or elements that
            cannot be mapped (each listed with the reason).
    """
    source = str(path)
    root = read_xml_file(path)
    return import_bpmn_element(root, source)


def import_bpmn_element(root: Element, source: str) -> ImportResult:
    """Map an already parsed BPMN `definitions` element (see `import_bpmn`)."""
    try:
        return _import_definitions(root, source)
    except InterchangeError as exc:
        exc.file = exc.file or source
        raise


def _import_definitions(root: Element, source: str) -> ImportResult:
    if root.tag != bpmn("definitions"):
        raise InterchangeError(
            f"not a BPMN 2.0 file (the root element is <{local_name(root.tag)}>)",
            file=source,
            hint=f'a BPMN file starts with <definitions xmlns="{BPMN_NS}">',
        )
    check_ids(root, source)
    processes = root.findall(bpmn("process"))
    ours = [p for p in processes if read_extension(p, "orchestration") is not None]
    if not ours:
        return import_foreign(root, source)
    if len(ours) > 1:
        raise InterchangeError(
            f"{len(ours)} processes carry Baton data; Baton imports one",
            file=source,
            hint="export each orchestration from Baton to its own file",
        )
    process = ours[0]
    problems: list[tuple[str, str]] = [
        (f"process {p.get('id')}", "a second process; Baton imports one")
        for p in processes
        if p is not process
    ]
    raw = dict(read_extension(process, "orchestration") or {})
    nodes, ids = _read_nodes(process, problems)
    raw["nodes"] = nodes
    raw["flows"] = _read_flows(process, ids, problems)
    if problems:
        raise InterchangeError(
            f"{len(problems)} element(s) cannot be mapped to Baton",
            problems=problems,
            file=source,
            hint="remove them in the modeller or rebuild them in the Baton designer",
        )
    try:
        definition = from_dict(raw, source=source)
    except DefinitionLoadError as exc:
        raise InterchangeError(
            exc.message, file=source, element=exc.element, hint=exc.hint
        ) from None
    return ImportResult(definition, Report(source))


def _label(element: Element) -> str:
    name = element.get("name")
    text = f"{local_name(element.tag)} {element.get('id', '?')}"
    return f"{text} ({name!r})" if name else text


def _foreign_elements(processes: list[Element]) -> list[tuple[str, str]]:
    """Every flow element of a foreign file, with why Baton cannot take it as it is."""
    found = []
    for process in processes:
        for element in process.iter():
            tag = local_name(element.tag)
            if (
                namespace_of(element.tag) != BPMN_NS
                or element is process
                or tag
                in (
                    "sequenceFlow",
                    "incoming",
                    "outgoing",
                    "documentation",
                    "extensionElements",
                    "conditionExpression",
                    "laneSet",
                    "lane",
                    "flowNodeRef",
                )
                or tag.endswith("EventDefinition")
                or element.get("id") is None
            ):
                continue
            found.append((_label(element), _WHY.get(tag, "carries no Baton data")))
    return found


def _read_nodes(
    process: Element, problems: list[tuple[str, str]]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Nodes in document order, and the map of BPMN id -> Baton id."""
    nodes: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for element in process:
        tag = local_name(element.tag)
        if tag in _IGNORED or tag == "sequenceFlow":
            continue
        if tag == "boundaryEvent":
            continue  # a stage's fault route: read with the flows (`_fault_sources`)
        if tag == "subProcess":
            stage = read_extension(element, "stage")
            if stage is None:
                problems.append((_label(element), "a sub-process without Baton stage data"))
                continue
            if not isinstance(stage.get("id"), str):
                problems.append((_label(element), "its Baton stage data has no id"))
                continue
            stage = _named(stage, element)
            stage["steps"] = _read_steps(element, problems)
            ids[element.get("id", "")] = stage["id"]
            nodes.append(stage)
            continue
        node = read_extension(element, "node")
        if (
            tag in _NODE_TAGS
            and node is not None
            and node.get("type") == _NODE_TAGS[tag]
            and isinstance(node.get("id"), str)
        ):
            ids[element.get("id", "")] = node["id"]
            nodes.append(_named(node, element))
        else:
            problems.append((_label(element), _WHY.get(tag, "carries no Baton data")))
    return nodes, ids


def _named(data: dict[str, Any], element: Element) -> dict[str, Any]:
    """Take the element's name from BPMN, where a modeller may have renamed it."""
    name = element.get("name")
    if not name or (name == data.get("id") and not data.get("name")):
        return data  # export falls back to the id when a step has no name
    return data | {"name": name}


def _read_steps(stage: Element, problems: list[tuple[str, str]]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    prefix = stage.get("id", "") + "-"
    for element in stage:
        tag = local_name(element.tag)
        step = read_extension(element, "step")
        if step is not None:
            steps.append(_named(step, element) if tag in ("userTask", "serviceTask") else step)
            continue
        element_id = element.get("id", "")
        ours = element_id.startswith(prefix) or (
            element_id.startswith(STEP_PREFIX) and "-" in element_id
        )
        if tag in _IGNORED or tag == "sequenceFlow" or (tag in _HELPER_TAGS and ours):
            continue
        problems.append((_label(element), _WHY.get(tag, "carries no Baton step data")))
    return steps


def _read_flows(
    process: Element, ids: dict[str, str], problems: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    defaults = {el.get("default") for el in process if el.get("default")}
    faults = _fault_sources(process, ids, problems)
    flows: list[dict[str, Any]] = []
    for element in process.findall(bpmn("sequenceFlow")):
        source, target = element.get("sourceRef", ""), element.get("targetRef", "")
        fault = source in faults
        if fault:
            source = faults[source]
        if source not in ids or target not in ids:
            if source in ids or target in ids:
                problems.append((_label(element), "connects an element Baton cannot map"))
            continue
        data = read_extension(element, "flow") or {}
        if data.get("condition") is None and element.find(bpmn("conditionExpression")) is not None:
            problems.append((_label(element), "a condition without its Baton expression"))
            continue
        flow: dict[str, Any] = {"from": ids[source], "to": ids[target]}
        if data.get("condition"):
            flow["condition"] = data["condition"]
        if element.get("id") in defaults:
            flow["default"] = True
        if fault:
            flow["fault"] = True
        if data.get("id"):
            flow["id"] = data["id"]
        if element.get("name") or data.get("name"):
            flow["name"] = element.get("name") or data["name"]
        flows.append(flow)
    return flows


def _fault_sources(
    process: Element, ids: dict[str, str], problems: list[tuple[str, str]]
) -> dict[str, str]:
    """Error boundary events on stages (their fault routes): event id -> the stage's id.

    Any other boundary event has no Baton counterpart and is reported.
    """
    found: dict[str, str] = {}
    for element in process.findall(bpmn("boundaryEvent")):
        stage = element.get("attachedToRef", "")
        if element.find(bpmn("errorEventDefinition")) is not None and stage in ids:
            found[element.get("id", "")] = stage
        else:
            problems.append(
                (_label(element), "only an error boundary event on a stage has a mapping")
            )
    return found
