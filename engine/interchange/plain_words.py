"""Definition values said in words for people: conditions, durations, assignees, triggers.

Used by the Markdown process document. Conditions are parsed with `ast` only to read their
shape (never evaluated); anything this module does not know how to say is shown as code, so
a reader always sees the exact expression rather than a guess.
"""

from __future__ import annotations

import ast

from engine.definition.durations import parse_duration
from engine.definition.models import (
    InteractiveStep,
    ManualTrigger,
    RecordTrigger,
    ScheduleTrigger,
)

_COMPARISONS: dict[type[ast.cmpop], str] = {
    ast.Eq: "is",
    ast.NotEq: "is not",
    ast.Gt: "is more than",
    ast.GtE: "is at least",
    ast.Lt: "is less than",
    ast.LtE: "is at most",
    ast.In: "is one of",
    ast.NotIn: "is not one of",
    ast.Is: "is",
    ast.IsNot: "is not",
}

_ASSIGNEE_KINDS = {"user": "user", "group": "group", "queue": "queue"}


def condition_in_words(expression: str) -> str:
    """Say a condition such as `quote.discount > 30` as "`quote.discount` is more than 30"."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return _code(expression)
    if isinstance(tree.body, ast.Name | ast.Attribute):
        # A bare value used as a condition: say that it must be true.
        return f"{_operand(tree.body, expression.strip())} holds"
    return _say(tree.body, expression.strip())


def _say(node: ast.expr, source: str) -> str:
    if isinstance(node, ast.BoolOp):
        joiner = " and " if isinstance(node.op, ast.And) else " or "
        return joiner.join(_say_inside(value, node, source) for value in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return f"not ({_say(node.operand, source)})"
    if isinstance(node, ast.Compare):
        parts = [_operand(node.left, source)]
        for op, right in zip(node.ops, node.comparators, strict=True):
            word = _COMPARISONS.get(type(op))
            if word is None:
                return _code(_segment(node, source))
            parts += [word, _operand(right, source)]
        return " ".join(parts)
    return _operand(node, source)


def _say_inside(value: ast.expr, parent: ast.BoolOp, source: str) -> str:
    # "a and (b or c)": a nested group of the other kind keeps its brackets in words too.
    text = _say(value, source)
    if isinstance(value, ast.BoolOp) and type(value.op) is not type(parent.op):
        return f"({text})"
    return text


def _operand(node: ast.expr, source: str) -> str:
    if isinstance(node, ast.Constant):
        if node.value is None:
            return "empty"
        if isinstance(node.value, bool):
            return "true" if node.value else "false"
        if isinstance(node.value, str):
            return f"“{node.value}”"
        return str(node.value)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return ", ".join(_operand(element, source) for element in node.elts)
    return _code(_segment(node, source))


def _segment(node: ast.expr, source: str) -> str:
    return ast.get_source_segment(source, node) or ast.unparse(node)


def _code(text: str) -> str:
    # A backtick inside would end the code span early.
    safe = text.replace("`", "'")
    return f"`{safe}`"


def duration_in_words(text: str) -> str:
    """Say an ISO 8601 duration (`P1DT12H`) as "1 day 12 hours"; unknown forms as given."""
    try:
        total = int(parse_duration(text).total_seconds())
    except ValueError:
        return text
    if total == 0:
        return "no time"
    parts = []
    for seconds, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        count, total = divmod(total, seconds)
        if count:
            parts.append(f"{count} {unit}{'' if count == 1 else 's'}")
    return " ".join(parts)


def assignee_in_words(assignee: str | None) -> str:
    """Say `group:finance` as "the group **finance**" (unassigned when empty)."""
    if not assignee:
        return "nobody yet (unassigned)"
    kind, _, name = assignee.partition(":")
    if kind in _ASSIGNEE_KINDS and name:
        article = "user" if kind == "user" else f"the {kind}"
        return f"{article} **{name}**"
    return f"**{assignee}**"


def step_assignee_in_words(step: InteractiveStep) -> str:
    """Who gets the step's work item: its fixed assignee, or what `assignee_from` names."""
    if step.assignee_from:
        kind = "" if step.assignee_kind == "user" else f" ({step.assignee_kind})"
        return f"whoever `{step.assignee_from}` names when the step starts{kind}"
    return assignee_in_words(step.assignee)


def trigger_in_words(trigger: ManualTrigger | RecordTrigger | ScheduleTrigger) -> str:
    """One sentence on what starts a run."""
    if isinstance(trigger, RecordTrigger):
        events = " or ".join(trigger.on) or "created"
        sentence = f"Starts when a record of type **{trigger.object or '(any)'}** is {events}"
        if trigger.condition:
            sentence += f" and {condition_in_words(trigger.condition)}"
            if "updated" in trigger.on:
                sentence += (
                    " (on every update after which it holds)"
                    if trigger.every_update
                    else " (on an update, only when the update makes it hold)"
                )
        return sentence + "."
    if isinstance(trigger, ScheduleTrigger):
        return f"Starts on a schedule: cron `{trigger.cron}`."
    return "Started by hand (in the designer or with `baton start`) with its input values."
