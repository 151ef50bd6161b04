"""Conditions in Salesforce export: entry and exit conditions, and evaluation flows.

A seam of the Salesforce writer (`engine.interchange.salesforce_export`): a Baton
expression becomes Salesforce conditions with their logic where it can, or the evaluation
flow an import replaced by a stand-in variable; what fits neither is reported.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from engine.definition import AnyStep, Variable
from engine.interchange.report import Report
from engine.interchange.salesforce_conditions import (
    Condition,
    Untranslatable,
    expression_to_conditions,
)
from engine.interchange.salesforce_kept import json_parameters
from engine.interchange.salesforce_xml import (
    EVALUATION_FLOW_NOTE,
    EVALUATION_INPUTS_NOTE,
    add,
    add_value,
)


class ConditionWriter:
    """Writes an orchestration's conditions (entry, exit, decision, trigger).

    Args:
        steps: every step id (a condition may read their outputs and status).
        variables: the declared variables by name (evaluation flow stand-ins among them).
        report: where what cannot be exported is said.
    """

    def __init__(self, steps: set[str], variables: dict[str, Variable], report: Report) -> None:
        self.steps = steps
        self.variables = variables
        self.report = report

    def entry(self, element: Element, step: AnyStep) -> None:
        """A stage step's entry: its `after` as `Status EqualTo Completed` conditions and
        its own condition (or the evaluation flow it stands for)."""
        waits = [
            Condition(f"{a}.Status", "EqualTo", ("stringValue", "Completed"))
            for a in step.after
            if a in self.steps
        ]
        evaluation = self.evaluation_flow(step.condition)
        if evaluation and not waits:
            raw_parameters(
                element, "entryActionInputParameters", self.evaluation_inputs(step.condition)
            )
            add(element, "entryActionName", evaluation)
            add(element, "entryActionType", "evaluationFlow")
            return
        conditions, logic = self.conditions(step.id, step.condition, "condition")
        if waits and logic != "and" and conditions:
            shift = len(waits)
            logic = (
                " AND ".join(str(n + 1) for n in range(shift))
                + " AND ("
                + shift_logic(logic, len(conditions), shift)
                + ")"
            )
        elif waits:
            logic = "and"
        add(element, "entryConditionLogic", logic if (waits or conditions) else "and")
        add_conditions(element, "entryConditions", [*waits, *conditions])

    def conditions(
        self, owner: str, expression: str | None, what: str
    ) -> tuple[list[Condition], str]:
        """An expression as Salesforce conditions and their logic; none (reported) when it
        cannot be said so, or when it stands for an evaluation flow."""
        if not expression:
            return [], "and"
        if self.evaluation_flow(expression):
            return [], "and"
        try:
            return expression_to_conditions(expression, self.steps)
        except Untranslatable as why:
            self.report.add(
                owner, f"the {what} {expression!r} is not exported ({why}); add it in Salesforce"
            )
            return [], "and"

    def evaluation_flow(self, expression: str | None) -> str | None:
        """The evaluation flow a stand-in variable replaced on import, if the expression is one."""
        variable = self.variables.get((expression or "").strip())
        if variable and variable.description.startswith(EVALUATION_FLOW_NOTE):
            return variable.description[len(EVALUATION_FLOW_NOTE) :].split()[0]
        return None

    def evaluation_inputs(self, expression: str | None) -> dict[str, list[str]]:
        """The evaluation flow inputs an import kept in its stand-in's description."""
        variable = self.variables.get((expression or "").strip())
        if variable is None:
            return {}
        _, found, inputs = variable.description.partition(EVALUATION_INPUTS_NOTE)
        return json_parameters(inputs) if found else {}


def raw_parameters(element: Element, tag: str, params: dict[str, list[str]]) -> None:
    """Parameters an import kept as [value type, value] pairs, written back as they were."""
    for name, value in params.items():
        param = add(element, tag)
        add(param, "name", name)
        if len(value) == 2:
            add_value(param, "value", value[0], value[1])


def add_conditions(parent: Element, tag: str, conditions: list[Condition]) -> None:
    """Each condition as a `tag` element of `parent` (left, operator, right value)."""
    for condition in conditions:
        item = add(parent, tag)
        add(item, "leftValueReference", condition.left)
        add(item, "operator", condition.operator)
        if condition.right:
            add_value(item, "rightValue", *condition.right)


def shift_logic(logic: str, count: int, by: int) -> str:
    """Renumber a custom logic's condition numbers by `by` (for conditions after waits)."""
    if logic in ("and", "or"):
        return f" {logic.upper()} ".join(str(n + 1 + by) for n in range(count))
    return re.sub(r"\d+", lambda m: str(int(m.group()) + by), logic)
