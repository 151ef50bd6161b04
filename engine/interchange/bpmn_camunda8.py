"""The `zeebe:` extensions that make an exported process deploy and run on Camunda 8.

Added beside Baton's own extension data (which stays, so the file imports back):

- interactive step: `zeebe:userTask` and `zeebe:assignmentDefinition` (`user:NAME` ->
  `assignee`, `group:NAME` and `queue:NAME` -> `candidateGroups`; a dynamic assignee's
  `assignee_from` as a FEEL expression in the one its `assignee_kind` says);
- background step: `zeebe:taskDefinition` (`type` = the action, `retries` = its attempts)
  and its inputs as `zeebe:ioMapping` FEEL inputs;
- wait step: its message gets a `zeebe:subscription` whose `correlationKey` is the wait's
  `key` in FEEL (`=""` when the wait has none);
- the `<step>_timed_out` flags of a wait racing a timer: `zeebe:script` result variables.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, register_namespace

from engine.definition import (
    BackgroundStep,
    InteractiveStep,
    Orchestration,
    WaitStep,
)
from engine.errors import InterchangeError
from engine.interchange.bpmn_extension import read_extension
from engine.interchange.bpmn_names import bpmn, message_id, q, step_id
from engine.interchange.feel import to_feel
from engine.interchange.salesforce_conditions import Untranslatable

ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
MODELER_NS = "http://camunda.org/schema/modeler/1.0"
PLATFORM_VERSION = "8.8.0"


def add_zeebe(definitions: Element, definition: Orchestration) -> None:
    """Add Camunda 8 extensions to an exported `definitions` element, in place."""
    register_namespace("zeebe", ZEEBE_NS)
    register_namespace("modeler", MODELER_NS)
    definitions.set(q(MODELER_NS, "executionPlatform"), "Camunda Cloud")
    definitions.set(q(MODELER_NS, "executionPlatformVersion"), PLATFORM_VERSION)
    step_ids = {step.id for _, step in definition.steps()}
    steps = {step_id(step.id): step for _, step in definition.steps()}
    for element in definitions.iter():
        step = steps.get(element.get("id", ""))
        if step is None or read_extension(element, "step") is None:
            continue
        if isinstance(step, InteractiveStep):
            _user_task(element, step, step_ids)
        elif isinstance(step, BackgroundStep):
            _service_task(element, step, step_ids)
    for script in definitions.iter(bpmn("scriptTask")):
        _script_task(script)
    _subscriptions(definitions, definition, step_ids)


def _zeebe(element: Element, name: str, **attributes: str) -> Element:
    container = element.find(bpmn("extensionElements"))
    if container is None:
        container = Element(bpmn("extensionElements"))
        docs = len(element.findall(bpmn("documentation")))
        element.insert(docs, container)
    return SubElement(container, q(ZEEBE_NS, name), attributes)


def _user_task(element: Element, step: InteractiveStep, step_ids: set[str]) -> None:
    _zeebe(element, "userTask")
    if step.assignee_from is not None:
        # Zeebe evaluates the FEEL expression when the task is created, as Baton does.
        feel = _feel(step.assignee_from, step_ids, step.id, "assignee_from")
        if step.assignee_kind == "user":
            _zeebe(element, "assignmentDefinition", assignee=feel)
        else:
            _zeebe(element, "assignmentDefinition", candidateGroups=feel)
        return
    kind, _, name = (step.assignee or "").partition(":")
    if kind == "user" and name:
        _zeebe(element, "assignmentDefinition", assignee=name)
    elif kind in ("group", "queue") and name:
        _zeebe(element, "assignmentDefinition", candidateGroups=name)


def _service_task(element: Element, step: BackgroundStep, step_ids: set[str]) -> None:
    retries = str(step.retry.attempts if step.retry else 1)
    _zeebe(element, "taskDefinition", type=step.action or "baton", retries=retries)
    if not step.inputs:
        return
    mapping = _zeebe(element, "ioMapping")
    for name, expression in step.inputs.items():
        source = _feel(expression, step_ids, step.id, f"inputs.{name}")
        SubElement(mapping, q(ZEEBE_NS, "input"), {"source": source, "target": name})


def _script_task(element: Element) -> None:
    """The `<step>_timed_out = True/False` helpers as FEEL scripts with a result variable."""
    code = element.find(bpmn("script"))
    flag, _, value = (code.text or "" if code is not None else "").partition(" = ")
    if code is not None:
        element.remove(code)
    element.attrib.pop("scriptFormat", None)
    _zeebe(element, "script", expression=f"={value.strip().lower()}", resultVariable=flag.strip())


def _subscriptions(definitions: Element, definition: Orchestration, step_ids: set[str]) -> None:
    keys: dict[str, str] = {}
    for _, step in definition.steps():
        if isinstance(step, WaitStep) and step.event and step.event not in keys:
            key = _feel(step.key, step_ids, step.id, "key") if step.key else '=""'
            keys[step.event] = key
    for message in definitions.findall(bpmn("message")):
        event = message.get("name", "")
        if message.get("id") == message_id(event) and event in keys:
            _zeebe(message, "subscription", correlationKey=keys[event])


def _feel(expression: str, step_ids: set[str], element: str, field: str) -> str:
    try:
        return "=" + to_feel(expression, step_ids)
    except Untranslatable as why:
        raise InterchangeError(
            f"{expression!r} cannot be written in FEEL for Camunda 8: {why}",
            element=element,
            field=field,
            hint="rewrite it with comparisons, and/or/not and arithmetic, or export in "
            "the default dialect",
        ) from None
