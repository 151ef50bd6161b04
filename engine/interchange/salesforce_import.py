"""Import a Salesforce Flow Orchestration (`*.flow-meta.xml`, processType Orchestrator).

Mapping (the full table is in docs/interchange-readme-section.md): the start element gives
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
import re
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from engine.definition import from_dict
from engine.errors import DefinitionLoadError, InterchangeError
from engine.interchange.report import ImportResult, Report
from engine.interchange.safe_xml import local_name, namespace_of, read_xml_file
from engine.interchange.salesforce_conditions import (
    Condition,
    Untranslatable,
    combine,
    condition_to_baton,
    value_to_baton,
)
from engine.interchange.salesforce_xml import (
    EVALUATION_FLOW_NOTE,
    SF_NS,
    child,
    children,
    fingerprint,
    flag,
    read_baton_value,
    text,
    typed_value,
)

SCREEN_FLOW_NOTE = "Salesforce screen flow: "
"""Guidance of an imported interactive step names the screen flow it runs in Salesforce."""
RECORD_ID_INPUT = "ActionInput__RecordId"

_TYPES = {
    "String": "text",
    "Number": "number",
    "Currency": "number",
    "Boolean": "boolean",
    "Date": "date",
    "DateTime": "datetime",
}
_ON = {"Create": ["created"], "Update": ["updated"], "CreateAndUpdate": ["created", "updated"]}
_ASSIGNEE = {"user": "user", "group": "group", "queue": "queue"}
_IDENT = re.compile(r"[^A-Za-z0-9_]")


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


def identifier(name: str) -> str:
    """A Baton id made from any name."""
    cleaned = _IDENT.sub("_", name) or "orchestration"
    return cleaned if not cleaned[0].isdigit() else f"_{cleaned}"


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
    definition = FlowReader(root, api_name, report).read()
    try:
        return ImportResult(from_dict(definition, source=source), report)
    except DefinitionLoadError as exc:
        raise InterchangeError(
            exc.message, file=source, element=exc.element, hint=exc.hint
        ) from None


class FlowReader:
    """Maps the elements of one Orchestrator flow; export uses it to fingerprint elements."""

    def __init__(self, root: Element, api_name: str, report: Report) -> None:
        self.root = root
        self.api_name = api_name
        self.report = report
        self.steps = {
            text(s, "name", "") or ""
            for stage in children(root, "orchestratedStages")
            for s in children(stage, "stageSteps")
        }
        self.standins: list[dict[str, Any]] = []
        self.outputs = _referenced_outputs(root, self.steps)

    # --- the whole flow ---------------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        stored = read_baton_value(self.root) or {}
        original = stored.get("orchestration") or {}
        start = child(self.root, "start")
        start_id = original.get("start", "start")
        ends = original.get("ends") or [{"id": "end", "type": "end"}]
        end_id = ends[0]["id"]

        nodes: list[dict[str, Any]] = [{"id": start_id, "type": "start"}]
        flows: list[dict[str, Any]] = []
        target = text(child(start, "connector"), "targetReference") if start is not None else None
        flows.append({"from": start_id, "to": target or end_id})
        for element in children(self.root, "orchestratedStages"):
            node, end = self._stage_node(element)
            nodes.append(node)
            exit_to = text(child(element, "connector"), "targetReference")
            flows.append({"from": node["id"], "to": exit_to or end or end_id})
        for element in children(self.root, "decisions"):
            node, leaving = self._decision(element, end_id)
            nodes.append(node)
            flows.extend(leaving)
        nodes.extend(ends)

        plain = self.plain_top(start)
        if original and stored.get("seen") == fingerprint(plain):
            top = {k: original[k] for k in ("trigger", "variables", "layout") if k in original}
        else:
            if original:
                self.report.add("orchestration", "trigger or variables changed in Salesforce")
            top = plain
            self.report.items.extend(self._pending)
            top["variables"] = [*top["variables"], *self.standins]
        return {
            "schema": "baton/1",
            "id": original.get("id", self.api_name),
            "name": text(self.root, "label", "") or "",
            "version": original.get("version", 1),
            "description": text(self.root, "description", "") or "",
            **top,
            "nodes": _ordered(nodes, original.get("node_order"), lambda n: n["id"]),
            "flows": _ordered(flows, original.get("flow_order"), lambda f: [f["from"], f["to"]]),
        }

    def plain_top(self, start: Element | None) -> dict[str, Any]:
        """Trigger, variables and layout as Salesforce says them (ignoring Baton's data)."""
        pending_before = len(self.report.items)
        trigger = self._trigger(start)
        variables = [self._variable(v) for v in children(self.root, "variables")]
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
                layout[key] = {"x": _number(x), "y": _number(y)}
        # Report lines from the trigger and variables only count when they are used.
        self._pending = self.report.items[pending_before:]
        del self.report.items[pending_before:]
        return {"trigger": trigger, "variables": variables, "layout": layout}

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
        if flag(start, "doesRequireRecordChangedToMeetCriteria"):
            self.report.add(
                "start",
                "'only when the record changes to meet the criteria' is not mapped; "
                "Baton checks the condition on every save",
            )
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

    def _variable(self, element: Element) -> dict[str, Any]:
        name = text(element, "name", "") or ""
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
                else _number(raw)
                if kind == "numberValue"
                else raw
            )
        if text(element, "description"):
            variable["description"] = text(element, "description")
        return variable

    # --- stages and steps -------------------------------------------------------------------

    def _stage_node(self, element: Element) -> tuple[dict[str, Any], str | None]:
        stored = read_baton_value(element) or {}
        mark = len(self.report.items)
        standins = len(self.standins)
        plain = self.plain_stage(element)
        if stored.get("node") and stored.get("seen") == fingerprint(plain):
            del self.report.items[mark:]  # exported by Baton and unchanged: exact original
            del self.standins[standins:]
            return stored["node"], stored.get("end")
        if stored.get("node"):
            plain = _keep_baton_details(plain, stored["node"])
            self.report.add(plain["id"], "changed in Salesforce since Baton exported it")
        return plain, stored.get("end")

    def plain_stage(self, element: Element) -> dict[str, Any]:
        """A stage as Salesforce says it (ignoring Baton's data)."""
        name = text(element, "name", "") or ""
        node: dict[str, Any] = {"id": name, "type": "stage"}
        if text(element, "label"):
            node["name"] = text(element, "label")
        node["steps"] = [s for s in map(self._step, children(element, "stageSteps")) if s]
        exit_flow = text(element, "exitActionName")
        conditions = children(element, "exitConditions")
        if exit_flow:
            node["exit_condition"] = self._evaluation_flow(name, exit_flow)
        elif conditions:
            node["exit_condition"] = self._condition(
                name, conditions, text(element, "exitConditionLogic"), "exit condition"
            )
        fault = text(child(element, "faultConnector"), "targetReference")
        if fault:
            self.report.add(
                name,
                f"the fault path to {fault} is not mapped; a failing step "
                "fails the run, where an admin can retry or skip it",
            )
        return node

    def _step(self, element: Element) -> dict[str, Any] | None:
        name = text(element, "name", "") or ""
        action_type = (text(element, "actionType") or "").lower()
        action = text(element, "actionName", "") or ""
        step: dict[str, Any] = {"id": name}
        if text(element, "label"):
            step["name"] = text(element, "label")
        if action_type == "stepinteractive":
            step["type"] = "interactive"
            step["assignee"] = self._assignee(name, element)
            step["guidance"] = SCREEN_FLOW_NOTE + action
            # The screen flow's outputs are what the orchestration reads of this step.
            step["outputs"] = [
                {"name": output, "type": kind}
                for output, kind in self.outputs.get(name, {}).items()
            ]
            if children(element, "exitConditions"):
                self.report.add(
                    name,
                    "step exit conditions are not mapped; the step is done "
                    "when its work item is completed",
                )
            for param in children(element, "inputParameters"):
                if text(param, "name") != RECORD_ID_INPUT:
                    self.report.add(
                        name,
                        f"input {text(param, 'name')} of the screen flow "
                        "is not mapped (interactive steps take no inputs)",
                    )
        elif action_type in ("stepbackground", "stepmulesoft"):
            step["type"] = "background"
            step["action"] = f"salesforce:{action}"
            step["inputs"] = self._inputs(name, element)
            if action_type == "stepmulesoft":
                self.report.add(name, "a MuleSoft step runs as a stand-in background action")
        else:
            self.report.add(
                name,
                f"a step of type {text(element, 'actionType')} is not "
                "imported; Baton has interactive and background steps",
            )
            return None
        for param in children(element, "outputParameters"):
            self.report.add(
                name,
                f"output {text(param, 'name')} -> {text(param, 'assignToReference')} is not mapped",
            )
        self._entry(name, element, step)
        return {k: v for k, v in step.items() if v not in (None, {}, [])}

    def _assignee(self, step: str, element: Element) -> str | None:
        holders = children(element, "assignees")
        if not holders:
            self.report.add(step, "no assignee; set one before activating")
            return None
        if len(holders) > 1:
            self.report.add(step, "several assignees; Baton assigns to the first")
        kind = (text(holders[0], "assigneeType") or "").lower()
        value = typed_value(child(holders[0], "assignee"))
        if kind not in _ASSIGNEE or value is None or value[0] != "stringValue":
            shown = value[1] if value else "(none)"
            self.report.add(
                step,
                f"the assignee {shown} ({kind or 'no type'}) is resolved at "
                "run time in Salesforce; set a user, group or queue in Baton",
            )
            return None
        return f"{_ASSIGNEE[kind]}:{value[1]}"

    def _inputs(self, step: str, element: Element) -> dict[str, str]:
        inputs: dict[str, str] = {}
        for param in children(element, "inputParameters"):
            key = text(param, "name", "") or ""
            value = typed_value(child(param, "value"))
            try:
                inputs[key] = value_to_baton(*value, self.steps) if value else "None"
            except Untranslatable as why:
                self.report.add(step, f"input {key} not mapped: {why}")
        return inputs

    def _entry(self, name: str, element: Element, step: dict[str, Any]) -> None:
        evaluation = text(element, "entryActionName")
        if evaluation:
            step["condition"] = self._evaluation_flow(name, evaluation)
            return
        conditions = children(element, "entryConditions")
        logic = text(element, "entryConditionLogic") or "and"
        rest = []
        for item in conditions:
            left = text(item, "leftValueReference", "") or ""
            right = typed_value(child(item, "rightValue"))
            owner, _, field = left.partition(".")
            is_status = field == "Status" and owner in self.steps
            if (
                is_status
                and text(item, "operator") == "EqualTo"
                and right == ("stringValue", "Completed")
            ):
                step.setdefault("after", []).append(owner)
            else:
                rest.append(item)
        if step.get("after") and logic.lower() != "and":
            self.report.add(
                name,
                f"entry logic {logic!r} mixes step completions with other "
                "conditions; Baton waits for all the completed steps",
            )
            logic = "and"
        if rest:
            self.report.add(
                name,
                "Baton checks the entry condition once, when the step "
                "becomes ready, and skips the step if it is false",
            )
            step["condition"] = self._condition(name, rest, logic, "entry condition")

    # --- conditions -------------------------------------------------------------------------

    def _condition(self, owner: str, items: list[Element], logic: str | None, what: str) -> str:
        conditions = [
            Condition(
                text(i, "leftValueReference", "") or "",
                text(i, "operator", "") or "",
                typed_value(child(i, "rightValue")),
            )
            for i in items
        ]
        try:
            return combine([condition_to_baton(c, self.steps) for c in conditions], logic)
        except Untranslatable as why:
            standin = f"{owner}_condition_met"
            self.report.add(
                owner,
                f"the {what} is not mapped ({why}); it reads the stand-in "
                f"variable {standin}: replace it with an expression",
            )
            self._add_standin(standin, f"Stands in for a Salesforce {what} of {owner}.")
            return standin

    def _evaluation_flow(self, owner: str, flow: str) -> str:
        standin = identifier(f"{flow}_met")
        self.report.add(
            owner,
            f"evaluation flow {flow} is a stand-in variable {standin} "
            "(false until set); fill in the condition",
        )
        self._add_standin(standin, f"{EVALUATION_FLOW_NOTE}{flow} (isOrchestrationConditionMet).")
        return standin

    def _add_standin(self, name: str, description: str) -> None:
        if all(v["name"] != name for v in self.standins):
            self.standins.append(
                {"name": name, "type": "boolean", "default": False, "description": description}
            )

    # --- decisions --------------------------------------------------------------------------

    def _decision(self, element: Element, end_id: str) -> tuple[dict[str, Any], list[Any]]:
        stored = read_baton_value(element) or {}
        mark, standins = len(self.report.items), len(self.standins)
        node, flows = self.plain_decision(element, end_id)
        if stored.get("node") and stored.get("seen") == fingerprint({"node": node, "flows": flows}):
            del self.report.items[mark:]
            del self.standins[standins:]
            return stored["node"], stored["flows"]
        return node, flows

    def plain_decision(self, element: Element, end_id: str) -> tuple[dict[str, Any], list[Any]]:
        """A decision node and its flows as Salesforce says them (ignoring Baton's data)."""
        name = text(element, "name", "") or ""
        node = {"id": name, "type": "decision", "name": text(element, "label", "") or ""}
        flows = []
        for rule in children(element, "rules"):
            condition = self._condition(
                text(rule, "name", name) or name,
                children(rule, "conditions"),
                text(rule, "conditionLogic"),
                "decision outcome",
            )
            target = text(child(rule, "connector"), "targetReference") or end_id
            flows.append({"from": name, "to": target, "condition": condition})
        default = text(child(element, "defaultConnector"), "targetReference") or end_id
        flows.append({"from": name, "to": default, "default": True})
        return node, flows


_VALUE_TYPES = {
    "booleanValue": "boolean",
    "numberValue": "number",
    "dateValue": "date",
    "dateTimeValue": "datetime",
}


def _referenced_outputs(root: Element, steps: set[str]) -> dict[str, dict[str, str]]:
    """step -> output -> type, for every `Step.Outputs.name` the flow reads anywhere."""
    found: dict[str, dict[str, str]] = {}
    for holder in root.iter():
        for item in holder:
            tag = local_name(item.tag)
            if tag not in ("leftValueReference", "elementReference"):
                continue
            parts = (item.text or "").strip().split(".")
            if len(parts) != 3 or parts[0] not in steps or parts[1] != "Outputs":
                continue
            kind = "text"
            if tag == "leftValueReference":
                value = typed_value(child(holder, "rightValue"))
                kind = _VALUE_TYPES.get(value[0], "text") if value else "text"
            found.setdefault(parts[0], {}).setdefault(parts[2], kind)
    return found


def _keep_baton_details(plain: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """Salesforce wins on structure; Baton-only details it cannot hold are kept."""
    if "max_visits" in original:
        plain["max_visits"] = original["max_visits"]
    before = {s["id"]: s for s in original.get("steps", [])}
    for step in plain["steps"]:
        old = before.get(step["id"], {})
        for key in ("guidance", "outputs", "due", "escalate_to", "retry"):
            if key in old and old.get("type") == step.get("type"):
                step[key] = old[key]
    return plain


def _ordered(items: list[Any], order: list[Any] | None, key: Any) -> list[Any]:
    """Put items in a stored order when it names exactly the same items."""
    if not order or sorted(map(str, order)) != sorted(str(key(i)) for i in items):
        return items
    rank = {str(k): n for n, k in enumerate(order)}
    return sorted(items, key=lambda i: rank[str(key(i))])


def _number(raw: str | None) -> float | int:
    value = float(raw or 0)
    return int(value) if value.is_integer() else value
