"""One foreign BPMN activity or catch event as a Baton step, with notes on what did not fit.

Dialects: Camunda 7 (`camunda:` attributes and form fields), Camunda 8 (`zeebe:` extension
elements), SpiffWorkflow and plain BPMN (`potentialOwner`, lanes). User and manual tasks
become interactive steps; service, script, send, business-rule and untyped tasks and call
activities become background steps running a stand-in action `bpmn:<task type>` (which
completes at once, like Salesforce stand-ins); receive tasks and message, signal and timer
catches become wait steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from engine.definition.durations import parse_duration
from engine.interchange.bpmn_foreign_conditions import translate_condition
from engine.interchange.bpmn_foreign_graph import Node
from engine.interchange.bpmn_names import bpmn, q
from engine.interchange.safe_xml import local_name

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
UNASSIGNED = "queue:unassigned"
"""Where a user task with no assignee, candidate or lane goes; the report says to change it."""

_BACKGROUND = {
    "serviceTask",
    "scriptTask",
    "sendTask",
    "businessRuleTask",
    "task",
    "callActivity",
    "intermediateThrowEvent",
}
_FORM_TYPES = {"boolean": "boolean", "long": "number", "double": "number", "date": "date"}
_SAFE_NAME = re.compile(r"[^\w.@-]+")


@dataclass
class StepContext:
    """What mapping a step needs from the rest of the file, and what it collects."""

    messages: dict[str, tuple[str, str | None]]
    """Message id -> (name, correlation key as written, if any)."""
    signals: dict[str, str]
    notes: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    """Names the step's expressions read -> their guessed Baton type."""
    outputs: dict[str, str] = field(default_factory=dict)
    """Form fields a user task sets -> the step id, so conditions can read them."""
    boundaries: list[tuple[Element, str]] = field(default_factory=list)
    """Boundary events of the step, each with what became of it (for the report)."""


def zeebe(element: Element, name: str) -> Element | None:
    """The first `zeebe:NAME` inside the element's extension elements."""
    container = element.find(bpmn("extensionElements"))
    return None if container is None else container.find(f".//{q(ZEEBE_NS, name)}")


def build_step(node: Node, step_id: str, ctx: StepContext) -> dict[str, Any] | None:
    """The Baton step for an activity or catch event, or None when it maps to none."""
    tag = node.tag
    step: dict[str, Any] = {"id": step_id}
    if node.name:
        step["name"] = node.name
    if tag in ("userTask", "manualTask"):
        step |= _interactive(node, step_id, ctx)
    elif tag in ("receiveTask", "intermediateCatchEvent"):
        wait = _wait(node, ctx)
        if wait is None:
            return None
        step |= wait
    elif tag in _BACKGROUND:
        if tag == "intermediateThrowEvent" and not _definitions(node.element):
            return None  # a plain milestone marker
        step |= _background(node, ctx)
    else:
        return None
    if _has(node.element, "multiInstanceLoopCharacteristics"):
        ctx.notes.append("multi-instance is not mapped: the step runs once; split it by hand")
    if _has(node.element, "standardLoopCharacteristics"):
        ctx.notes.append("a loop marker is not mapped: the step runs once")
    _boundaries(node, step, ctx)
    return step


def _has(element: Element, tag: str) -> bool:
    return element.find(bpmn(tag)) is not None


def _definitions(element: Element) -> list[Element]:
    return [c for c in element if local_name(c.tag).endswith("EventDefinition")]


# --- interactive ------------------------------------------------------------------------------


def _interactive(node: Node, step_id: str, ctx: StepContext) -> dict[str, Any]:
    element = node.element
    step: dict[str, Any] = {"type": "interactive", **_assignee(node, ctx)}
    docs = element.findtext(bpmn("documentation"))
    if docs and docs.strip():
        step["guidance"] = docs.strip()
    outputs = []
    for form_field in element.iter(q(CAMUNDA_NS, "formField")):
        name = form_field.get("id", "")
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            continue
        output: dict[str, Any] = {"name": name}
        kind = form_field.get("type", "string")
        if kind == "enum":
            choices = [v.get("id", "") for v in form_field.iter(q(CAMUNDA_NS, "value"))]
            output["choices"] = [c for c in choices if c]
        else:
            output["type"] = _FORM_TYPES.get(kind, "text")
        if form_field.get("label"):
            output["label"] = form_field.get("label")
        outputs.append(output)
        ctx.outputs[name] = step_id
    if outputs:
        step["outputs"] = outputs
    if node.tag == "manualTask":
        ctx.notes.append("a manual task: someone confirms it in their inbox")
    for attribute in ("dueDate", "followUpDate"):
        if element.get(q(CAMUNDA_NS, attribute)):
            ctx.notes.append(f"camunda:{attribute} is not mapped; set `due` on the step")
    return step


def _assignee(node: Node, ctx: StepContext) -> dict[str, str]:
    element = node.element
    found = _static_assignee(element, ctx)
    if found:
        return found
    if node.lane:
        ctx.notes.append(f"assigned to the group named after its lane {node.lane!r}")
        return {"assignee": f"group:{_clean(node.lane)}"}
    ctx.notes.append(f"no assignee in the file: assigned to {UNASSIGNED}; choose who does it")
    return {"assignee": UNASSIGNED}


def _dynamic_assignee(kind: str, value: str, ctx: StepContext) -> dict[str, str] | None:
    """`=owner` (FEEL) or `${owner}` (JUEL) as a dynamic assignee, when it is simple."""
    text = "$" + value[1:] if value.startswith("#{") else value
    translated = translate_condition(text)
    if translated.expression is None:
        ctx.notes.append(
            f"the assignee {value!r} is computed at run time by an expression Baton cannot "
            f"translate ({translated.why or 'not a plain reference'}); set assignee_from"
        )
        return None
    for name in translated.names:
        ctx.variables.setdefault(name, "text")
    ctx.notes.append(
        f"the assignee {value!r} is computed when the task starts: assignee_from "
        f"{translated.expression!r} ({kind})"
    )
    found = {"assignee_from": translated.expression}
    return found | ({"assignee_kind": kind} if kind != "user" else {})


def _static_assignee(element: Element, ctx: StepContext) -> dict[str, str] | None:
    """`assignee` from Camunda 7 or 8 attributes or `potentialOwner`, or `assignee_from`
    when one of them is an expression."""
    candidates: list[tuple[str, str | None]] = [
        ("user", element.get(q(CAMUNDA_NS, "assignee"))),
        ("user", element.get(q(CAMUNDA_NS, "candidateUsers"))),
        ("group", element.get(q(CAMUNDA_NS, "candidateGroups"))),
    ]
    assignment = zeebe(element, "assignmentDefinition")
    if assignment is not None:
        candidates += [
            ("user", assignment.get("assignee")),
            ("user", assignment.get("candidateUsers")),
            ("group", assignment.get("candidateGroups")),
        ]
    for tag in ("potentialOwner", "humanPerformer", "performer"):
        for owner in element.findall(bpmn(tag)):
            text = "".join(owner.itertext()).strip()
            kind, name = _owner(text)
            candidates.append((kind, name))
    for kind, raw in candidates:
        if not raw or not raw.strip():
            continue
        value = raw.strip()
        if value.startswith(("=", "${", "#{")):
            dynamic = _dynamic_assignee(kind, value, ctx)
            if dynamic:
                return dynamic
            continue
        if "(" in value.strip("[]"):
            ctx.notes.append(f"the assignee {value!r} is not a name; set assignee or assignee_from")
            continue
        names = [n.strip().strip("\"'") for n in value.strip("[]").split(",") if n.strip()]
        if len(names) > 1:
            ctx.notes.append(f"several candidates {', '.join(names)}: Baton assigns to the first")
        return {"assignee": f"{kind}:{_clean(names[0])}"}
    return None


def _owner(text: str) -> tuple[str, str]:
    match = re.fullmatch(r"(user|group|queue)\s*[(:]\s*([^)]+?)\s*\)?", text)
    return (match.group(1), match.group(2)) if match else ("user", text)


def _clean(name: str) -> str:
    return _SAFE_NAME.sub("_", name.strip()) or "unnamed"


# --- background -------------------------------------------------------------------------------


def _background(node: Node, ctx: StepContext) -> dict[str, Any]:
    element = node.element
    step: dict[str, Any] = {"type": "background", "action": f"bpmn:{node.tag}"}
    inputs: dict[str, str] = {}
    implementation = _implementation(element)
    if implementation:
        inputs["implementation"] = repr(implementation)
    script = element.findtext(bpmn("script"))
    if script and script.strip():
        inputs["script"] = repr(script.strip())
        ctx.notes.append("the script is kept as an input but not run; rewrite it as an action")
    if node.tag == "callActivity":
        inputs["called_element"] = repr(element.get("calledElement", ""))
        ctx.notes.append("calls another process: use start_orchestration to run one in Baton")
    inputs |= _io_inputs(element, ctx)
    if inputs:
        step["inputs"] = inputs
    definition = zeebe(element, "taskDefinition")
    retries = definition.get("retries") if definition is not None else None
    if retries and retries.strip().isdigit() and 1 <= int(retries) <= 100:
        step["retry"] = {"attempts": int(retries)}
    ctx.notes.append(
        f"runs the stand-in action bpmn:{node.tag}, which completes at once; "
        "choose a real action (send_email, update_record, a plugin)"
    )
    return step


def _implementation(element: Element) -> str:
    definition = zeebe(element, "taskDefinition")
    if definition is not None and definition.get("type"):
        return f"zeebe job {definition.get('type')}"
    for attribute in ("class", "delegateExpression", "expression", "topic", "decisionRef"):
        value = element.get(q(CAMUNDA_NS, attribute))
        if value:
            return f"camunda:{attribute} {value}"
    called = zeebe(element, "calledDecision")
    if called is not None and called.get("decisionId"):
        return f"zeebe decision {called.get('decisionId')}"
    return ""


def _io_inputs(element: Element, ctx: StepContext) -> dict[str, str]:
    """Input mappings (zeebe:input, camunda:inputParameter) as Baton input expressions."""
    inputs: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    mapping = zeebe(element, "ioMapping")
    if mapping is not None:
        pairs += [
            (i.get("target", ""), i.get("source", ""))
            for i in mapping.findall(q(ZEEBE_NS, "input"))
        ]
    pairs += [
        (p.get("name", ""), (p.text or "").strip())
        for p in element.iter(q(CAMUNDA_NS, "inputParameter"))
    ]
    for target, source in pairs:
        if not re.fullmatch(r"[A-Za-z_]\w*", target):
            continue
        if not source.startswith(("=", "${", "#{")):
            inputs[target] = repr(source)
            continue
        translated = translate_condition(source)
        if translated.expression is None:
            ctx.notes.append(f"input {target} = {source!r} not mapped: {translated.why}")
            continue
        inputs[target] = translated.expression
        for name in translated.names:
            ctx.variables.setdefault(name, translated.literals.get(name, "json"))
    return inputs


# --- waits ------------------------------------------------------------------------------------


def _wait(node: Node, ctx: StepContext) -> dict[str, Any] | None:
    element = node.element
    if node.tag == "receiveTask":
        return _message_wait(element.get("messageRef", ""), ctx)
    definitions = _definitions(element)
    if not definitions:
        return None
    definition = definitions[0]
    kind = local_name(definition.tag)
    if len(definitions) > 1:
        ctx.notes.append("several event definitions: Baton waits for the first")
    if kind == "messageEventDefinition":
        return _message_wait(definition.get("messageRef", ""), ctx)
    if kind == "signalEventDefinition":
        name = ctx.signals.get(definition.get("signalRef", ""), "") or "signal"
        return {"type": "wait", "event": name}
    if kind == "timerEventDefinition":
        timeout = timer_duration(definition, ctx)
        return {"type": "wait", "timeout": timeout} if timeout else None
    ctx.notes.append(f"a {kind} catch has no Baton counterpart; not imported")
    return None


def _message_wait(message_ref: str, ctx: StepContext) -> dict[str, Any]:
    name, key = ctx.messages.get(message_ref, (message_ref or "message", None))
    wait: dict[str, Any] = {"type": "wait", "event": name}
    if key:
        translated = translate_condition(key if key.startswith(("=", "$")) else f"={key}")
        if translated.expression:
            wait["key"] = translated.expression
            for variable in translated.names:
                ctx.variables.setdefault(variable, "text")
        else:
            ctx.notes.append(f"the correlation key {key!r} is not mapped: {translated.why}")
    return wait


def timer_duration(definition: Element, ctx: StepContext) -> str | None:
    """An ISO 8601 `timeDuration` as Baton takes it; other timers are noted, not mapped."""
    duration = definition.find(bpmn("timeDuration"))
    text = (duration.text or "").strip() if duration is not None else ""
    text = text.removeprefix("=").strip().strip("\"'")
    if text:
        try:
            parse_duration(text)
        except ValueError:
            ctx.notes.append(f"the timer {text!r} is not an ISO 8601 duration; not mapped")
            return None
        return text
    if definition.find(bpmn("timeDate")) is not None:
        ctx.notes.append("a timer at a fixed date is not mapped; use a duration")
    elif definition.find(bpmn("timeCycle")) is not None:
        ctx.notes.append("a repeating timer is not mapped")
    return None


def _boundaries(node: Node, step: dict[str, Any], ctx: StepContext) -> None:
    for boundary in node.boundaries:
        definitions = _definitions(boundary)
        kind = local_name(definitions[0].tag) if definitions else "none"
        label = f"{kind.removesuffix('EventDefinition')} boundary event"
        interrupting = boundary.get("cancelActivity", "true") != "false"
        if kind == "timerEventDefinition":
            duration = timer_duration(definitions[0], ctx)
            if duration and step["type"] == "interactive":
                step["due"] = duration
                overdue = "; Baton marks the item overdue instead of interrupting it"
                ctx.boundaries.append(
                    (
                        boundary,
                        f"becomes the due time {duration} of step {step['id']}"
                        + (overdue if interrupting else "")
                        + "; the path after it is not imported",
                    )
                )
                continue
            if duration and step["type"] == "wait":
                step["timeout"] = duration
                ctx.boundaries.append(
                    (
                        boundary,
                        f"becomes the timeout of wait step {step['id']}; read "
                        f"`{step['id']}.timed_out` in a decision for the late path, which "
                        "is not imported",
                    )
                )
                continue
        ctx.boundaries.append((boundary, f"a {label} is not mapped, nor the path after it"))
