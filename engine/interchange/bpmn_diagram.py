"""BPMN diagram interchange (`bpmndi`): shapes and edges from positions computed on export."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement

from engine.interchange.bpmn_names import BPMNDI_NS, DC_NS, DI_NS, q

Box = tuple[float, float, float, float]
"""x, y, width, height of a shape."""


@dataclass
class Drawing:
    """Where each element is drawn; edges are routed between their shapes."""

    shapes: dict[str, Box] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    expanded: set[str] = field(default_factory=set)

    def place(self, element_id: str, x: float, y: float, size: tuple[float, float]) -> None:
        """Put an element with its top-left corner at (x, y)."""
        self.shapes[element_id] = (x, y, size[0], size[1])

    def place_centred(
        self, element_id: str, left: float, centre_y: float, size: tuple[float, float]
    ) -> None:
        """Put an element with its left edge at `left`, vertically centred on `centre_y`."""
        self.place(element_id, left, centre_y - size[1] / 2, size)

    def merge(self, other: Drawing, dx: float, dy: float) -> None:
        """Add another drawing's shapes and edges, shifted by (dx, dy)."""
        for key, (x, y, w, h) in other.shapes.items():
            self.shapes[key] = (x + dx, y + dy, w, h)
        self.edges.extend(other.edges)
        self.expanded |= other.expanded


def write_diagram(definitions: Element, process_id: str, drawing: Drawing) -> None:
    """Append a `bpmndi:BPMNDiagram` for the process to `definitions`."""
    diagram = SubElement(definitions, q(BPMNDI_NS, "BPMNDiagram"), {"id": f"{process_id}-diagram"})
    plane = SubElement(
        diagram,
        q(BPMNDI_NS, "BPMNPlane"),
        {"id": f"{process_id}-plane", "bpmnElement": process_id},
    )
    for element_id, (x, y, w, h) in drawing.shapes.items():
        attrs = {"id": f"{element_id}-di", "bpmnElement": element_id}
        if element_id in drawing.expanded:
            attrs["isExpanded"] = "true"
        shape = SubElement(plane, q(BPMNDI_NS, "BPMNShape"), attrs)
        SubElement(shape, q(DC_NS, "Bounds"), _bounds(x, y, w, h))
    for flow_id, source, target in drawing.edges:
        if source not in drawing.shapes or target not in drawing.shapes:
            continue
        edge = SubElement(
            plane, q(BPMNDI_NS, "BPMNEdge"), {"id": f"{flow_id}-di", "bpmnElement": flow_id}
        )
        for px, py in _route(drawing.shapes[source], drawing.shapes[target]):
            SubElement(edge, q(DI_NS, "waypoint"), {"x": _num(px), "y": _num(py)})


def _route(source: Box, target: Box) -> list[tuple[float, float]]:
    """An orthogonal path from the source's right side to the target's left side."""
    sx, sy, sw, sh = source
    tx, ty, tw, th = target
    start = (sx + sw, sy + sh / 2)
    end = (tx, ty + th / 2)
    if tx < sx + sw:  # a flow back (a loop): leave from the bottom and come round
        below = max(sy + sh, ty + th) + 40
        return [
            (sx + sw / 2, sy + sh),
            (sx + sw / 2, below),
            (tx + tw / 2, below),
            (tx + tw / 2, ty + th),
        ]
    if abs(start[1] - end[1]) < 0.5:
        return [start, end]
    middle = (start[0] + end[0]) / 2
    return [start, (middle, start[1]), (middle, end[1]), end]


def _bounds(x: float, y: float, w: float, h: float) -> dict[str, str]:
    return {"x": _num(x), "y": _num(y), "width": _num(w), "height": _num(h)}


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
