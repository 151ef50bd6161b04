"""Baton-only data attached to exported Salesforce metadata, so an import gives it back.

Each stage, decision and the flow itself carry a `processMetadataValues` entry named
`Baton` holding the exact Baton form and a fingerprint of what a plain import of the
element gives; `salesforce_import` uses the stored form while the fingerprint still
matches (the element was not edited in Salesforce).
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from engine.definition import DecisionNode, EndNode, Orchestration, StageNode, to_dict
from engine.interchange.report import Report
from engine.interchange.salesforce_import import FlowReader
from engine.interchange.salesforce_reading import identifier
from engine.interchange.salesforce_xml import add_baton_value, fingerprint, sf


def attach_baton_values(
    root: Element,
    start: Element,
    stages: list[tuple[Element, StageNode]],
    decisions: list[tuple[Element, DecisionNode]],
    definition: Orchestration,
) -> None:
    """Fingerprint each element as a plain import sees it, then attach the exact original."""
    ends = [n for n in definition.nodes if isinstance(n, EndNode)]
    end_id = ends[0].id if ends else "end"
    reader = FlowReader(root, identifier(definition.id), Report("fingerprint"))
    flows = [
        f.model_dump(mode="json", by_alias=True, exclude_defaults=True) for f in definition.flows
    ]
    for element, stage in stages:
        data: dict[str, Any] = {
            "node": stage.model_dump(mode="json", exclude_defaults=True) | {"type": "stage"},
            "seen": fingerprint(reader.plain_stage(element)),
        }
        exit_flow = next((f for f in flows if f["from"] == stage.id and not f.get("fault")), None)
        if exit_flow and isinstance(definition.node(exit_flow["to"]), EndNode):
            data["end"] = exit_flow["to"]
        fault = next((f for f in flows if f["from"] == stage.id and f.get("fault")), None)
        if fault:
            # Its name, and a route to an end (no faultConnector in Salesforce terms).
            data["fault"] = fault
        add_baton_value(element, data)
    for element, decision in decisions:
        node, leaving = reader.plain_decision(element, end_id)
        add_baton_value(
            element,
            {
                "node": decision.model_dump(mode="json", exclude_defaults=True)
                | {"type": "decision"},
                "flows": [f for f in flows if f["from"] == decision.id],
                "seen": fingerprint({"node": node, "flows": leaving}),
            },
        )
    whole = to_dict(definition)
    start_node = next((n for n in definition.nodes if n.type == "start"), None)
    original = {
        "id": definition.id,
        "version": definition.version,
        "trigger": whole["trigger"],
        "variables": whole["variables"],
        "layout": whole["layout"],
        "start": start_node.model_dump(mode="json", exclude_defaults=True) | {"type": "start"}
        if start_node
        else {"id": "start", "type": "start"},
        "ends": [e.model_dump(mode="json", exclude_defaults=True) | {"type": "end"} for e in ends],
        "node_order": [n.id for n in definition.nodes],
        "flow_order": [[f["from"], f["to"]] for f in flows],
    }
    plain = reader.plain_top(start)
    holder = Element(sf("holder"))
    add_baton_value(holder, {"orchestration": original, "seen": fingerprint(plain)})
    position = list(root).index(next(e for e in root if e.tag == sf("processType")))
    root.insert(position, holder[0])
