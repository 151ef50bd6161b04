"""A foreign BPMN process read as a flat graph of flow nodes and sequence flows.

Embedded sub-processes are flattened: a flow into the sub-process goes to what its start
event leads to, and its end events lead where the sub-process's outgoing flows go. Lanes
are remembered per node (they become assignee hints), and diagram positions per node (they
become the Baton layout). Everything the graph leaves out is returned as `skipped`, with the
reason, so the import report can account for every element.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from engine.errors import InterchangeError
from engine.interchange.bpmn_names import BPMN_NS, BPMNDI_NS, DC_NS, bpmn, q
from engine.interchange.safe_xml import local_name, namespace_of

ACTIVITY_TAGS = {
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "sendTask",
    "businessRuleTask",
    "receiveTask",
    "callActivity",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
}
GATEWAY_TAGS = {
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "complexGateway",
}
MAX_NESTING = 50
"""Deepest nesting of sub-processes read (real processes nest a few levels)."""
_CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}
_NOT_FLOW = {
    "documentation": "",
    "extensionElements": "",
    "laneSet": "",
    "sequenceFlow": "",
    "ioSpecification": "",
    "property": "",
    "dataObject": "process data objects have no Baton counterpart; declare variables",
    "dataObjectReference": "process data objects have no Baton counterpart; declare variables",
    "dataStoreReference": "data stores have no Baton counterpart; use records or actions",
    "textAnnotation": "an annotation; Baton has no diagram notes (use descriptions)",
    "association": "an annotation link; nothing to map",
    "group": "a visual group; nothing to map",
    "dataInputAssociation": "",
    "dataOutputAssociation": "",
}


@dataclass
class Node:
    """A flow node of the flattened process."""

    id: str
    tag: str
    element: Element
    name: str = ""
    lane: str = ""
    position: tuple[float, float] | None = None
    boundaries: list[Element] = field(default_factory=list)


@dataclass
class Edge:
    """A sequence flow between two flattened nodes."""

    id: str
    source: str
    target: str
    element: Element
    name: str = ""
    default: bool = False


@dataclass
class Graph:
    """Flow nodes by id (document order), sequence flows, and what was left out and why."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    skipped: list[tuple[Element, str]] = field(default_factory=list)
    flattened: list[Element] = field(default_factory=list)
    _out: dict[str, list[Edge]] = field(default_factory=dict)
    _in: dict[str, list[Edge]] = field(default_factory=dict)

    def outgoing(self, node_id: str) -> list[Edge]:
        """Sequence flows leaving a node, in document order."""
        return self._out.get(node_id, [])

    def incoming(self, node_id: str) -> list[Edge]:
        """Sequence flows entering a node, in document order."""
        return self._in.get(node_id, [])

    def index(self) -> None:
        """Index the flows by node, once they are all read (lookups stay cheap in big files)."""
        self._out, self._in = {}, {}
        for edge in self.edges:
            self._out.setdefault(edge.source, []).append(edge)
            self._in.setdefault(edge.target, []).append(edge)


def read_graph(process: Element, positions: dict[str, tuple[float, float]]) -> Graph:
    """The process as one flat graph (see the module docstring)."""
    graph = Graph()
    lanes = _lanes(process)
    _read_scope(process, graph, lanes, positions, depth=0)
    graph.index()
    return graph


def diagram_positions(root: Element) -> dict[str, tuple[float, float]]:
    """Top-left corner of each element's diagram shape, by element id."""
    found: dict[str, tuple[float, float]] = {}
    for shape in root.iter(q(BPMNDI_NS, "BPMNShape")):
        bounds = shape.find(q(DC_NS, "Bounds"))
        element = shape.get("bpmnElement")
        if bounds is None or not element:
            continue
        try:
            found[element] = (float(bounds.get("x", "0")), float(bounds.get("y", "0")))
        except ValueError:
            continue
    return found


def _lanes(scope: Element) -> dict[str, str]:
    """Node id -> the name of the innermost lane that holds it."""
    found: dict[str, str] = {}
    for lane in scope.iter(bpmn("lane")):
        for ref in lane.findall(bpmn("flowNodeRef")):
            found[(ref.text or "").strip()] = lane.get("name") or lane.get("id", "")
    return found


def _read_scope(
    scope: Element,
    graph: Graph,
    lanes: dict[str, str],
    positions: dict[str, tuple[float, float]],
    *,
    depth: int,
) -> tuple[list[str], list[str]]:
    """Add a scope's nodes and flows; return its (none) start and end node ids."""
    if depth > MAX_NESTING:
        raise InterchangeError(
            f"sub-processes are nested more than {MAX_NESTING} deep",
            element=scope.get("id"),
            hint="a real process nests a few levels; check the file",
        )
    top = depth == 0
    starts: list[str] = []
    ends: list[str] = []
    boundaries: list[Element] = []
    inner: dict[str, tuple[list[str], list[str]]] = {}
    for element in scope:
        if namespace_of(element.tag) != BPMN_NS:
            continue
        tag = local_name(element.tag)
        element_id = element.get("id", "")
        if tag in _NOT_FLOW:
            if _NOT_FLOW[tag]:
                graph.skipped.append((element, _NOT_FLOW[tag]))
            continue
        if tag in _CONTAINERS:
            if element.get("triggeredByEvent") == "true":
                graph.skipped.append(
                    (element, "an event sub-process has no Baton counterpart; not imported")
                )
                continue
            graph.flattened.append(element)
            inner[element_id] = _read_scope(element, graph, lanes, positions, depth=depth + 1)
            continue
        if tag == "boundaryEvent":
            boundaries.append(element)
            continue
        if tag in ("startEvent", "endEvent") or tag in ACTIVITY_TAGS or tag in GATEWAY_TAGS:
            if not top and tag == "startEvent":
                starts.append(element_id)
            if not top and tag == "endEvent":
                ends.append(element_id)
            graph.nodes[element_id] = Node(
                element_id,
                tag,
                element,
                (element.get("name") or "").strip(),
                lanes.get(element_id, ""),
                positions.get(element_id),
            )
            continue
        graph.skipped.append((element, f"a {tag} has no Baton counterpart; not imported"))
    _read_flows(scope, graph, inner)
    for boundary in boundaries:
        host = graph.nodes.get(boundary.get("attachedToRef", ""))
        if host is None:
            graph.skipped.append((boundary, "attached to an element Baton does not import"))
        else:
            host.boundaries.append(boundary)
    return starts, ends


def _read_flows(
    scope: Element, graph: Graph, inner: dict[str, tuple[list[str], list[str]]]
) -> None:
    defaults = {el.get("default") for el in scope if el.get("default")}
    for element in scope.findall(bpmn("sequenceFlow")):
        source, target = element.get("sourceRef", ""), element.get("targetRef", "")
        sources = inner[source][1] if source in inner else [source]
        targets = inner[target][0] if target in inner else [target]
        for one_source in sources:
            for one_target in targets:
                graph.edges.append(
                    Edge(
                        element.get("id", ""),
                        one_source,
                        one_target,
                        element,
                        (element.get("name") or "").strip(),
                        element.get("id") in defaults,
                    )
                )
