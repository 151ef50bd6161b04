"""Salesforce flow conditions <-> Baton expressions.

Salesforce writes a condition as a list of `(leftValueReference, operator, rightValue)`
triples joined by a logic (`and`, `or`, or `1 AND (2 OR NOT 3)`). Baton writes one
Python-like expression. References translate as:

| Salesforce | Baton |
| --- | --- |
| `$Record.Field` | `record.Field` |
| `Step.Outputs.var`, `Stage.Step.Outputs.var` | `Step.var` |
| `variable` | `variable` |

Anything else (`$Flow`, `$User`, `Step.Status` outside the "after" pattern, `WasVisited`,
`IsChanged`, `WasSet`) is not translatable; callers put a named stand-in in its place and
report it.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from typing import Any

from engine.expressions import parse
from engine.interchange.salesforce_xml import number_text

COMPARISONS = {
    "EqualTo": "==",
    "NotEqualTo": "!=",
    "GreaterThan": ">",
    "LessThan": "<",
    "GreaterThanOrEqualTo": ">=",
    "LessThanOrEqualTo": "<=",
}
_OPERATORS = {
    ast.Eq: "EqualTo",
    ast.NotEq: "NotEqualTo",
    ast.Gt: "GreaterThan",
    ast.Lt: "LessThan",
    ast.GtE: "GreaterThanOrEqualTo",
    ast.LtE: "LessThanOrEqualTo",
}
_LOGIC_TOKEN = re.compile(r"\s*(\d+|AND|OR|NOT|\(|\))\s*", re.IGNORECASE)


class Untranslatable(ValueError):
    """A condition or expression with no counterpart on the other side."""


@dataclass(frozen=True)
class Condition:
    """One Salesforce condition: `left operator right`; `right` is (kind, text)."""

    left: str
    operator: str
    right: tuple[str, str] | None


# --- Salesforce -> Baton ---------------------------------------------------------------------


def reference_to_baton(reference: str, steps: set[str]) -> str:
    """`$Record.Industry` -> `record.Industry`; `Review.Outputs.decision` -> `Review.decision`."""
    parts = reference.split(".")
    if parts[0] == "$Record" and len(parts) >= 2:
        return ".".join(["record", *parts[1:]])
    if parts[0] in steps and len(parts) == 3 and parts[1] == "Outputs":
        return f"{parts[0]}.{parts[2]}"
    if len(parts) == 4 and parts[1] in steps and parts[2] == "Outputs":
        return f"{parts[1]}.{parts[3]}"  # Stage.Step.Outputs.name, as step inputs say it
    if len(parts) == 1 and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", parts[0]):
        return parts[0]
    raise Untranslatable(f"the reference {reference!r} has no Baton counterpart")


def assignee_reference_to_baton(reference: str, steps: set[str]) -> str:
    """An assignee reference as a Baton expression: `$Record.Owner:User.Username` ->
    `record.Owner.Username` (a polymorphic field's `:Type` only narrows what Salesforce
    looks up; Baton reads the field as the record holds it)."""
    return reference_to_baton(re.sub(r":[A-Za-z_]\w*(?=\.)", "", reference), steps)


def exports_as(expression: str, reference: str, steps: set[str]) -> bool:
    """Whether export writes `expression` back as exactly `reference`."""
    try:
        return reference_of(expression, steps) == reference
    except (Untranslatable, SyntaxError):
        return False


def value_to_baton(kind: str, text: str, steps: set[str]) -> str:
    """A Salesforce `rightValue`/`value` as a Baton literal or reference."""
    if kind in ("stringValue", "dateValue", "dateTimeValue"):
        return repr(text)
    if kind == "numberValue":
        try:
            number = float(text) if len(text) <= 40 else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise Untranslatable(f"{text[:20]!r} is not a number")
        return str(int(number)) if number.is_integer() else repr(number)
    if kind == "booleanValue":
        return "True" if text.strip().lower() == "true" else "False"
    if kind == "elementReference":
        return reference_to_baton(text, steps)
    raise Untranslatable(f"a {kind} value has no Baton counterpart")


def condition_to_baton(condition: Condition, steps: set[str], left: str | None = None) -> str:
    """One condition as a Baton comparison; `left` overrides the translated left side."""
    lhs = left if left is not None else reference_to_baton(condition.left, steps)
    kind, text = condition.right or ("stringValue", "")
    op = condition.operator
    if op in ("EqualTo", "NotEqualTo") and kind == "booleanValue":
        # `flag EqualTo true` reads best as the flag itself.
        truth = (text.strip().lower() == "true") == (op == "EqualTo")
        return lhs if truth else f"not {lhs}"
    if op in COMPARISONS:
        return f"{lhs} {COMPARISONS[op]} {value_to_baton(kind, text, steps)}"
    if op == "IsNull":
        return f"{lhs} is None" if text.strip().lower() == "true" else f"{lhs} is not None"
    value = value_to_baton(kind, text, steps)
    if op == "StartsWith":
        return f"str({lhs}).startswith({value})"
    if op == "EndsWith":
        return f"str({lhs}).endswith({value})"
    if op == "Contains":
        return f"{value} in str({lhs})"
    raise Untranslatable(f"the operator {op} has no Baton counterpart")


def combine(parts: list[str], logic: str | None) -> str:
    """Join translated conditions by `and`, `or` or a custom logic like `1 AND (2 OR 3)`."""
    if len(parts) == 1 and (logic or "and").lower() in ("and", "or"):
        return parts[0]
    wrapped = [f"({p})" if " and " in p or " or " in p else p for p in parts]
    mode = (logic or "and").strip().lower()
    if mode in ("and", "or"):
        return f" {mode} ".join(wrapped)
    out: list[str] = []
    position = 0
    text = logic or ""
    while position < len(text):
        match = _LOGIC_TOKEN.match(text, position)
        if not match:
            raise Untranslatable(f"the condition logic {logic!r} does not parse")
        token = match.group(1)
        position = match.end()
        if token.isdigit():
            index = int(token) - 1
            if not 0 <= index < len(parts):
                raise Untranslatable(f"the condition logic {logic!r} names condition {token}")
            out.append(wrapped[index])
        elif token in "()":
            out.append(token)
        else:
            out.append(token.lower())
    expression = " ".join(out).replace("( ", "(").replace(" )", ")")
    parse(expression)
    return expression


# --- Baton -> Salesforce ---------------------------------------------------------------------


def expression_to_conditions(expression: str, steps: set[str]) -> tuple[list[Condition], str]:
    """A Baton expression as Salesforce conditions and their logic.

    Raises:
        Untranslatable: the expression uses something conditions cannot say.
    """
    tree = ast.parse(parse(expression) and expression.strip(), mode="eval").body
    leaves: list[Condition] = []
    logic = _logic(tree, leaves, steps)
    if re.fullmatch(r"1( AND \d+)*", logic):
        return leaves, "and"
    if re.fullmatch(r"1( OR \d+)*", logic):
        return leaves, "or"
    return leaves, logic


def _logic(node: ast.AST, leaves: list[Condition], steps: set[str]) -> str:
    if isinstance(node, ast.BoolOp):
        word = " AND " if isinstance(node.op, ast.And) else " OR "
        inner = [_logic(v, leaves, steps) for v in node.values]
        return word.join(f"({i})" if (" AND " in i or " OR " in i) else i for i in inner)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _logic(node.operand, leaves, steps)
        return f"NOT ({inner})" if " " in inner else f"NOT {inner}"
    leaves.append(_leaf(node, steps))
    return str(len(leaves))


def _leaf(node: ast.AST, steps: set[str]) -> Condition:
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, op, right = node.left, node.ops[0], node.comparators[0]
        if isinstance(op, ast.Is | ast.IsNot) and _is_none(right):
            value = "true" if isinstance(op, ast.Is) else "false"
            return Condition(_reference(left, steps), "IsNull", ("booleanValue", value))
        if isinstance(op, ast.In) and _str_call(right):
            return Condition(
                _reference(right.args[0], steps),
                "Contains",
                _value(left, steps),  # type: ignore[attr-defined]
            )
        if type(op) in _OPERATORS:
            if _is_reference(left, steps):
                operator = _OPERATORS[type(op)]
                return Condition(_reference(left, steps), operator, _value(right, steps))
            raise Untranslatable("the left side of a comparison must be a reference")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and len(node.args) == 1:
        method = {"startswith": "StartsWith", "endswith": "EndsWith"}.get(node.func.attr)
        if method and _str_call(node.func.value):
            target = node.func.value.args[0]  # type: ignore[attr-defined]
            return Condition(_reference(target, steps), method, _value(node.args[0], steps))
    if _is_reference(node, steps):
        return Condition(_reference(node, steps), "EqualTo", ("booleanValue", "true"))
    raise Untranslatable(f"{ast.unparse(node)!r} cannot be written as a Salesforce condition")


def _is_none(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, ast.Name) and node.id in ("None", "null")
    )


def _str_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "str"
        and len(node.args) == 1
    )


def _is_reference(node: ast.AST, steps: set[str]) -> bool:
    try:
        _reference(node, steps)
    except Untranslatable:
        return False
    return True


def reference_of(expression: str, steps: set[str]) -> str:
    """A Baton reference (`record.Amount`, `Review.score`, `limit`) in Salesforce's form.

    Raises:
        Untranslatable: the expression is not a plain reference.
    """
    return _reference(ast.parse(expression.strip(), mode="eval").body, steps)


def _reference(node: ast.AST, steps: set[str]) -> str:
    if isinstance(node, ast.Name) and node.id not in ("True", "False", "None", "true", "false"):
        return node.id
    if isinstance(node, ast.Attribute):
        chain = []
        current: ast.AST = node
        while isinstance(current, ast.Attribute):
            chain.insert(0, current.attr)
            current = current.value
        if isinstance(current, ast.Name):
            if current.id == "record":
                return ".".join(["$Record", *chain])
            if current.id in steps and len(chain) == 1:
                return f"{current.id}.Outputs.{chain[0]}"
    raise Untranslatable(f"{ast.unparse(node)!r} is not a reference Salesforce knows")


def _value(node: ast.AST, steps: set[str]) -> tuple[str, str]:
    if isinstance(node, ast.Constant):
        value: Any = node.value
        if isinstance(value, bool):
            return ("booleanValue", "true" if value else "false")
        if isinstance(value, int | float):
            return ("numberValue", number_text(value))
        if isinstance(value, str):
            return ("stringValue", value)
    if isinstance(node, ast.Name) and node.id in ("True", "False", "true", "false"):
        return ("booleanValue", node.id.lower())
    negative = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
    if negative and isinstance(node.operand, ast.Constant):  # type: ignore[attr-defined]
        return ("numberValue", number_text(-node.operand.value))  # type: ignore[attr-defined]
    return ("elementReference", _reference(node, steps))
