"""Parsing an expression and every check that needs only its text."""

from __future__ import annotations

import ast
import functools
import re

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions.limits import (
    MAX_FORMAT_WIDTH,
    MAX_LENGTH,
    MAX_NESTING,
    MAX_NODES,
    LimitExceeded,
    nesting_depth,
)
from engine.expressions.static import check_static_limits
from engine.expressions.vocabulary import CONSTANTS, FUNCTIONS, SAFE_METHODS

_FORBIDDEN = (ast.Lambda, ast.NamedExpr, ast.Starred, ast.Await, ast.Yield, ast.YieldFrom)
_NUMBER = re.compile(r"\d+")
_SPLIT_HINT = "split the logic into several steps or variables"


def shown(text: str) -> str:
    """The expression as quoted in messages: on one line, long ones cut short."""
    return repr(text) if len(text) <= 120 else repr(text[:100]) + "..."


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> ast.AST:
    """Parse an expression and check its limits; the result is cached by text.

    Raises:
        ExpressionLimitError: the text, its nesting, or a size plain from the text
            (a literal repetition, a constant power) breaks a limit.
        ExpressionError: the expression does not parse or uses a construct that is not
            allowed.
    """
    if len(text) > MAX_LENGTH:
        raise ExpressionLimitError(
            f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
            hint=_SPLIT_HINT,
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (RecursionError, MemoryError):
        raise ExpressionLimitError(
            f"expression {shown(text)} nests too deeply (the nesting limit)"
        ) from None
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(
            f"expression {shown(text)} does not parse{where}: {exc.msg}",
            hint="use Python-like syntax, e.g. amount > 1000 and region == 'EU'",
        ) from None
    for count, node in enumerate(ast.walk(tree), start=1):
        if count > MAX_NODES:
            raise ExpressionLimitError(
                f"expression is too complex (more than {MAX_NODES} parts, the limit)",
                hint=_SPLIT_HINT,
            )
        if isinstance(node, _FORBIDDEN):
            raise ExpressionError(
                f"expression {shown(text)} uses {type(node).__name__}, which is not allowed"
            )
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ExpressionError(
                f"expression {shown(text)} reads a private attribute {node.attr!r}"
            )
        if isinstance(node, ast.Call):
            _check_call(node, text)
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            _check_format_spec(node.format_spec, text)
    if nesting_depth(tree) > MAX_NESTING:
        raise ExpressionLimitError(
            f"expression {shown(text)} nests more than {MAX_NESTING} levels deep "
            "(the nesting limit)",
            hint=_SPLIT_HINT,
        )
    try:
        check_static_limits(tree.body)
    except LimitExceeded as exc:
        raise ExpressionLimitError(f"expression {shown(text)} is refused: {exc}") from None
    return tree.body


def _check_call(node: ast.Call, text: str) -> None:
    func = node.func
    if isinstance(func, ast.Name):
        return  # an unknown function is reported when evaluated (and by validation)
    if isinstance(func, ast.Attribute) and func.attr in SAFE_METHODS:
        return
    what = f"the method {func.attr!r}" if isinstance(func, ast.Attribute) else "a computed function"
    raise ExpressionError(
        f"expression {shown(text)} calls {what}, which is not allowed",
        hint=f"call functions ({', '.join(FUNCTIONS)}) or the methods "
        + ", ".join(sorted(SAFE_METHODS)),
    )


def _check_format_spec(spec: ast.expr, text: str) -> None:
    # A width such as f"{x:>999999999}" allocates a gigabyte before any length check runs.
    parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
    for part in parts:
        if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
            raise ExpressionError(f"expression {shown(text)} computes a format; write it literally")
        if any(int(n) > MAX_FORMAT_WIDTH for n in _NUMBER.findall(part.value)):
            raise ExpressionLimitError(
                f"expression {shown(text)} asks for a format wider than {MAX_FORMAT_WIDTH} "
                "(the format limit)"
            )


def names_read(text: str) -> set[str]:
    """The free names an expression reads (not functions, constants or loop variables)."""
    tree = parse(text)
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension):
            bound.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
    called = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    return {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name)
        and n.id not in bound
        and n.id not in CONSTANTS
        and not (n.id in called and n.id in FUNCTIONS)
    }
