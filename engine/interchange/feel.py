"""Baton expressions rewritten as FEEL, the expression language Camunda 8 (Zeebe) evaluates.

Names follow the same flat process-data convention as the Python form (`bpmn_conditions`):
a step output `contract.decision` is the variable `contract_decision`, a record field
`record.status` is `record_status`, a run fact `run.id` is `run_id`. FEEL reads a variable
no one has set as `null`, as Baton does. Comparisons, boolean logic, arithmetic, membership
in a literal list, `len`, `str`, `float`, `abs`, `min`, `max`, `lower`/`upper`, and the
string tests Salesforce imports produce
(`str(x).startswith(v)`, `v in str(x)`) have a FEEL form; anything else is refused, so a
condition never silently means something else in Zeebe.
"""

from __future__ import annotations

import ast
import json

from engine.expressions import parse
from engine.interchange.bpmn_names import data_name
from engine.interchange.salesforce_conditions import Untranslatable

_COMPARE = {
    ast.Eq: "=",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_FACTS = {"record", "run"}
_CONSTANTS = {"true": "true", "false": "false", "null": "null"}
_CONVERSIONS = {"str": "string", "float": "number", "abs": "abs"}


def to_feel(expression: str, step_ids: set[str]) -> str:
    """The FEEL form of a Baton expression, without the leading `=`.

    Raises:
        ExpressionError: not valid Baton syntax.
        Untranslatable: valid, but with no FEEL form (the message says which part).
    """
    parse(expression)
    tree = ast.parse(expression.strip(), mode="eval")
    return _Writer(step_ids).write(tree.body)


class _Writer:
    def __init__(self, step_ids: set[str]) -> None:
        self.steps = step_ids

    def write(self, node: ast.expr) -> str:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise Untranslatable(f"{ast.unparse(node)!r} has no FEEL form")
        return method(node)

    def _group(self, node: ast.expr) -> str:
        text = self.write(node)
        simple = isinstance(node, ast.Name | ast.Constant | ast.Attribute | ast.Call) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
        )
        return text if simple else f"({text})"

    def _BoolOp(self, node: ast.BoolOp) -> str:
        word = " and " if isinstance(node.op, ast.And) else " or "
        return word.join(self._group(v) for v in node.values)

    def _UnaryOp(self, node: ast.UnaryOp) -> str:
        if isinstance(node.op, ast.Not):
            return f"not({self.write(node.operand)})"
        if isinstance(node.op, ast.USub):
            return f"-{self._group(node.operand)}"
        raise Untranslatable(f"{ast.unparse(node)!r} has no FEEL form")

    def _BinOp(self, node: ast.BinOp) -> str:
        op = _ARITHMETIC.get(type(node.op))
        if op is None:
            raise Untranslatable(f"the operator in {ast.unparse(node)!r} has no FEEL form")
        return f"{self._group(node.left)} {op} {self._group(node.right)}"

    def _Compare(self, node: ast.Compare) -> str:
        parts = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            parts.append(self._compare(left, op, right))
            left = right
        return " and ".join(parts) if len(parts) == 1 else " and ".join(f"({p})" for p in parts)

    def _compare(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> str:
        if isinstance(op, ast.Is | ast.IsNot):
            word = "=" if isinstance(op, ast.Is) else "!="
            return f"{self._group(left)} {word} {self._group(right)}"
        if isinstance(op, ast.In | ast.NotIn):
            test = self._membership(left, right)
            return test if isinstance(op, ast.In) else f"not({test})"
        return f"{self._group(left)} {_COMPARE[type(op)]} {self._group(right)}"

    def _membership(self, item: ast.expr, holder: ast.expr) -> str:
        if _str_call(holder):
            text = self.write(holder.args[0])  # type: ignore[attr-defined]
            return f"contains(string({text}), {self.write(item)})"
        return f"list contains({self.write(holder)}, {self.write(item)})"

    def _List(self, node: ast.List | ast.Tuple | ast.Set) -> str:
        return "[" + ", ".join(self.write(e) for e in node.elts) + "]"

    _Tuple = _List
    _Set = _List

    def _Constant(self, node: ast.Constant) -> str:
        value = node.value
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return repr(value)
        if isinstance(value, str):
            return json.dumps(value, ensure_ascii=False)
        raise Untranslatable(f"the value {value!r} has no FEEL form")

    def _Name(self, node: ast.Name) -> str:
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id in ("True", "False", "None"):
            return {"True": "true", "False": "false", "None": "null"}[node.id]
        return node.id

    def _Attribute(self, node: ast.Attribute) -> str:
        if isinstance(node.value, ast.Name) and node.value.id in self.steps | _FACTS:
            return data_name(node.value.id, node.attr)
        return f"{self.write(node.value)}.{node.attr}"

    def _Call(self, node: ast.Call) -> str:
        func = node.func
        if isinstance(func, ast.Name) and func.id in _CONVERSIONS and len(node.args) == 1:
            return f"{_CONVERSIONS[func.id]}({self.write(node.args[0])})"
        if isinstance(func, ast.Name) and func.id == "len" and len(node.args) == 1:
            # FEEL measures texts and lists with different functions; pick at run time.
            value = self.write(node.args[0])
            return (
                f"(if {value} instance of string then string length({value}) else count({value}))"
            )
        if isinstance(func, ast.Name) and func.id in ("min", "max") and len(node.args) > 1:
            return f"{func.id}([{', '.join(self.write(a) for a in node.args)}])"
        if isinstance(func, ast.Name) and func.id in ("lower", "upper") and len(node.args) == 1:
            return f"{func.id} case(string({self.write(node.args[0])}))"
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("startswith", "endswith")
            and _str_call(func.value)
            and len(node.args) == 1
        ):
            word = "starts with" if func.attr == "startswith" else "ends with"
            subject = self.write(func.value.args[0])  # type: ignore[attr-defined]
            return f"{word}(string({subject}), {self.write(node.args[0])})"
        raise Untranslatable(f"the call {ast.unparse(node)!r} has no FEEL form")


def _str_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "str"
        and len(node.args) == 1
    )
