"""Reading `orchestratedStages` and their `stageSteps` into Baton stages and steps."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree.ElementTree import Element

from engine.interchange.salesforce_conditions import (
    Untranslatable,
    assignee_reference_to_baton,
    exports_as,
    value_to_baton,
)
from engine.interchange.salesforce_kept import (
    SCREEN_FLOW_INPUTS_NOTE,
    raw_parameters,
    run_time_assignee_line,
)
from engine.interchange.salesforce_reading import ReaderBase
from engine.interchange.salesforce_unmapped import report_unmapped
from engine.interchange.salesforce_xml import (
    RESOURCE_NOTE,
    child,
    children,
    fingerprint,
    read_baton_value,
    text,
    typed_value,
)

SCREEN_FLOW_NOTE = "Salesforce screen flow: "
"""Guidance of an imported interactive step names the screen flow it runs in Salesforce."""
RECORD_ID_INPUT = "ActionInput__RecordId"
_ASSIGNEE = {"user": "user", "group": "group", "queue": "queue"}


class StageReader(ReaderBase):
    """Maps stages and steps; an unchanged Baton export gives back its exact stage."""

    def stage_node(self, element: Element) -> tuple[dict[str, Any], str | None]:
        """The stage, and the end node it leads to when it has no connector (if stored)."""
        stored = read_baton_value(element) or {}
        with self.aside() as notes:
            plain = self.plain_stage(element)
        if stored.get("node") and stored.get("seen") == fingerprint(plain):
            return stored["node"], stored.get("end")  # exported by Baton and unchanged
        self.keep(notes)
        if stored.get("node"):
            plain = keep_baton_details(plain, stored["node"])
            self.report.add(plain["id"], "changed in Salesforce since Baton exported it")
        return plain, stored.get("end")

    def plain_stage(self, element: Element) -> dict[str, Any]:
        """A stage as Salesforce says it (ignoring Baton's data)."""
        name = text(element, "name", "") or ""
        report_unmapped(element, self.report)
        node: dict[str, Any] = {"id": name, "type": "stage"}
        if text(element, "label"):
            node["name"] = text(element, "label")
        node["steps"] = [s for s in map(self._step, children(element, "stageSteps")) if s]
        exit_flow = text(element, "exitActionName")
        conditions = children(element, "exitConditions")
        if exit_flow:
            node["exit_condition"] = self.evaluation_flow(
                name, exit_flow, children(element, "exitActionInputParameters")
            )
        elif conditions:
            node["exit_condition"] = self.condition(
                name, conditions, text(element, "exitConditionLogic"), "exit condition"
            )
        return node

    def fault_flow(self, element: Element, stage_id: str, ends: set[str]) -> dict[str, Any] | None:
        """The stage's fault route: its `faultConnector`, or the route Baton exported when
        Salesforce still agrees (same target, or none for a route to one of `ends`)."""
        target = text(child(element, "faultConnector"), "targetReference")
        stored = (read_baton_value(element) or {}).get("fault")
        agrees = isinstance(stored, dict) and (
            stored.get("to") == target or (target is None and stored.get("to") in ends)
        )
        if agrees and stored.get("from") == stage_id:
            return stored
        return {"from": stage_id, "to": target, "fault": True} if target else None

    def _step(self, element: Element) -> dict[str, Any] | None:
        name = text(element, "name", "") or ""
        report_unmapped(element, self.report)
        action_type = (text(element, "actionType") or "").lower()
        action = text(element, "actionName", "") or ""
        step: dict[str, Any] = {"id": name}
        if text(element, "label"):
            step["name"] = text(element, "label")
        if action_type == "stepinteractive":
            step["type"] = "interactive"
            guidance = [SCREEN_FLOW_NOTE + action]
            step |= self._assignee(name, element, guidance)
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
            inputs = raw_parameters(children(element, "inputParameters"))
            if inputs != {RECORD_ID_INPUT: ["elementReference", self.default_record_id]}:
                # Inputs of the screen flow mean nothing to Baton's work item, but export
                # must give them back to Salesforce as they were.
                guidance.append(SCREEN_FLOW_INPUTS_NOTE + json.dumps(inputs))
                others = [key for key in inputs if key != RECORD_ID_INPUT]
                if others:
                    self.report.add(
                        name,
                        f"screen flow input(s) {', '.join(others)} are kept in the guidance "
                        "for export back to Salesforce; Baton's work item does not use them",
                    )
            step["guidance"] = "\n".join(guidance)
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

    def _assignee(self, step: str, element: Element, guidance: list[str]) -> dict[str, str]:
        """`assignee` for a fixed one; `assignee_from` (and its kind) for a reference."""
        holders = children(element, "assignees")
        if not holders:
            self.report.add(step, "no assignee; set one before activating")
            return {}
        if len(holders) > 1:
            self.report.add(step, "several assignees; Baton assigns to the first")
        kind = (text(holders[0], "assigneeType") or "").lower()
        value = typed_value(child(holders[0], "assignee"))
        if kind in _ASSIGNEE and value is not None and value[0] == "stringValue":
            return {"assignee": f"{_ASSIGNEE[kind]}:{value[1]}"}
        if kind in _ASSIGNEE and value is not None and value[0] == "elementReference":
            try:
                expression = assignee_reference_to_baton(value[1], self.steps)
            except Untranslatable as why:
                self.report.add(
                    step,
                    f"the assignee {value[1]} is not mapped ({why}); set assignee_from to "
                    "an expression naming the assignee (kept in the guidance for export)",
                )
            else:
                if not exports_as(expression, value[1], self.steps):
                    guidance.append(run_time_assignee_line(text(holders[0], "assigneeType"), value))
                self._resource_standin(step, expression)
                found = {"assignee_from": expression}
                return found | ({"assignee_kind": kind} if kind != "user" else {})
        elif value is not None:
            self.report.add(
                step,
                f"the assignee {value[1]} ({kind or 'no type'}) is not mapped; set a "
                "user:, group: or queue: assignee (kept in the guidance for export)",
            )
        if value is not None:
            guidance.append(
                run_time_assignee_line(text(holders[0], "assigneeType") or "User", value)
            )
        else:
            self.report.add(step, "the assignee is empty; set one before activating")
        return {}

    def _resource_standin(self, step: str, expression: str) -> None:
        """A text stand-in for a resource Baton does not compute (a formula, a template)."""
        if not re.fullmatch(r"[A-Za-z_]\w*", expression):
            return
        declared = {
            text(e, "name", "") or ""
            for tag in ("variables", "constants")
            for e in children(self.root, tag)
        }
        if expression in declared:
            return
        self.report.add(
            step,
            f"the assignee reads the resource {expression}, which Baton does not compute; "
            "it is a stand-in text variable: give it a value, or set assignee_from to an "
            "expression",
        )
        self.add_standin(expression, f"{RESOURCE_NOTE}{expression}.", "text")

    def _inputs(self, step: str, element: Element) -> dict[str, str]:
        inputs: dict[str, str] = {}
        for param in children(element, "inputParameters"):
            key = text(param, "name", "") or ""
            value = typed_value(child(param, "value"))
            try:
                inputs[key] = value_to_baton(*value, self.steps) if value else "None"
            except Untranslatable as why:
                self.report.add(
                    step,
                    f"input {key} not mapped: {why}; give the step an input expression "
                    "in Baton (variables, record.Field or Step.output)",
                )
        return inputs

    def _entry(self, name: str, element: Element, step: dict[str, Any]) -> None:
        evaluation = text(element, "entryActionName")
        if evaluation:
            step["condition"] = self.evaluation_flow(
                name, evaluation, children(element, "entryActionInputParameters")
            )
            return
        conditions = children(element, "entryConditions")
        logic = text(element, "entryConditionLogic") or "and"
        rest = []
        waits: list[int] = []
        for number, item in enumerate(conditions, start=1):
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
                waits.append(number)
            else:
                rest.append(item)
        if waits and logic.lower() != "and":
            inner = _logic_after_waits(logic, waits, len(conditions))
            if inner is None:
                self.report.add(
                    name,
                    f"entry logic {logic!r} mixes step completions with other "
                    "conditions; Baton waits for all the completed steps",
                )
            logic = inner or "and"
        if rest:
            self.report.add(
                name,
                "Baton checks the entry condition once, when the step "
                "becomes ready, and skips the step if it is false",
            )
            step["condition"] = self.condition(name, rest, logic, "entry condition")


_WAITS_THEN = re.compile(r"^\s*((?:\d+\s+AND\s+)+)\((.+)\)\s*$", re.IGNORECASE)


def _logic_after_waits(logic: str, waits: list[int], total: int) -> str | None:
    """`1 AND 2 AND (3 OR 4)` with waits 1, 2 -> `1 OR 2` for the remaining conditions.

    None when the logic does not require every wait and then the rest (Baton's `after`
    always waits for all the named steps).
    """
    match = _WAITS_THEN.match(logic)
    if not match:
        return None
    leading = sorted(int(n) for n in re.findall(r"\d+", match.group(1)))
    if leading != sorted(waits):
        return None
    others = [n for n in range(1, total + 1) if n not in waits]
    renumber = {old: new for new, old in enumerate(others, start=1)}
    inner = match.group(2)
    if any(int(n) not in renumber for n in re.findall(r"\d+", inner)):
        return None
    return re.sub(r"\d+", lambda m: str(renumber[int(m.group())]), inner)


def keep_baton_details(plain: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
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
