"""Export an orchestration as Salesforce Flow Orchestration metadata (processType Orchestrator).

The file is written as `status` Draft with an `apiVersion`, in an SFDX source layout
(`force-app/main/default/flows/NAME.flow-meta.xml` beside `sfdx-project.json`) so that
`sf project deploy start` takes it. Stages and decisions keep their names as API names;
`after` becomes `Step.Status EqualTo Completed` entry conditions; interactive steps carry
the reserved input `ActionInput__RecordId`. What Salesforce cannot express (wait steps,
Baton's built-in actions, some conditions) is listed in the export report, and every
Baton-only detail rides along in `processMetadataValues` so importing the export gives
back the same orchestration.
"""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ElementTree, indent, register_namespace

from engine.definition import (
    AnyStep,
    BackgroundStep,
    DecisionNode,
    EndNode,
    InteractiveStep,
    Orchestration,
    RecordTrigger,
    ScheduleTrigger,
    StageNode,
    Variable,
)
from engine.definition.io import write_atomic
from engine.interchange.report import ExportResult, Report
from engine.interchange.salesforce_baton_data import attach_baton_values
from engine.interchange.salesforce_conditions import Condition, Untranslatable, reference_of
from engine.interchange.salesforce_export_assignees import write_assignee
from engine.interchange.salesforce_export_conditions import (
    ConditionWriter,
    add_conditions,
    raw_parameters,
)
from engine.interchange.salesforce_kept import (
    SCREEN_FLOW_INPUTS_NOTE,
    guidance_line,
    json_parameters,
)
from engine.interchange.salesforce_reading import identifier
from engine.interchange.salesforce_stages import RECORD_ID_INPUT, SCREEN_FLOW_NOTE
from engine.interchange.salesforce_xml import (
    API_VERSION,
    CONSTANT_NOTE,
    EVALUATION_FLOW_NOTE,
    RESOURCE_NOTE,
    SF_NS,
    add,
    add_value,
    number_text,
    sf,
)

_DATA_TYPES = {
    "text": "String",
    "number": "Number",
    "boolean": "Boolean",
    "date": "Date",
    "datetime": "DateTime",
    "json": "String",
}
_ON = {("created",): "Create", ("updated",): "Update", ("created", "updated"): "CreateAndUpdate"}


def export_salesforce(definition: Orchestration) -> ExportResult:
    """The orchestration as Orchestrator flow metadata, with a report of what did not fit."""
    return _Writer(definition).write()


def write_sfdx_project(definition: Orchestration, folder: str | Path) -> tuple[Path, Report]:
    """Write the flow into an SFDX source project at `folder`; return the flow file's path."""
    folder = Path(folder)
    result = export_salesforce(definition)
    flows = folder / "force-app" / "main" / "default" / "flows"
    flows.mkdir(parents=True, exist_ok=True)
    target = flows / f"{identifier(definition.id)}.flow-meta.xml"
    write_atomic(target, result.text)
    project = folder / "sfdx-project.json"
    if not project.exists():
        manifest = {
            "packageDirectories": [{"path": "force-app", "default": True}],
            "name": definition.id,
            "sourceApiVersion": API_VERSION,
        }
        write_atomic(project, json.dumps(manifest, indent=2) + "\n")
    return target, result.report


class _Writer(ConditionWriter):
    def __init__(self, definition: Orchestration) -> None:
        super().__init__(
            {step.id for _, step in definition.steps()},
            {v.name: v for v in definition.variables},
            Report(f"{definition.id} (Salesforce export)"),
        )
        self.definition = definition
        self.stage_of = {step.id: stage.id for stage, step in definition.steps()}
        self.ends = [n for n in definition.nodes if isinstance(n, EndNode)]
        self.end_id = self.ends[0].id if self.ends else "end"
        self.extra_variables: list[Element] = []
        self.record_id = "$Record.Id"
        if not isinstance(definition.trigger, RecordTrigger):
            self.record_id = "recordId"

    def write(self) -> ExportResult:
        definition = self.definition
        register_namespace("", SF_NS)
        root = Element(sf("Flow"))
        add(root, "apiVersion", API_VERSION)
        decisions = [self._decision(n) for n in definition.nodes if isinstance(n, DecisionNode)]
        root.extend(e for e, _ in decisions)
        if definition.description:
            add(root, "description", definition.description)
        add(root, "label", definition.name or definition.id)
        stages = [self._stage(n) for n in definition.stages()]
        root.extend(e for e, _ in stages)
        add(root, "processType", "Orchestrator")
        start = self._start()
        root.append(start)
        add(root, "status", "Draft")
        for variable in definition.variables:
            if variable.description.startswith(EVALUATION_FLOW_NOTE):
                continue  # the evaluation flow itself is written where it is used
            if variable.description.startswith(RESOURCE_NOTE):
                continue  # stands in for a formula or template, which Baton did not import
            if variable.description.startswith(CONSTANT_NOTE):
                root.append(self._constant(variable))
                continue
            root.append(
                self._variable(
                    variable.name,
                    variable.type,
                    variable.input,
                    variable.default,
                    variable.description,
                )
            )
        if (
            self.record_id == "recordId"
            and "recordId" not in self.variables
            and any(
                isinstance(s, InteractiveStep)
                and guidance_line(s.guidance, SCREEN_FLOW_INPUTS_NOTE) is None
                for _, s in definition.steps()
            )
        ):
            self.extra_variables.append(self._variable("recordId", "text", True, None, ""))
            self.report.add(
                "recordId",
                "added as an input: interactive steps show their work guide on this record's page",
            )
        root.extend(self.extra_variables)
        attach_baton_values(root, start, stages, decisions, self.definition)
        indent(root, space="    ")
        buffer = io.StringIO()
        ElementTree(root).write(buffer, encoding="unicode")
        text = f'<?xml version="1.0" encoding="UTF-8"?>\n{buffer.getvalue()}\n'
        return ExportResult(text, self.report)

    # --- elements ---------------------------------------------------------------------------

    def _location(self, element: Element, node_id: str) -> None:
        position = self.definition.layout.get(node_id)
        add(element, "locationX", str(round(position.x)) if position else "0")
        add(element, "locationY", str(round(position.y)) if position else "0")

    def _connector(self, element: Element, name: str, target: str | None) -> None:
        if target and not isinstance(self.definition.node(target), EndNode):
            add(add(element, name), "targetReference", target)

    def _start(self) -> Element:
        start = Element(sf("start"))
        node = next((n for n in self.definition.nodes if n.type == "start"), None)
        first = (
            self.definition.outgoing(node.id)[0].target
            if node and self.definition.outgoing(node.id)
            else None
        )
        self._connector(start, "connector", first)
        trigger = self.definition.trigger
        if isinstance(trigger, RecordTrigger):
            conditions, logic = self.conditions("start", trigger.condition, "trigger condition")
            record_only = all(c.left.startswith("$Record.") for c in conditions)
            if conditions and record_only:
                add(start, "filterLogic", logic)
                for condition in conditions:
                    item = add(start, "filters")
                    add(item, "field", condition.left.removeprefix("$Record."))
                    add(item, "operator", condition.operator)
                    if condition.right:
                        add_value(item, "value", *condition.right)
            elif conditions:
                self.report.add(
                    "start",
                    "the trigger condition reads more than the record; "
                    "add the entry criteria in Salesforce",
                )
        node_id = node.id if node else "start"
        self._location(start, node_id)
        if isinstance(trigger, RecordTrigger):
            # Written either way: Salesforce's default (false) is not Baton's.
            changed_only = "false" if trigger.every_update else "true"
            add(start, "doesRequireRecordChangedToMeetCriteria", changed_only)
            add(start, "object", trigger.object)
            add(start, "recordTriggerType", _ON.get(tuple(sorted(trigger.on)), "Create"))
            add(start, "triggerType", "RecordAfterSave")
        elif isinstance(trigger, ScheduleTrigger):
            self.report.add(
                "start",
                f"the schedule {trigger.cron!r} is not exported; "
                "schedule the orchestration in Salesforce",
            )
        return start

    def _variable(
        self, name: str, kind: str, is_input: bool, default: Any, description: str
    ) -> Element:
        element = Element(sf("variables"))
        add(element, "name", name)
        if description:
            add(element, "description", description)
        add(element, "dataType", _DATA_TYPES[kind])
        if kind == "json":
            self.report.add(name, "a json variable is exported as text")
        add(element, "isCollection", "false")
        add(element, "isInput", "true" if is_input else "false")
        add(element, "isOutput", "false")
        if default is not None and not isinstance(default, dict | list):
            add_value(element, "value", *_typed(default))
        return element

    def _constant(self, variable: Variable) -> Element:
        element = Element(sf("constants"))
        add(element, "name", variable.name)
        description = variable.description.removeprefix(CONSTANT_NOTE).strip()
        if description:
            add(element, "description", description)
        add(element, "dataType", _DATA_TYPES[variable.type])
        if variable.default is not None and not isinstance(variable.default, dict | list):
            add_value(element, "value", *_typed(variable.default))
        return element

    def _stage(self, stage: StageNode) -> tuple[Element, StageNode]:
        element = Element(sf("orchestratedStages"))
        add(element, "name", stage.id)
        add(element, "label", stage.name or stage.id)
        self._location(element, stage.id)
        leaving = self.definition.outgoing(stage.id)
        self._connector(element, "connector", leaving[0].target if leaving else None)
        fault = self.definition.fault_flow(stage.id)
        if fault is not None:
            self._connector(element, "faultConnector", fault.target)
            if isinstance(self.definition.node(fault.target), EndNode):
                self.report.add(
                    stage.id,
                    f"Salesforce fault paths lead to a stage or decision, so the fault route "
                    f"to end {fault.target} is kept for Baton only (in Salesforce a failing "
                    "step fails the run)",
                )
        evaluation = self.evaluation_flow(stage.exit_condition)
        if stage.exit_condition and evaluation is None:
            conditions, logic = self.conditions(stage.id, stage.exit_condition, "exit condition")
            if conditions:
                add(element, "exitConditionLogic", logic)
                add_conditions(element, "exitConditions", conditions)
            else:
                evaluation = identifier(f"{stage.id}_Exit_Evaluation")
                self.report.add(
                    stage.id,
                    f"create the evaluation flow {evaluation} for the "
                    f"exit condition {stage.exit_condition!r}",
                )
        if evaluation:
            raw_parameters(
                element, "exitActionInputParameters", self.evaluation_inputs(stage.exit_condition)
            )
            add(element, "exitActionName", evaluation)
            add(element, "exitActionType", "evaluationFlow")
        elif not stage.exit_condition:
            add(element, "exitConditionLogic", "and")
        if stage.max_visits:
            self.report.add(stage.id, "Salesforce has no loop guard; max_visits is kept for Baton")
        for step in stage.steps:
            element.append(self._step(step))
        return element, stage

    def _step(self, step: AnyStep) -> Element:
        element = Element(sf("stageSteps"))
        add(element, "name", step.id)
        add(element, "label", step.name or step.id)
        if isinstance(step, InteractiveStep):
            add(element, "actionName", self._screen_flow(step))
            add(element, "actionType", "stepInteractive")
            write_assignee(element, step, self.steps, self.report)
        else:
            add(element, "actionName", self._flow_for(step))
            add(element, "actionType", "stepBackground")
        self.entry(element, step)
        if isinstance(step, InteractiveStep):
            kept = guidance_line(step.guidance, SCREEN_FLOW_INPUTS_NOTE)
            inputs = json_parameters(kept) if kept is not None else {}
            inputs = inputs or {RECORD_ID_INPUT: ["elementReference", self.record_id]}
            raw_parameters(element, "inputParameters", inputs)
        elif isinstance(step, BackgroundStep):
            for name, expression in step.inputs.items():
                param = add(element, "inputParameters")
                add(param, "name", name)
                add_value(param, "value", *self._input_value(step.id, name, expression))
        add(
            element,
            "stepSubtype",
            "InteractiveStep" if step.type == "interactive" else "BackgroundStep",
        )
        return element

    def _screen_flow(self, step: InteractiveStep) -> str:
        if step.guidance.startswith(SCREEN_FLOW_NOTE):
            return step.guidance[len(SCREEN_FLOW_NOTE) :].split()[0]
        name = identifier(f"{step.id}_Work_Guide")
        self.report.add(
            step.id,
            f"create the screen flow {name} showing the guidance and asking for the outputs",
        )
        return name

    def _flow_for(self, step: AnyStep) -> str:
        if isinstance(step, BackgroundStep) and step.action.startswith("salesforce:"):
            return step.action.removeprefix("salesforce:")
        if isinstance(step, BackgroundStep):
            name = identifier(f"Baton_{step.action}")
            self.report.add(
                step.id,
                f"Baton's action {step.action!r} has no Salesforce "
                f"counterpart: create the autolaunched flow {name}",
            )
            return name
        name = identifier(f"Baton_Wait_{step.id}")
        self.report.add(
            step.id,
            "Salesforce has no wait step; it becomes a background step "
            f"running {name}, an autolaunched flow that must wait for the event",
        )
        buffer = getattr(step, "buffer", None)
        if buffer:
            # No Salesforce element keeps an event that came early; the Baton data does,
            # so importing the export gives the buffer back.
            self.report.add(
                step.id,
                f"the event buffer {buffer} has no Salesforce form: {name} must itself keep "
                "an event sent before it starts; the buffer is kept for Baton",
            )
        return name

    def _input_value(self, step: str, name: str, expression: str) -> tuple[str, str]:
        try:
            node = ast.parse(expression.strip(), mode="eval").body
        except SyntaxError:
            node = None
        if isinstance(node, ast.Constant) and node.value is not None:
            return _typed(node.value)
        try:
            reference = reference_of(expression, self.steps)
        except Untranslatable:
            reference = None
        if reference is not None:
            owner, _, rest = reference.partition(".")
            if owner in self.stage_of and rest.startswith("Outputs."):
                # Step inputs name another step's output with its stage, as Salesforce does.
                reference = f"{self.stage_of[owner]}.{reference}"
            return ("elementReference", reference)
        self.report.add(
            step,
            f"input {name} = {expression!r} is a Baton expression; "
            "it is exported as text, use a formula in Salesforce",
        )
        return ("stringValue", expression)

    def _decision(self, decision: DecisionNode) -> tuple[Element, DecisionNode]:
        element = Element(sf("decisions"))
        add(element, "name", decision.id)
        add(element, "label", decision.name or decision.id)
        self._location(element, decision.id)
        leaving = self.definition.outgoing(decision.id)
        default = next((f for f in leaving if f.default), None)
        if default:
            self._connector(element, "defaultConnector", default.target)
            add(element, "defaultConnectorLabel", default.name or "Default")
        used: set[str] = set()
        for flow in (f for f in leaving if not f.default):
            rule_name = flow.id or identifier(f"{decision.id}_to_{flow.target}")
            while rule_name in used:
                rule_name += "_"
            used.add(rule_name)
            rule = add(element, "rules")
            add(rule, "name", rule_name)
            conditions, logic = self.conditions(decision.id, flow.condition, "condition")
            if not conditions:
                standin = identifier(f"Baton_{rule_name}")
                self.extra_variables.append(self._variable(standin, "boolean", False, False, ""))
                conditions, logic = [Condition(standin, "EqualTo", ("booleanValue", "true"))], "and"
                self.report.add(
                    rule_name,
                    f"the outcome reads the variable {standin}; replace it with real conditions",
                )
            add(rule, "conditionLogic", logic)
            add_conditions(rule, "conditions", conditions)
            self._connector(rule, "connector", flow.target)
            node = self.definition.node(flow.target)
            add(rule, "label", flow.name or getattr(node, "name", "") or flow.target)
        return element, decision


def _typed(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return ("booleanValue", "true" if value else "false")
    if isinstance(value, int | float):
        return ("numberValue", number_text(value))
    return ("stringValue", str(value))
