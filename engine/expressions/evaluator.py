"""Evaluating a parsed expression with `simpleeval`, metered so its cost follows what it does.

Every value the expression builds (by repetition, concatenation, a literal, a comprehension,
a call or an f-string) is weighed against the size limit, growth is weighed *before* it is
computed, and every operation whose cost grows with its operands (comparing, searching,
printing, copying, converting) is charged to the evaluation's work budget first. Reading a
variable costs nothing; only what is done with it does.
"""

from __future__ import annotations

import ast
import math
import operator
import threading
import types
from collections.abc import Callable, Mapping
from typing import Any

import simpleeval

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions.limits import (
    MAX_INT_BITS,
    MAX_ITERATIONS,
    MAX_SIZE,
    LimitExceeded,
    Meter,
    digits_refusal,
    joined_weight,
    repeated_weight,
    size_refusal,
)
from engine.expressions.parsing import parse, shown
from engine.expressions.vocabulary import (
    BASE_NAMES,
    CONSTANT_COST_FUNCTIONS,
    FUNCTIONS,
    LOOKUP_METHODS,
)


class Namespace:
    """Read-only attribute view of a mapping: `contract.decision`, `record.status`.

    A missing attribute reads as None, so a condition on an output of a skipped step is
    false rather than an error. `'status' in record` asks whether the field is there.
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

    def __contains__(self, name: object) -> bool:
        return name in self._values

    # Without this, iterating would call __getitem__(0), (1), ... forever: every key exists.
    __iter__ = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Namespace) and other._values == self._values

    def __repr__(self) -> str:
        return f"Namespace({self._values!r})"

    __hash__ = None  # type: ignore[assignment]


_SCALARS = frozenset({int, float, bool, type(None), complex})
_TEXT = (str, bytes)
_SEQUENCES = (str, bytes, list, tuple)
_BUILDERS = frozenset(
    {ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.GeneratorExp, ast.DictComp,
     ast.JoinedStr}
)  # fmt: skip
_COMPARISONS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_HASHED = (dict, set, frozenset, Namespace)
_CONVERSIONS = {ord("r"): repr, ord("s"): str, ord("a"): ascii}


class _Evaluator(simpleeval.EvalWithCompoundTypes):
    """simpleeval with a `Meter`: each operation is weighed and charged before it runs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.meter = Meter(Namespace)
        self.operators = {
            **self.operators,
            ast.Pow: _safe_power,
            ast.Mult: self._multiply,
            ast.Add: self._add,
            ast.Mod: _safe_mod,
            ast.LShift: _safe_lshift,
            ast.In: self._contains,
            ast.NotIn: lambda a, b: not self._contains(a, b),
            **{op: self._comparison(func) for op, func in _COMPARISONS.items()},
        }
        for op in (ast.Sub, ast.Div, ast.FloorDiv, ast.BitAnd, ast.BitOr, ast.BitXor):
            self.operators[op] = self._charged(self.operators[op])

    def eval(self, expr: str, previously_parsed: ast.AST | None = None) -> Any:
        # simpleeval counts comprehension steps in `_max_count` against its own global limit
        # (10,000); starting the count higher gives each evaluation our smaller budget.
        self._max_count = simpleeval.MAX_COMPREHENSION_LENGTH - MAX_ITERATIONS
        self.expr = expr
        return self._eval(previously_parsed or self.parse(expr))

    def _eval(self, node: ast.AST) -> Any:
        # Replaces simpleeval's `_eval`, whose check of every result walks it entirely:
        # for `[[1] * 10000] * 10000` that is 10**8 steps. Weighing stops at the limit.
        try:
            handler = self.nodes[type(node)]
        except KeyError:
            raise simpleeval.FeatureNotAvailable(
                f"{type(node).__name__} is not available in expressions"
            ) from None
        result = handler(node)
        if type(node) in _BUILDERS and type(result) not in _SCALARS:
            self.meter.check_built(result)
        return result

    # --- operations that grow, compare or search --------------------------------------

    def _cost(self, *values: Any) -> int:
        """The weight of all operands, refusing as soon as it passes the remaining budget."""
        cap = self.meter.remaining
        total = 0
        for value in values:
            total += self.meter.weigh(value, cap - total)
        return total

    def _charged(self, func: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def charged(a: Any, b: Any) -> Any:
            if type(a) not in _SCALARS or type(b) not in _SCALARS:
                self.meter.charge(self._cost(a, b), "this operation")
            return func(a, b)

        return charged

    def _comparison(self, func: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def compare(a: Any, b: Any) -> Any:
            if type(a) not in _SCALARS or type(b) not in _SCALARS:
                cap = self.meter.remaining
                # A comparison stops at the end of the shorter operand.
                work = min(self.meter.weigh(a, cap), self.meter.weigh(b, cap))
                self.meter.charge(work, "comparing these values")
            return func(a, b)

        return compare

    def _contains(self, item: Any, container: Any) -> bool:
        # In a dict or set, `in` hashes the item; anywhere else it scans the container.
        hashed = isinstance(container, _HASHED)
        work = self._cost(item) if hashed else self._cost(item, container)
        self.meter.charge(work, "searching this value")
        return item in container

    def _multiply(self, a: Any, b: Any) -> Any:
        if type(a) is int and type(b) is int:
            if a.bit_length() + b.bit_length() > MAX_INT_BITS:
                raise digits_refusal("the product")
            return a * b
        for sequence, times in ((a, b), (b, a)):
            if isinstance(times, int) and isinstance(sequence, _SEQUENCES):
                text = isinstance(sequence, _TEXT)
                unit = len(sequence) if text else self.meter.weigh(sequence, MAX_SIZE)
                weight = repeated_weight(unit, times, text)
                if weight > MAX_SIZE:
                    raise size_refusal(weight)
                self.meter.charge(weight, "this repetition")
                return self.meter.remember(a * b, weight)
        return self._charged(operator.mul)(a, b)

    def _add(self, a: Any, b: Any) -> Any:
        if type(a) in _SCALARS and type(b) in _SCALARS:
            result = a + b
            if type(result) is int and result.bit_length() > MAX_INT_BITS:
                raise digits_refusal()
            return result
        text = isinstance(a, _TEXT) and isinstance(b, _TEXT)
        weight = joined_weight(
            len(a) if text else self.meter.weigh(a, MAX_SIZE),
            len(b) if text else self.meter.weigh(b, MAX_SIZE),
            text,
        )
        if weight > MAX_SIZE:
            raise size_refusal(weight)
        self.meter.charge(weight, "this concatenation")
        return self.meter.remember(a + b, weight)

    # --- nodes whose cost simpleeval does not see ---------------------------------------

    def _eval_call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Attribute):
            func = self._eval(node.func)
            name = node.func.attr
        else:
            name = node.func.id
            try:
                func = self.functions[name]
            except KeyError:
                raise simpleeval.FunctionNotDefined(name, self.expr) from None
        args = [self._eval(a) for a in node.args]
        kwargs = dict(self._eval(k) for k in node.keywords)
        if func in CONSTANT_COST_FUNCTIONS:
            return func(*args, **kwargs)
        operands = [*args, *kwargs.values()]
        owner = getattr(func, "__self__", None)
        if isinstance(owner, types.ModuleType):
            owner = None  # a built-in function such as max(): bound to its module, no object
        lookup = owner is not None and name in LOOKUP_METHODS
        if owner is not None and not lookup:
            operands.append(owner)
        self.meter.charge(self._cost(*operands), "calling {}()", name)
        result = func(*args, **kwargs)
        if type(result) is int and result.bit_length() > MAX_INT_BITS:
            raise digits_refusal(f"{name}()")  # int('9' * 4000)
        # A lookup, or a call answering one of its operands (min, str of a text), builds
        # nothing new; anything else is a new value and must fit the size limit.
        if not lookup and type(result) not in _SCALARS and not _is_any(result, operands):
            self.meter.check_built(result)
        return result

    def _eval_subscript(self, node: ast.Subscript) -> Any:
        container = self._eval(node.value)
        key = self._eval(node.slice)
        if isinstance(key, slice) and hasattr(container, "__len__"):
            copied = len(range(*key.indices(len(container))))
            self.meter.charge(copied, "this slice")
        elif isinstance(container, _HASHED) and type(key) not in _SCALARS:
            self.meter.charge(self._cost(key), "this lookup")
        return container[key]

    def _eval_formattedvalue(self, node: ast.FormattedValue) -> Any:
        value = self._eval(node.value)
        weight = self.meter.weigh(value, MAX_SIZE)
        if weight > MAX_SIZE:
            raise size_refusal(weight)
        self.meter.charge(weight, "formatting this value")
        if node.conversion in _CONVERSIONS:
            value = _CONVERSIONS[node.conversion](value)
        spec = self._eval(node.format_spec) if node.format_spec else ""
        return format(value, spec)

    def _eval_joinedstr(self, node: ast.JoinedStr) -> str:
        parts = [str(self._eval(n)) for n in node.values]
        length = sum(len(p) for p in parts)
        if length > MAX_SIZE:
            raise size_refusal(length)
        return "".join(parts)


def _is_any(value: Any, candidates: list[Any]) -> bool:
    return any(value is candidate for candidate in candidates)


def _safe_power(base: Any, exponent: Any) -> Any:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        # Estimate the result's size before computing it: 9 ** 3999999 takes seconds.
        if exponent * math.log2(abs(base)) > MAX_INT_BITS:
            raise digits_refusal("the power")
    elif isinstance(exponent, int | float) and abs(exponent) > simpleeval.MAX_POWER:
        raise LimitExceeded(f"the exponent {exponent} is too large (the digit limit)")
    return base**exponent


def _safe_mod(a: Any, b: Any) -> Any:
    if isinstance(a, str | bytes):
        # '%0999999999d' % 1 allocates a gigabyte; f-strings have checked widths instead.
        raise simpleeval.FeatureNotAvailable("'%' formatting of text is not available; use f'...'")
    return a % b


def _safe_lshift(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and a and a.bit_length() + b > MAX_INT_BITS:
        raise digits_refusal("the shift")
    return simpleeval.safe_lshift(a, b)


_CONSTANTS: dict[str, Any] = {}
"""Expressions that are a single literal (`1`, `'EU'`), with the value each gave once
evaluated: they read no name, and a literal's value is immutable, so it is the same every
time (most step inputs are literals, evaluated once per step of every run)."""
_MAX_CONSTANTS = 4096
_UNKNOWN = object()


def evaluate(text: str, names: Mapping[str, Any]) -> Any:
    """Evaluate an expression against the given names.

    Args:
        text: the expression.
        names: values by name; mappings for steps/record/run should be `Namespace`s.

    Raises:
        ExpressionLimitError: it would break a limit on size, work, digits or nesting
            (the message names the limit).
        ExpressionError: it does not parse, reads an unknown name, or fails.
    """
    found = _CONSTANTS.get(text, _UNKNOWN)
    if found is not _UNKNOWN:
        return found
    tree = parse(text)
    evaluator = _evaluator()
    evaluator.names = {**BASE_NAMES, **names}
    evaluator.meter.reset()
    try:
        value = evaluator.eval(text, previously_parsed=tree)
        literal = isinstance(tree, ast.Expression) and isinstance(tree.body, ast.Constant)
        if literal and len(_CONSTANTS) < _MAX_CONSTANTS:
            _CONSTANTS[text] = value
        return value
    except simpleeval.NameNotDefined as exc:
        raise ExpressionError(
            f"expression {shown(text)} reads {exc.name!r}, which is not defined here",
            hint="use a variable, a step id, record.FIELD or run.id",
        ) from None
    except LimitExceeded as exc:
        raise ExpressionLimitError(f"expression {shown(text)} was refused: {exc}") from None
    except simpleeval.IterableTooLong:
        # simpleeval's own guards; our checks come first except for comprehension steps.
        raise ExpressionLimitError(
            f"expression {shown(text)} was refused: its comprehensions would take more than "
            f"{MAX_ITERATIONS:,} steps (the iteration limit)"
        ) from None
    except simpleeval.NumberTooHigh:
        raise ExpressionLimitError(
            f"expression {shown(text)} was refused: a number or shift would be too large "
            "(the digit limit)"
        ) from None
    except simpleeval.InvalidExpression as exc:
        raise ExpressionError(f"expression {shown(text)} was refused: {exc}") from None
    except (RecursionError, MemoryError):
        raise ExpressionLimitError(
            f"expression {shown(text)} nests too deeply or needs too much memory "
            "(the nesting limit)"
        ) from None
    except Exception as exc:  # a TypeError or ZeroDivisionError from the user's own logic
        detail = " ".join(str(exc).split())  # one line, even for a KeyError of a long text
        detail = detail if len(detail) <= 200 else detail[:200] + "..."
        raise ExpressionError(
            f"expression {shown(text)} failed: {type(exc).__name__}: {detail}"
        ) from None
    finally:
        evaluator.names = {}
        evaluator.meter.reset()


_PER_THREAD = threading.local()


def _evaluator() -> _Evaluator:
    """This thread's evaluator: built once (its tables cost more than most evaluations),
    then given fresh names and a full budget for each expression."""
    evaluator = getattr(_PER_THREAD, "evaluator", None)
    if evaluator is None:
        evaluator = _PER_THREAD.evaluator = _Evaluator(functions=dict(FUNCTIONS), names={})
    return evaluator
