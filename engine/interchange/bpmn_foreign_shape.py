"""The shape of a foreign process in Baton terms: stages, decisions, start and ends.

Read from the flattened graph (`bpmn_foreign_graph`):

* each activity or catch event becomes a stage holding one step, named after it;
* a parallel split whose branches are chains of activities meeting at one join becomes one
  stage whose steps run in parallel (a chain keeps its order through `after`);
* an event-based gateway becomes a stage with one wait step (message or signal, with the
  timer as its timeout), then a decision on `<wait>.timed_out` when both paths exist;
* exclusive, inclusive and complex gateways that split become decisions;
* merging gateways, milestone events and a flattened sub-process's own start and end
  events are passed through: flows go straight on to what follows them.

Every element ends up as a `Placed` entry (what it became) or in `notes` (why not).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.interchange.bpmn_foreign_graph import GATEWAY_TAGS, Edge, Graph, Node

_SPLITS = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}


@dataclass
class Unit:
    """A Baton node being built: a stage (with its steps' BPMN nodes), a decision or an event."""

    id: str
    kind: str
    source: Node
    steps: list[Node] = field(default_factory=list)
    after: dict[str, list[str]] = field(default_factory=dict)
    exits: list[Edge] = field(default_factory=list)
    routes: list[tuple[str, str]] = field(default_factory=list)
    """For an event-based gateway: (kind of catch, BPMN id it leads on from)."""


@dataclass
class Shape:
    """Units by BPMN id of the element they stand for, and which elements pass through."""

    units: dict[str, Unit] = field(default_factory=dict)
    passthrough: dict[str, str] = field(default_factory=dict)
    """BPMN id -> why it is passed through (the report line)."""
    absorbed: dict[str, str] = field(default_factory=dict)
    """BPMN id -> the unit that holds it (a step in a parallel stage, a raced catch)."""
    dropped: dict[str, str] = field(default_factory=dict)
    """BPMN id of an edge or node left out -> why."""
    start: str | None = None


def read_shape(graph: Graph, inner_events: set[str], is_step: set[str]) -> Shape:
    """Decide what each node of the graph becomes (see the module docstring).

    Args:
        graph: the flattened process.
        inner_events: start and end events of flattened sub-processes.
        is_step: ids of the nodes that map to a Baton step.
    """
    shape = Shape()
    for node in graph.nodes.values():
        if node.id in shape.absorbed or node.id in shape.units:
            continue
        tag = node.tag
        outgoing, incoming = graph.outgoing(node.id), graph.incoming(node.id)
        if node.id in inner_events:
            shape.passthrough[node.id] = "flattened with its sub-process"
        elif tag == "startEvent":
            if shape.start is None:
                shape.start = node.id
                shape.units[node.id] = Unit(node.id, "start", node)
            else:
                shape.dropped[node.id] = "a second start event; Baton has one start"
        elif tag == "endEvent":
            shape.units[node.id] = Unit(node.id, "end", node)
        elif tag == "parallelGateway" and len(outgoing) > 1:
            _parallel(graph, node, shape, is_step)
        elif tag == "eventBasedGateway":
            _race(graph, node, shape)
        elif tag in _SPLITS and len(outgoing) > 1:
            shape.units[node.id] = Unit(node.id, "decision", node, exits=outgoing)
        elif tag in GATEWAY_TAGS:
            shape.passthrough[node.id] = (
                "a merging gateway: flows join at what follows"
                if len(incoming) > 1
                else "a gateway with one way on: nothing to decide"
            )
        elif node.id in is_step:
            shape.units[node.id] = Unit(node.id, "stage", node, steps=[node])
        else:
            shape.passthrough[node.id] = "nothing to do in Baton (a milestone or marker)"
    return shape


def _parallel(graph: Graph, split: Node, shape: Shape, is_step: set[str]) -> None:
    chains: list[list[Node]] = []
    join: str | None = None
    for edge in graph.outgoing(split.id):
        chain, end = _chain(graph, edge.target, is_step)
        if end is None or (join is not None and end != join):
            join = None
            break
        join = end
        chains.append(chain)
    joined = graph.nodes.get(join or "")
    if (
        joined is None
        or joined.tag != "parallelGateway"
        or len(graph.incoming(joined.id)) != len(chains)
        or len(graph.outgoing(joined.id)) > 1
        or any(n.id in shape.units or n.id in shape.absorbed for c in chains for n in c)
    ):
        _unstructured(graph, split, shape)
        return
    unit = Unit(split.id, "stage", split, exits=graph.outgoing(joined.id))
    for chain in chains:
        for before, node in zip([None, *chain], chain, strict=False):
            unit.steps.append(node)
            unit.after[node.id] = [before.id] if before is not None else []
            shape.absorbed[node.id] = split.id
    shape.units[split.id] = unit
    shape.absorbed[joined.id] = split.id


def _chain(graph: Graph, first: str, is_step: set[str]) -> tuple[list[Node], str | None]:
    """Activities one after another from `first`, and the gateway they reach (None if not)."""
    chain: list[Node] = []
    current = first
    seen: set[str] = set()
    while current not in seen:
        seen.add(current)
        node = graph.nodes.get(current)
        if node is None:
            return chain, None
        if node.tag == "parallelGateway":
            return chain, node.id
        outgoing = graph.outgoing(current)
        if node.id not in is_step or len(outgoing) != 1 or len(graph.incoming(current)) != 1:
            return chain, None
        chain.append(node)
        current = outgoing[0].target
    return chain, None


def _unstructured(graph: Graph, split: Node, shape: Shape) -> None:
    """A parallel split Baton cannot read as one stage: follow its first branch only."""
    first, *others = graph.outgoing(split.id)
    shape.passthrough[split.id] = (
        "a parallel split whose branches do not meet at one join as plain tasks; "
        "only its first branch is imported: put the other branches' steps in that "
        "stage by hand"
    )
    for edge in others:
        shape.dropped[edge.id] = "a parallel branch Baton could not place in one stage"
    del first


def _race(graph: Graph, gateway: Node, shape: Shape) -> None:
    unit = Unit(gateway.id, "race", gateway)
    for edge in graph.outgoing(gateway.id):
        target = graph.nodes.get(edge.target)
        if target is None:
            continue
        kinds = [c.tag.rsplit("}", 1)[-1] for c in target.element]
        if target.tag == "receiveTask" or "messageEventDefinition" in kinds:
            kind = "message"
        elif "signalEventDefinition" in kinds:
            kind = "signal"
        elif "timerEventDefinition" in kinds:
            kind = "timer"
        else:
            shape.dropped[edge.id] = "an event-based gateway leads only to catch events"
            continue
        if any(k == kind or {k, kind} == {"message", "signal"} for k, _ in unit.routes):
            shape.dropped[edge.id] = f"a second {kind} path; Baton's wait races one event"
            continue
        unit.routes.append((kind, target.id))
        unit.steps.append(target)
        shape.absorbed[target.id] = gateway.id
    shape.units[gateway.id] = unit


def describe(node: Node) -> str:
    """How the report names a BPMN element: `userTask Task_1 ('Approve')`."""
    text = f"{node.tag} {node.id}"
    return f"{text} ({node.name!r})" if node.name else text
