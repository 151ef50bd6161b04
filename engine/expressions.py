"""Safe expressions for conditions and input mappings (DESIGN rule 7: data, never `eval`).

Syntax is Python-like and evaluated by `simpleeval`, with limits on size and work so a
hostile expression cannot hang the engine or exhaust memory:

* at most `MAX_LENGTH` characters and `MAX_NODES` syntax nodes;
* no lambdas, assignments, imports, starred or walrus expressions;
* method calls only from a short allow-list (`lower`, `startswith`, `get`, ...): methods such
  as `zfill`, `ljust` or `replace` can build gigabytes from a short text;
* integers of at most `MAX_INT_DIGITS` digits, strings and lists of at most `MAX_SIZE`
  items built by `*` and `+`, no `%` formatting of strings, small f-string widths, and at
  most `MAX_ITERATIONS` comprehension steps per evaluation.

Names an expression may read: run variables, step ids (their outputs as attributes,
`contract.decision`), `record` (the triggering record as it is now) and `run`
(`run.id`, `run.started_at`). A few functions are available (`len`, `str`, `int`, ...).
Parsed expressions are cached, so the runtime pays the parse once per distinct text.
"""

from __future__ import annotations

import ast
import functools
import math
import re
from collections.abc import Mapping
from typing import Any

import simpleeval

from engine.errors import ExpressionError

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_INT_DIGITS = 1000
MAX_SIZE = 10_000
MAX_ITERATIONS = 1_000
MAX_FORMAT_WIDTH = 100
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

# Methods whose result is never much larger than their object; anything else (zfill, ljust,
# center, expandtabs, replace, join, format, ...) can turn a short text into gigabytes.
SAFE_METHODS = frozenset(
    {
        "lower", "upper", "strip", "lstrip", "rstrip", "title", "capitalize", "casefold",
        "startswith", "endswith", "split", "rsplit", "splitlines", "count", "find", "rfind",
        "isdigit", "isalpha", "isalnum", "isnumeric", "isspace",
        "get", "keys", "values", "items",
    }
)  # fmt: skip

_NUMBER = re.compile(r"\d+")


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
    except (RecursionError, MemoryError):
        raise ExpressionError(f"expression {text[:60]!r}... nests too deeply") from None
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
        if isinstance(node, ast.Call):
            _check_call(node, text)
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            _check_format_spec(node.format_spec, text)
    if count > MAX_NODES:
        raise ExpressionError(
            f"expression is too complex ({count} parts; the limit is {MAX_NODES})",
            hint="split the logic into several steps or variables",
        )
    return tree.body


def _check_call(node: ast.Call, text: str) -> None:
    func = node.func
    if isinstance(func, ast.Name):
        return  # an unknown function is reported when evaluated (and by validation)
    if isinstance(func, ast.Attribute) and func.attr in SAFE_METHODS:
        return
    what = f"the method {func.attr!r}" if isinstance(func, ast.Attribute) else "a computed function"
    raise ExpressionError(
        f"expression {text!r} calls {what}, which is not allowed",
        hint=f"call functions ({', '.join(FUNCTIONS)}) or the methods "
        + ", ".join(sorted(SAFE_METHODS)),
    )


def _check_format_spec(spec: ast.expr, text: str) -> None:
    # A width such as f"{x:>999999999}" allocates a gigabyte before any length check runs.
    parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
    for part in parts:
        if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
            raise ExpressionError(f"expression {text!r} computes a format; write it literally")
        if any(int(n) > MAX_FORMAT_WIDTH for n in _NUMBER.findall(part.value)):
            raise ExpressionError(
                f"expression {text!r} asks for a format wider than {MAX_FORMAT_WIDTH}"
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


_MAX_INT_BITS = int(MAX_INT_DIGITS * math.log2(10)) + 1


def _too_many_digits(value: Any) -> bool:
    return isinstance(value, int) and value.bit_length() > _MAX_INT_BITS


def _safe_power(base: Any, exponent: Any) -> Any:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        # Estimate the result's size before computing it: 9 ** 3999999 takes seconds.
        if exponent * math.log2(abs(base)) > _MAX_INT_BITS:
            small = base.bit_length() < 64 and exponent.bit_length() < 64
            shown = f"{base} ** {exponent}" if small else "the power"
            raise simpleeval.NumberTooHigh(f"{shown} has more than {MAX_INT_DIGITS} digits")
    elif isinstance(exponent, int | float) and abs(exponent) > simpleeval.MAX_POWER:
        raise simpleeval.NumberTooHigh(f"the exponent {exponent} is too large")
    return base**exponent


def _check_size(value: Any) -> Any:
    if _too_many_digits(value):
        raise simpleeval.NumberTooHigh(f"the result has more than {MAX_INT_DIGITS} digits")
    return value


def _safe_mult(a: Any, b: Any) -> Any:
    for seq, times in ((a, b), (b, a)):
        if hasattr(seq, "__len__") and isinstance(times, int) and times * len(seq) > MAX_SIZE:
            raise simpleeval.IterableTooLong(
                f"the result would be longer than {MAX_SIZE} characters or items"
            )
    if (
        isinstance(a, int)
        and isinstance(b, int)
        and a.bit_length() + b.bit_length() > _MAX_INT_BITS
    ):
        raise simpleeval.NumberTooHigh(f"the result has more than {MAX_INT_DIGITS} digits")
    return a * b


def _safe_add(a: Any, b: Any) -> Any:
    if hasattr(a, "__len__") and hasattr(b, "__len__") and len(a) + len(b) > MAX_SIZE:
        raise simpleeval.IterableTooLong(
            f"the result would be longer than {MAX_SIZE} characters or items"
        )
    return _check_size(a + b)


def _safe_mod(a: Any, b: Any) -> Any:
    if isinstance(a, str | bytes):
        # '%0999999999d' % 1 allocates a gigabyte; f-strings have checked widths instead.
        raise simpleeval.FeatureNotAvailable("'%' formatting of text is not available; use f'...'")
    return a % b


def _safe_lshift(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b > _MAX_INT_BITS:
        raise simpleeval.NumberTooHigh(f"the result has more than {MAX_INT_DIGITS} digits")
    return simpleeval.safe_lshift(a, b)


class _Evaluator(simpleeval.EvalWithCompoundTypes):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.operators = {
            **self.operators,
            ast.Pow: _safe_power,
            ast.Mult: _safe_mult,
            ast.Add: _safe_add,
            ast.Mod: _safe_mod,
            ast.LShift: _safe_lshift,
        }

    def eval(self, expr: str, previously_parsed: ast.AST | None = None) -> Any:
        # simpleeval counts comprehension steps in `_max_count` against its own global limit
        # (10,000); starting the count higher gives each evaluation our smaller budget.
        self._max_count = simpleeval.MAX_COMPREHENSION_LENGTH - MAX_ITERATIONS
        return simpleeval.SimpleEval.eval(self, expr, previously_parsed)


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
    except (RecursionError, MemoryError):
        raise ExpressionError(f"expression {text!r} nests too deeply") from None
    except Exception as exc:  # a TypeError or ZeroDivisionError from the user's own logic
        raise ExpressionError(f"expression {text!r} failed: {type(exc).__name__}: {exc}") from None
