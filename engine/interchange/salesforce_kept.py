"""Salesforce facts Baton has no field for, kept in plain sight so export writes them back.

An interactive step's guidance keeps, on lines of their own, the assignee Salesforce computes
at run time and the screen flow's inputs; an evaluation flow's stand-in variable keeps the
flow's inputs in its description (`EVALUATION_INPUTS_NOTE`). Values are kept as Salesforce
says them (`{name: [kind, text]}`), because Baton never evaluates them: they exist only to
go back to Salesforce unchanged. An admin who edits such a line and breaks it loses only
that line's facts on export.
"""

from __future__ import annotations

import json
import re
from xml.etree.ElementTree import Element

from engine.interchange.salesforce_xml import child, text, typed_value

RUN_TIME_ASSIGNEE_NOTE = "Salesforce assignee at run time: "
"""A guidance line keeping an assignee Salesforce computes: `User $Record.OwnerId (kind)`."""
SCREEN_FLOW_INPUTS_NOTE = "Salesforce screen flow inputs: "
"""A guidance line keeping the screen flow's inputs as JSON `{name: [kind, text]}`."""

_RUN_TIME = re.compile(r"(\w+) (\S+) \((\w+)\)")


def raw_parameters(params: list[Element]) -> dict[str, list[str]]:
    """Input parameters as Salesforce says them: `{name: [kind, text]}`."""
    raw: dict[str, list[str]] = {}
    for param in params:
        value = typed_value(child(param, "value"))
        raw[text(param, "name", "") or ""] = list(value) if value else []
    return raw


def run_time_assignee_line(assignee_type: str, value: tuple[str, str]) -> str:
    """The guidance line for an assignee of `assignee_type` given as (kind, text)."""
    return f"{RUN_TIME_ASSIGNEE_NOTE}{assignee_type} {value[1]} ({value[0]})"


def run_time_assignee(guidance: str) -> tuple[str, str, str] | None:
    """(assigneeType, kind, text) kept in the guidance, or None."""
    match = _RUN_TIME.fullmatch(guidance_line(guidance, RUN_TIME_ASSIGNEE_NOTE) or "")
    return (match.group(1), match.group(3), match.group(2)) if match else None


def guidance_line(guidance: str, note: str) -> str | None:
    """The rest of the guidance line that begins with `note`, if there is one."""
    for line in guidance.splitlines():
        if line.startswith(note):
            return line[len(note) :].strip()
    return None


def json_parameters(kept: str) -> dict[str, list[str]]:
    """Parameters kept as JSON by an import; an edited, unreadable text gives none."""
    try:
        data = json.loads(kept)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(k): [str(x) for x in v]
        for k, v in data.items()
        if isinstance(v, list) and len(v) in (0, 2)
    }
