"""The shared base of the Salesforce flow readers: conditions, stand-ins, collected notes.

Readers map one element at a time into plain Baton data. Notes (report items) and stand-in
variables are collected apart with `aside()`, so that an element whose exact Baton form
was stored at export can drop what its plain reading produced.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from engine.errors import InterchangeError
from engine.interchange.report import Report, ReportItem
from engine.interchange.safe_xml import local_name
from engine.interchange.salesforce_conditions import (
    Condition,
    Untranslatable,
    combine,
    condition_to_baton,
)
from engine.interchange.salesforce_kept import raw_parameters
from engine.interchange.salesforce_xml import (
    EVALUATION_FLOW_NOTE,
    EVALUATION_INPUTS_NOTE,
    child,
    children,
    text,
    typed_value,
)

_IDENT = re.compile(r"[^A-Za-z0-9_]")


def identifier(name: str) -> str:
    """A Baton id made from any name."""
    cleaned = _IDENT.sub("_", name) or "orchestration"
    return cleaned if not cleaned[0].isdigit() else f"_{cleaned}"


def as_number(raw: str | None, element: str = "", field: str = "") -> float | int:
    """A metadata number (`500.0`) as an int when it is whole.

    Raises:
        InterchangeError: the text is not a finite number of reasonable length.
    """
    text = (raw or "0").strip()
    try:
        value = float(text) if len(text) <= 40 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InterchangeError(
            f"{text[:20]!r} is not a number",
            element=element or None,
            field=field or None,
            hint="fix the value in the flow file, or save the flow again in Salesforce",
        )
    return int(value) if value.is_integer() else value


@dataclass
class Notes:
    """Report items and stand-in variables collected while reading one element."""

    items: list[ReportItem] = field(default_factory=list)
    standins: list[dict[str, Any]] = field(default_factory=list)


class ReaderBase:
    """What every part of reading an Orchestrator flow needs."""

    def __init__(self, root: Element, report: Report) -> None:
        self.root = root
        self.report = report
        self.steps = {
            text(s, "name", "") or ""
            for stage in children(root, "orchestratedStages")
            for s in children(stage, "stageSteps")
        }
        self.standins: list[dict[str, Any]] = []
        # Stand-in name -> description, over the whole flow: `aside()` hides the stand-ins
        # of other elements, yet two stages using one evaluation flow with different inputs
        # must not share a stand-in (export would write one stage's inputs for both).
        self.standin_names: dict[str, str] = {}
        self.outputs = _referenced_outputs(root, self.steps)
        start = child(root, "start")
        record_triggered = start is not None and text(start, "object") is not None
        self.default_record_id = "$Record.Id" if record_triggered else "recordId"
        """The `ActionInput__RecordId` value export writes unless told otherwise."""

    @contextmanager
    def aside(self) -> Iterator[Notes]:
        """Collect notes apart; the caller passes them to `keep` if the reading is used."""
        saved = (self.report, self.standins)
        self.report, self.standins = Report(saved[0].source), []
        notes = Notes(self.report.items, self.standins)
        try:
            yield notes
        finally:
            self.report, self.standins = saved

    def keep(self, notes: Notes) -> None:
        """Keep notes collected with `aside`."""
        self.report.items.extend(notes.items)
        for variable in notes.standins:
            self.add_standin(variable["name"], variable["description"], variable["type"])

    def condition(self, owner: str, items: list[Element], logic: str | None, what: str) -> str:
        """Translate conditions and their logic; a stand-in variable when they cannot be."""
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
            self.add_standin(standin, f"Stands in for a Salesforce {what} of {owner}.")
            return standin

    def evaluation_flow(self, owner: str, flow: str, params: list[Element]) -> str:
        """An evaluation flow as a boolean stand-in variable the admin fills in.

        The flow's input parameters are kept in the stand-in's description (as JSON of
        Salesforce values) so that export writes them back; a flow used with different
        inputs in different places gets one stand-in per set of inputs.
        """
        inputs = raw_parameters(params)
        description = f"{EVALUATION_FLOW_NOTE}{flow} (isOrchestrationConditionMet)."
        if inputs:
            description += EVALUATION_INPUTS_NOTE + json.dumps(inputs)
        base = identifier(f"{flow}_met")
        standin, number = base, 1
        while self.standin_names.setdefault(standin, description) != description:
            number += 1
            standin = f"{base}_{number}"
        kept = f" with its inputs {', '.join(inputs)} kept in its description" if inputs else ""
        self.report.add(
            owner,
            f"evaluation flow {flow} is a stand-in variable {standin} (false until set){kept}; "
            "replace it with a Baton expression that says when the condition is met",
        )
        self.add_standin(standin, description)
        return standin

    def add_standin(self, name: str, description: str, kind: str = "boolean") -> None:
        """Declare a variable standing in for something Salesforce computes (once)."""
        if all(v["name"] != name for v in self.standins):
            variable = {"name": name, "type": kind, "description": description}
            if kind == "boolean":
                variable["default"] = False
            self.standins.append(variable)


_VALUE_TYPES = {
    "booleanValue": "boolean",
    "numberValue": "number",
    "dateValue": "date",
    "dateTimeValue": "datetime",
}


def _referenced_outputs(root: Element, steps: set[str]) -> dict[str, dict[str, str]]:
    """step -> output -> type, for every `[Stage.]Step.Outputs.name` the flow reads anywhere."""
    found: dict[str, dict[str, str]] = {}
    for holder in root.iter():
        for item in holder:
            tag = local_name(item.tag)
            if tag not in ("leftValueReference", "elementReference"):
                continue
            parts = (item.text or "").strip().split(".")
            if len(parts) == 4:
                parts = parts[1:]  # Stage.Step.Outputs.name
            if len(parts) != 3 or parts[0] not in steps or parts[1] != "Outputs":
                continue
            kind = "text"
            if tag == "leftValueReference":
                value = typed_value(child(holder, "rightValue"))
                kind = _VALUE_TYPES.get(value[0], "text") if value else "text"
            found.setdefault(parts[0], {}).setdefault(parts[2], kind)
    return found
