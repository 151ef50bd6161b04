"""Namespaces, element ids and sizes shared by BPMN export and import.

BPMN ids must be XML NCNames and some engines reserve short names such as `Start` or
`End`, so every Baton id is prefixed by its kind (`Stage_paperwork`, `Step_contract`).
Helper elements Baton has no counterpart for (gateways, timers, end events inside a
stage) append a suffix after a hyphen, which Baton ids can never contain, so a helper id
never collides with the id of a real element.
"""

from __future__ import annotations

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
BATON_NS = "https://baton.invalid/schema/bpmn/1"
"""Our one extension namespace: every Baton-only fact lives in elements of it."""

PYTHON_LANGUAGE = "https://www.python.org/"
"""Expression language of the conditions we write (Python, as SpiffWorkflow evaluates)."""

PREFIXES = {
    "bpmn": BPMN_NS,
    "bpmndi": BPMNDI_NS,
    "dc": DC_NS,
    "di": DI_NS,
    "xsi": XSI_NS,
    "baton": BATON_NS,
}

PROCESS_PREFIX = "Process_"
NODE_PREFIXES = {
    "start": "StartEvent_",
    "end": "EndEvent_",
    "stage": "Stage_",
    "decision": "Gateway_",
}
STEP_PREFIX = "Step_"
MESSAGE_PREFIX = "Message_"

TASK_SIZE = (100.0, 80.0)
EVENT_SIZE = (36.0, 36.0)
GATEWAY_SIZE = (50.0, 50.0)


def q(namespace: str, name: str) -> str:
    """A qualified ElementTree tag: `{namespace}name`."""
    return f"{{{namespace}}}{name}"


def bpmn(name: str) -> str:
    """The qualified tag of a BPMN model element."""
    return q(BPMN_NS, name)


def node_id(kind: str, baton_id: str) -> str:
    """The BPMN id of a top-level node of this Baton kind."""
    return NODE_PREFIXES[kind] + baton_id


def step_id(baton_id: str, suffix: str = "") -> str:
    """The BPMN id of a step, or of one of its helper elements (`suffix`)."""
    return STEP_PREFIX + baton_id + (f"-{suffix}" if suffix else "")


def message_id(event: str) -> str:
    """The id of the `message` element for a Baton event name."""
    safe = "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in event)
    return MESSAGE_PREFIX + safe


def data_name(step: str, output: str) -> str:
    """How a step output is named in process data: `contract.decision` -> `contract_decision`."""
    return f"{step}_{output}"
