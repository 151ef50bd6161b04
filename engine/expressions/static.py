"""Limits checked from the text alone, before anything runs.

Integer constants are folded and literal text, lists and tuples weighed, so a repetition
or a power whose size is plain from the expression (`[[1] * 10000] * 10000`, `9 ** 9 ** 9`)
is refused by validation, not first by a run. Every size found here is a lower bound on
what evaluating would build, so nothing refused here could have succeeded at run time.
"""

from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass
from typing import Any

from engine.expressions.limits import (
    MAX_INT_BITS,
    MAX_SIZE,
    digits_refusal,
    int_weight,
    joined_weight,
    repeated_weight,
    size_refusal,
)


@dataclass(frozen=True, slots=True)
class _Known:
    """What is certain about a sub-expression: a lower bound on its weight, and its kind."""

    weight: int
    kind: str  # "int" (with `value`), "str", "bytes", "list", "tuple" or "other"
    value: int | None = None


_SEQUENCES = {str: "str", bytes: "bytes"}
_TEXTS = ("str", "bytes")
_FOLDABLE: dict[type, Any] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
}


def check_static_limits(tree: ast.AST) -> None:
    """Refuse an expression whose literal sizes already break a limit.

    Raises:
        LimitExceeded: naming the limit (size or digits).
    """
    _estimate(tree)


def _estimate(node: ast.AST) -> _Known | None:
    if isinstance(node, ast.Constant):
        return _constant(node.value)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        parts = [_estimate(element) for element in node.elts]
        weight = 1 + sum(part.weight if part else 1 for part in parts)
        kind = {ast.List: "list", ast.Tuple: "tuple"}.get(type(node), "other")
        return _Known(weight, kind)
    if isinstance(node, ast.UnaryOp):
        operand = _estimate(node.operand)
        if operand and operand.kind == "int" and isinstance(node.op, ast.USub | ast.UAdd):
            value = -operand.value if isinstance(node.op, ast.USub) else operand.value
            return _Known(operand.weight, "int", value)
        return None
    if isinstance(node, ast.BinOp):
        return _binary(node.op, _estimate(node.left), _estimate(node.right))
    for child in ast.iter_child_nodes(node):
        _estimate(child)
    return None


def _constant(value: Any) -> _Known | None:
    if type(value) is int:
        return _Known(int_weight(value), "int", value)
    if type(value) in _SEQUENCES:
        return _Known(len(value), _SEQUENCES[type(value)])
    return None


def _binary(op: ast.operator, left: _Known | None, right: _Known | None) -> _Known | None:
    if left is None or right is None:
        return None
    if left.kind == "int" and right.kind == "int":
        return _fold(op, left.value, right.value)
    if isinstance(op, ast.Mult):
        times, sequence = (left, right) if left.kind == "int" else (right, left)
        if times.kind != "int" or sequence.kind not in ("str", "bytes", "list", "tuple"):
            return None
        weight = repeated_weight(sequence.weight, times.value or 0, sequence.kind in _TEXTS)
        if weight > MAX_SIZE:
            raise size_refusal(weight)
        return _Known(weight, sequence.kind)
    if isinstance(op, ast.Add) and left.kind == right.kind and left.kind != "other":
        weight = joined_weight(left.weight, right.weight, left.kind in _TEXTS)
        if weight > MAX_SIZE:
            raise size_refusal(weight)
        return _Known(weight, left.kind)
    return None


def _fold(op: ast.operator, a: Any, b: Any) -> _Known | None:
    """Fold integer arithmetic, refusing results past the digit limit before computing them."""
    if isinstance(op, ast.Pow):
        if b < 0:
            return None  # a float
        if abs(a) > 1 and b * math.log2(abs(a)) > MAX_INT_BITS:
            raise digits_refusal("the power")
        result = a**b
    elif isinstance(op, ast.Mult):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise digits_refusal("the product")
        result = a * b
    elif isinstance(op, ast.LShift):
        if b < 0:
            return None
        if a and a.bit_length() + b > MAX_INT_BITS:
            raise digits_refusal("the shift")
        result = a << b
    elif isinstance(op, ast.RShift) and b >= 0:
        result = a >> b
    elif type(op) in _FOLDABLE and not (b == 0 and isinstance(op, ast.FloorDiv | ast.Mod)):
        result = _FOLDABLE[type(op)](a, b)
    else:
        return None
    if result.bit_length() > MAX_INT_BITS:
        raise digits_refusal()
    return _Known(int_weight(result), "int", result)
