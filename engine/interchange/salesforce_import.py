"""Import a Salesforce Flow Orchestration (`*.flow-meta.xml`, processType Orchestrator).

Mapping (the full table is in docs/interchange.md): the start element gives
the trigger (record-triggered with filters -> a record trigger with a condition; otherwise
manual, with `isInput` variables as inputs); `orchestratedStages` become stages,
`stageSteps` steps (interactive with their assignee; background running the stand-in action
`salesforce:<FlowApiName>`), an entry condition `Step.Status EqualTo Completed` becomes
`after`, decisions become decision nodes with conditional flows and a default. Evaluation
flows and conditions Baton cannot express become boolean stand-in variables the admin fills
in. Everything not carried over is listed in the import report with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from engine.definition import from_dict
from engine.errors import DefinitionLoadError, InterchangeError
from engine.interchange.loops import guard_loops
from engine.interchange.report import ImportResult, Report
from engine.interchange.safe_xml import local_name, namespace_of, read_xml_file
from engine.interchange.salesforce_conditions import (
    Condition,
    Untranslatable,
    combine,
    condition_to_baton,
)
from engine.interchange.salesforce_reading import as_number, identifier
from engine.interchange.salesforce_stages import StageReader
from engine.interchange.salesforce_unmapped import report_unmapped
from engine.interchange.salesforce_xml import (
    BATON_VALUE,
    CONSTANT_NOTE,
    SF_NS,
    child,
    children,
    fingerprint,
    flag,
    read_baton_value,
    text,
    typed_value,
)

_TYPES = {
    "String": "text",
    "Number": "number",
    "Currency": "number",
    "Boolean": "boolean",
    "Date": "date",
    "DateTime": "datetime",
}
_ON = {"Create": ["created"], "Update": ["updated"], "CreateAndUpdate": ["created", "updated"]}


def import_salesforce(path: str | os.PathLike[str]) -> ImportResult:
    """Read an Orchestrator flow file into an orchestration, with an import report.

    Raises:
        InterchangeError: not Flow metadata, not an orchestration (e.g. a screen flow),
            unsafe or malformed XML, or too large.
    """
    root = read_xml_file(path)
    return import_salesforce_element(root, source=str(path), api_name=api_name_of(path))


def api_name_of(path: str | os.PathLike[str]) -> str:
    """`force-app/.../Deal_Review.flow-meta.xml` -> `Deal_Review` (the flow's API name)."""
    name = Path(path).name
    for suffix in (".flow-meta.xml", ".flow", ".xml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return identifier(name)


def import_salesforce_element(root: Element, *, source: str, api_name: str) -> ImportResult:
    """Map an already parsed `Flow` element (see `import_salesforce`)."""
    if local_name(root.tag) != "Flow" or namespace_of(root.tag) != SF_NS:
        raise InterchangeError(
            f"not Salesforce Flow metadata (the root element is <{local_name(root.tag)}>)",
            file=source,
            hint=f'a flow file starts with <Flow xmlns="{SF_NS}">',
        )
    process_type = text(root, "processType")
    if process_type != "Orchestrator":
        kind = {"Flow": "a screen flow", "AutoLaunchedFlow": "an autolaunched flow"}.get(
            process_type or "", f"a flow of type {process_type or '(none)'}"
        )
        raise InterchangeError(
            f"this is {kind}, not an orchestration (processType is not Orchestrator)",
            file=source,
            hint="import the Orchestrator flow; the flows its steps run stay in Salesforce",
        )
    report = Report(source)
    try:
        definition = FlowReader(root, api_name, report).read()
    except InterchangeError as exc:
        exc.file = exc.file or source
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        # Only Baton's stored data is read without checking each key: it was written by
        # Baton, so a value of the wrong shape means it was edited by hand.
        raise InterchangeError(
            f"the Baton metadata values in this flow are damaged ({type(exc).__name__}: "
            f"{str(exc)[:60]})",
            file=source,
            hint="remove the processMetadataValues entries named Baton to import the flow "
            "as Salesforce describes it, or export it from Baton again",
        ) from None
    try:
        return ImportResult(from_dict(definition, source=source), report)
    except DefinitionLoadError as exc:
        raise InterchangeError(
            exc.message, file=source, element=exc.element, hint=exc.hint
        ) from None


class FlowReader(StageReader):
    """Maps one Orchestrator flow; export uses it to fingerprint what it wrote."""

    def __init__(self, root: Element, api_name: str, report: Report) -> None:
        super().__init__(root, report)
        self.api_name = api_name

    # --- the whole flow ---------------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        """The orchestration as a raw definition dict (notes go to the report)."""
        stored = read_baton_value(self.root) or {}
        original = stored.get("orchestration") or {}
        start = child(self.root, "start")
        taken = self.steps | {
            text(e, "name", "") or ""
            for tag in ("orchestratedStages", "decisions", "variables")
            for e in children(self.root, tag)
        }
        start_node = original.get("start") or {"id": _free("start", taken), "type": "start"}
        start_id = start_node["id"]
        ends = original.get("ends") or [{"id": _free("end", taken), "type": "end"}]
        end_id = ends[0]["id"]

        nodes: list[dict[str, Any]] = [start_node]
        flows: list[dict[str, Any]] = []
        target = text(child(start, "connector"), "targetReference") if start is not None else None
        flows.append({"from": start_id, "to": target or end_id})
        for element in children(self.root, "orchestratedStages"):
            node, end = self.stage_node(element)
            nodes.append(node)
            exit_to = text(child(element, "connector"), "targetReference")
            flows.append({"from": node["id"], "to": exit_to or end or end_id})
            fault = self.fault_flow(element, node["id"], {e["id"] for e in ends})
            if fault is not None:
                flows.append(fault)
        for element in children(self.root, "decisions"):
            node, leaving = self._decision(element, end_id)
            nodes.append(node)
            flows.extend(leaving)
        nodes.extend(ends)

        with self.aside() as notes:
            plain = self.plain_top(start)
        if original and stored.get("seen") == fingerprint(plain):
            top = {k: original[k] for k in ("trigger", "variables", "layout") if k in original}
        else:
            if original:
                self.report.add("orchestration", "trigger or variables changed in Salesforce")
            top = plain
            self.keep(notes)
        # Stand-ins that elements changed in (or never exported from) Salesforce need.
        declared = {v["name"] for v in top.get("variables", [])}
        extra = [v for v in self.standins if v["name"] not in declared]
        top["variables"] = [*top.get("variables", []), *extra]
        if not original:
            guard_loops(nodes, flows, self.report)
        return {
            "schema": "baton/1",
            "id": original.get("id", self.api_name),
            "name": text(self.root, "label", "") or "",
            "version": original.get("version", 1),
            "description": text(self.root, "description", "") or "",
            **top,
            "nodes": _ordered(nodes, original.get("node_order"), lambda n: n.get("id")),
            "flows": _ordered(
                flows, original.get("flow_order"), lambda f: [f.get("from"), f.get("to")]
            ),
        }

    def plain_top(self, start: Element | None) -> dict[str, Any]:
        """Trigger, variables and layout as Salesforce says them (ignoring Baton's data)."""
        trigger = self._trigger(start)
        report_unmapped(self.root, self.report, "orchestration")
        self._report_builder_settings()
        if start is not None:
            report_unmapped(start, self.report, "start")
        variables = [self._variable(v) for v in children(self.root, "variables")]
        variables += [self._constant(c) for c in children(self.root, "constants")]
        layout: dict[str, dict[str, float]] = {}
        for element in [
            start,
            *children(self.root, "orchestratedStages"),
            *children(self.root, "decisions"),
        ]:
            if element is None:
                continue
            key = "start" if element is start else text(element, "name", "") or ""
            x, y = text(element, "locationX"), text(element, "locationY")
            if x is not None or y is not None:
                layout[key] = {
                    "x": as_number(x, key, "locationX"),
                    "y": as_number(y, key, "locationY"),
                }
        return {"trigger": trigger, "variables": variables, "layout": layout}

    def _report_builder_settings(self) -> None:
        """Flow Builder's own settings (canvas mode, go-to connectors) are not kept."""
        settings = [
            text(v, "name", "") or ""
            for v in children(self.root, "processMetadataValues")
            if text(v, "name") != BATON_VALUE
        ]
        go_tos = [
            text(stage, "name", "") or ""
            for stage in children(self.root, "orchestratedStages")
            if flag(child(stage, "connector"), "isGoTo")
        ]
        if settings or go_tos:
            what = ", ".join(settings) + (" and " if settings and go_tos else "")
            what += "go-to connectors" if go_tos else ""
            self.report.add(
                "orchestration",
                f"Flow Builder settings ({what}) are not written back: an export opens in "
                "free-form layout; switch it to auto-layout in Flow Builder if you want it",
            )

    # --- trigger and variables --------------------------------------------------------------

    def _trigger(self, start: Element | None) -> dict[str, Any]:
        if start is None or text(start, "object") is None:
            if start is not None and child(start, "schedule") is not None:
                self.report.add("start", "a scheduled start is not mapped; the run starts by hand")
            return {"type": "manual"}
        trigger: dict[str, Any] = {"type": "record", "object": text(start, "object")}
        trigger["on"] = _ON.get(text(start, "recordTriggerType", "Create") or "", ["created"])
        kind = text(start, "triggerType")
        if kind not in (None, "RecordAfterSave"):
            self.report.add("start", f"trigger type {kind} runs as after-save in Baton")
        if "updated" in trigger["on"] and not flag(start, "doesRequireRecordChangedToMeetCriteria"):
            # false (or left out): Salesforce starts on every update that meets the criteria;
            # true: only on an update that makes them met, which is Baton's default.
            trigger["every_update"] = True
        filters = [
            Condition(
                "$Record." + (text(f, "field") or ""),
                text(f, "operator") or "",
                typed_value(child(f, "value")),
            )
            for f in children(start, "filters")
        ]
        if filters:
            try:
                parts = [condition_to_baton(c, self.steps) for c in filters]
                trigger["condition"] = combine(parts, text(start, "filterLogic"))
            except Untranslatable as why:
                self.report.add("start", f"entry criteria not mapped: {why}")
        if child(start, "filterFormula") is not None:
            self.report.add("start", "a formula entry condition is not mapped; rewrite it")
        return trigger

    def _constant(self, element: Element) -> dict[str, Any]:
        """A flow constant (a resource) as a variable with that value, marked for export."""
        variable = self._variable(element)
        note = CONSTANT_NOTE + (f" {variable['description']}" if "description" in variable else "")
        return variable | {"description": note}

    def _variable(self, element: Element) -> dict[str, Any]:
        name = text(element, "name", "") or ""
        report_unmapped(element, self.report)
        data_type = text(element, "dataType", "String") or "String"
        variable: dict[str, Any] = {"name": name, "type": _TYPES.get(data_type, "json")}
        if data_type not in _TYPES or flag(element, "isCollection"):
            variable["type"] = "json"
            self.report.add(name, f"a {data_type} variable is kept as json in Baton")
        if flag(element, "isInput"):
            variable["input"] = True
        value = typed_value(child(element, "value"))
        if value is not None:
            kind, raw = value
            variable["default"] = (
                raw.lower() == "true"
                if kind == "booleanValue"
                else as_number(raw, name, "value")
                if kind == "numberValue"
                else raw
            )
        if text(element, "description"):
            variable["description"] = text(element, "description")
        return variable

    # --- decisions --------------------------------------------------------------------------

    def _decision(self, element: Element, end_id: str) -> tuple[dict[str, Any], list[Any]]:
        stored = read_baton_value(element) or {}
        with self.aside() as notes:
            node, flows = self.plain_decision(element, end_id)
        if stored.get("node") and stored.get("seen") == fingerprint({"node": node, "flows": flows}):
            return stored["node"], stored["flows"]
        self.keep(notes)
        return node, flows

    def plain_decision(self, element: Element, end_id: str) -> tuple[dict[str, Any], list[Any]]:
        """A decision node and its flows as Salesforce says them (ignoring Baton's data)."""
        name = text(element, "name", "") or ""
        report_unmapped(element, self.report)
        node = {"id": name, "type": "decision", "name": text(element, "label", "") or ""}
        flows = []
        for rule in children(element, "rules"):
            condition = self.condition(
                text(rule, "name", name) or name,
                children(rule, "conditions"),
                text(rule, "conditionLogic"),
                "decision outcome",
            )
            target = text(child(rule, "connector"), "targetReference") or end_id
            flow = {"from": name, "to": target, "condition": condition}
            flow["id"] = text(rule, "name") or None
            flow["name"] = text(rule, "label", "") or ""
            flows.append({k: v for k, v in flow.items() if v})
        default = text(child(element, "defaultConnector"), "targetReference") or end_id
        flow = {"from": name, "to": default, "default": True}
        if text(element, "defaultConnectorLabel"):
            flow["name"] = text(element, "defaultConnectorLabel")
        flows.append(flow)
        return node, flows


def _ordered(items: list[Any], order: list[Any] | None, key: Any) -> list[Any]:
    """Put items in a stored order when it names exactly the same items."""
    if not order or sorted(map(str, order)) != sorted(str(key(i)) for i in items):
        return items
    rank = {str(k): n for n, k in enumerate(order)}
    return sorted(items, key=lambda i: rank[str(key(i))])


def _free(name: str, taken: set[str]) -> str:
    """`name`, or `name_`, `name__`... when an element of the flow already uses it."""
    while name in taken:
        name += "_"
    return name
