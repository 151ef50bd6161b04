"""Assignees in Salesforce export: who works an interactive step there.

A seam of the Salesforce writer (`engine.interchange.salesforce_export`). A fixed
`user:`/`group:`/`queue:` becomes an assignee of that type; `assignee_from` becomes an
element reference (the import's exact reference while the step still reads the same);
what Salesforce cannot assign from is reported.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from engine.definition import InteractiveStep
from engine.interchange.report import Report
from engine.interchange.salesforce_conditions import (
    Untranslatable,
    assignee_reference_to_baton,
    reference_of,
)
from engine.interchange.salesforce_kept import run_time_assignee
from engine.interchange.salesforce_xml import add, add_value

KINDS = {"user": "User", "group": "Group", "queue": "Queue"}


def write_assignee(
    element: Element, step: InteractiveStep, steps: set[str], report: Report
) -> None:
    """The step's assignee: a fixed user, group or queue, a reference read at run time, or
    the one an import kept; reported when Salesforce cannot take it."""
    if step.assignee_from is not None:
        _dynamic_assignee(element, step, step.assignee_from, steps, report)
        return
    kind, _, name = (step.assignee or "").partition(":")
    run_time = run_time_assignee(step.guidance)
    if (kind not in KINDS or not name) and run_time:
        holder = add(element, "assignees")
        add_value(holder, "assignee", run_time[1], run_time[2])
        add(holder, "assigneeType", run_time[0])
        return
    if kind not in KINDS or not name:
        report.add(step.id, "no valid assignee; set one in Salesforce")
        return
    holder = add(element, "assignees")
    add_value(holder, "assignee", "stringValue", name)
    add(holder, "assigneeType", KINDS[kind])


def _dynamic_assignee(
    element: Element, step: InteractiveStep, expression: str, steps: set[str], report: Report
) -> None:
    """An element reference; the import's exact reference while the step still reads
    the same (`$Record.Owner:User.Username` comes back with its `:User`)."""
    assignee_type = KINDS[step.assignee_kind]
    kept = run_time_assignee(step.guidance)
    if (
        kept is not None
        and kept[0] == assignee_type
        and kept[1] == "elementReference"
        and _reads_same(kept[2], expression, steps)
    ):
        reference = kept[2]
    else:
        try:
            reference = reference_of(expression, steps)
        except (Untranslatable, SyntaxError):
            report.add(
                step.id,
                f"assignee_from {expression!r} is not a reference Salesforce can assign "
                "from (a record field, a step output or a variable); set the assignee "
                "in Salesforce",
            )
            return
    holder = add(element, "assignees")
    add_value(holder, "assignee", "elementReference", reference)
    add(holder, "assigneeType", assignee_type)


def _reads_same(reference: str, expression: str, steps: set[str]) -> bool:
    try:
        return assignee_reference_to_baton(reference, steps) == expression.strip()
    except Untranslatable:
        return False
