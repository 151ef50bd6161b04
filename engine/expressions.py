"""Safe expressions for conditions and input mappings (DESIGN rule 7: data, never `eval`).

Syntax is Python-like and evaluated by `simpleeval`, with limits on size and work so a
hostile expression cannot hang the engine or exhaust memory:

* at most `MAX_LENGTH` characters and `MAX_NODES` syntax nodes;
* no lambdas, assignments, imports, starred or walrus expressions;
* simpleeval's own caps on powers, string/list growth and comprehension length.

Names an expression may read: run variables, step ids (their outputs as attributes,
`contract.decision`), `record` (the triggering record as it is now) and `run`
(`run.id`, `run.started_at`). A few functions are available (`len`, `str`, `int`, ...).
Parsed expressions are cached, so the runtime pays the parse once per distinct text.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from typing import Any

import simpleeval

from engine.errors import ExpressionError

MAX_LENGTH = 2000
MAX_NODES = 400
RESERVED_NAMES = frozenset({"record", "run"})

FUNCTIONS: dict[str, Any] = {
    "len": len,
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "abs": abs,
    "min": min,
    "max": max,
    "round": round,
    "lower": lambda s: str(s).lower(),
    "upper": lambda s: str(s).upper(),
}
CONSTANTS = frozenset({"True", "False", "None", "true", "false", "null"})

_FORBIDDEN = (ast.Lambda, ast.NamedExpr, ast.Starred, ast.Await, ast.Yield, ast.YieldFrom)


class Namespace:
    """Read-only attribute view of a mapping: `contract.decision`, `record.status`.

    A missing attribute reads as None, so a condition on an output of a skipped step is
    false rather than an error.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values = dict(values or {})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._values.get(name)

    def __getitem__(self, name: str) -> Any:
        return self._values.get(name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Namespace) and other._values == self._values

    def __repr__(self) -> str:
        return f"Namespace({self._values!r})"

    __hash__ = None  # type: ignore[assignment]


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> ast.AST:
    """Parse an expression and check its limits; the result is cached by text.

    Raises:
        ExpressionError: the expression does not parse, is too large, or uses a
            construct that is not allowed.
    """
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
            hint="split the logic into several steps or variables",
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(
            f"expression {text!r} does not parse{where}: {exc.msg}",
            hint="use Python-like syntax, e.g. amount > 1000 and region == 'EU'",
        ) from None
    count = 0
    for node in ast.walk(tree):
        count += 1
        if isinstance(node, _FORBIDDEN):
            raise ExpressionError(
                f"expression {text!r} uses {type(node).__name__}, which is not allowed"
            )
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ExpressionError(f"expression {text!r} reads a private attribute {node.attr!r}")
    if count > MAX_NODES:
        raise ExpressionError(
            f"expression is too complex ({count} parts; the limit is {MAX_NODES})",
            hint="split the logic into several steps or variables",
        )
    return tree.body


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


class _Evaluator(simpleeval.EvalWithCompoundTypes):
    pass


_BASE_NAMES = {
    "True": True,
    "False": False,
    "None": None,
    "true": True,
    "false": False,
    "null": None,
}


def evaluate(text: str, names: Mapping[str, Any]) -> Any:
    """Evaluate an expression against the given names.

    Args:
        text: the expression.
        names: values by name; mappings for steps/record/run should be `Namespace`s.

    Raises:
        ExpressionError: it does not parse, reads an unknown name, or breaks a limit.
    """
    tree = parse(text)
    evaluator = _Evaluator(functions=FUNCTIONS, names={**_BASE_NAMES, **names})
    try:
        return evaluator.eval(text, previously_parsed=tree)
    except simpleeval.NameNotDefined as exc:
        raise ExpressionError(
            f"expression {text!r} reads {exc.name!r}, which is not defined here",
            hint="use a variable, a step id, record.FIELD or run.id",
        ) from None
    except (simpleeval.InvalidExpression, simpleeval.NumberTooHigh) as exc:
        raise ExpressionError(f"expression {text!r} was refused: {exc}") from None
    except RecursionError:
        raise ExpressionError(f"expression {text!r} nests too deeply") from None
    except Exception as exc:  # a TypeError or ZeroDivisionError from the user's own logic
        raise ExpressionError(f"expression {text!r} failed: {type(exc).__name__}: {exc}") from None
