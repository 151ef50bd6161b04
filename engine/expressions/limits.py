"""The limits every expression runs under, and the meter that enforces them.

A value's *weight* counts what it really holds: one per element through every level of
nesting (a list repeated by reference counts each time it appears), the characters of
text and bytes, and roughly the digits of an integer. The weight bounds both the memory a
value needs and the work of printing, comparing or searching it, so checking weights
before acting keeps an expression's cost proportional to what it does, whatever its text
length. `[[[1]*10000]*10000]*10000` weighs 10**12 and is refused before anything is built.
"""

from __future__ import annotations

import ast
import math
import types
from typing import Any

MAX_LENGTH = 2000
"""Characters of expression text."""
MAX_NODES = 400
"""Syntax nodes of one expression."""
MAX_NESTING = 100
"""Levels of nesting, of the syntax and of any value an expression walks through."""
MAX_INT_DIGITS = 1000
"""Digits of any integer an expression computes."""
MAX_SIZE = 100_000
"""Weight of any value an expression builds (elements through nesting, characters)."""
MAX_WORK = 1_000_000
"""Units of work (elements built, copied, compared, searched or printed) per evaluation."""
MAX_ITERATIONS = 1_000
"""Steps of all comprehensions of one evaluation together."""
MAX_FORMAT_WIDTH = 100
"""Width or precision in an f-string format such as `{amount:>10}`."""

MAX_INT_BITS = int(MAX_INT_DIGITS * math.log2(10)) + 1
_DIGITS_PER_BIT = math.log10(2)


class LimitExceeded(Exception):
    """Raised inside an evaluation when a limit is hit; the message names the limit."""


def size_refusal(weight: int) -> LimitExceeded:
    """The refusal for a value heavier than `MAX_SIZE`."""
    return LimitExceeded(
        f"it would build a value of more than {MAX_SIZE:,} elements or characters "
        f"(about {weight:,}; the size limit)"
    )


def digits_refusal(what: str = "the result") -> LimitExceeded:
    """The refusal for an integer longer than `MAX_INT_DIGITS`."""
    return LimitExceeded(f"{what} would have more than {MAX_INT_DIGITS:,} digits (the digit limit)")


def repeated_weight(weight: int, times: int, text: bool) -> int:
    """The weight of a text (`weight` = its length) or a list/tuple repeated `times` times.

    A container is counted once however often its elements repeat: `[0] * 90` weighs 91.
    """
    times = max(times, 0)
    return weight * times if text else 1 + times * (weight - 1)


def joined_weight(first: int, second: int, text: bool) -> int:
    """The weight of two texts or two lists/tuples concatenated."""
    return first + second if text else first + second - 1


def int_weight(value: int) -> int:
    """About the number of digits of an integer (its length when printed)."""
    return 1 + int(value.bit_length() * _DIGITS_PER_BIT)


_CONTAINERS = (list, tuple, set, frozenset, dict)
_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))
_FLAT = frozenset({bool, float, type(None), complex})
_INTEGERS = frozenset({int, bool})
_TEXTS = frozenset({str, bytes})


class Meter:
    """The work budget of one evaluation, and the scales that weigh values for it.

    Weights of containers are remembered by identity for the evaluation (the meter keeps a
    reference, so an id is never reused), which makes weighing a list that repeats one
    inner list cost one step per reference, not one per nested element.
    """

    __slots__ = ("_known", "_namespace", "spent")

    def __init__(self, namespace_type: type) -> None:
        self.spent = 0
        self._known: dict[int, tuple[Any, int]] = {}
        self._namespace = namespace_type

    def reset(self) -> None:
        """Start a new evaluation: full budget, nothing remembered (no references kept)."""
        self.spent = 0
        self._known.clear()

    @property
    def remaining(self) -> int:
        """Units of work left in this evaluation's budget."""
        return MAX_WORK - self.spent

    def charge(self, units: int, what: str, name: str = "") -> None:
        """Spend `units` of work on `what` (`{}` in it stands for `name`); refuse when the
        budget is exhausted. The message is only formatted then, off the hot path."""
        self.spent += units
        if self.spent > MAX_WORK:
            raise LimitExceeded(
                f"{what.format(name)} would take the evaluation past {MAX_WORK:,} units of "
                "work (the work limit)"
            )

    def weigh(self, value: Any, cap: int) -> int:
        """The weight of `value`, or some number above `cap` as soon as it passes `cap`.

        Weighing stops early, so its own cost never exceeds about `cap` steps.
        """
        return self._weigh(value, cap, 0)

    def _weigh(self, value: Any, cap: int, depth: int) -> int:
        kind = type(value)
        if kind is str or kind is bytes:
            return len(value) or 1
        if kind is int:
            return int_weight(value)
        if kind in _FLAT:
            return 1
        if kind is self._namespace:
            value = value._values
        elif isinstance(value, types.ModuleType):
            raise LimitExceeded("it reached a module, which expressions may not use")
        elif not isinstance(value, _CONTAINERS + _VIEWS):
            return 1  # dates, functions and other atoms print and compare in bounded time
        known = self._known.get(id(value))
        if known is not None:
            return known[1]
        if depth >= MAX_NESTING:
            raise LimitExceeded(
                f"it reached a value nested more than {MAX_NESTING} levels deep (the nesting limit)"
            )
        if len(value) >= cap:
            return len(value) + 1  # every element weighs at least one
        total = self._weigh_flat(value) if kind is list or kind is tuple else None
        if total is not None:
            self._known[id(value)] = (value, total)
            return total
        total = 1
        parts = (p for pair in value.items() for p in pair) if isinstance(value, dict) else value
        for part in parts:
            total += self._weigh(part, cap - total, depth + 1)
            if total > cap:
                return total
        self._known[id(value)] = (value, total)
        return total

    @staticmethod
    def _weigh_flat(value: list[Any] | tuple[Any, ...]) -> int | None:
        """The weight of a list or tuple of only numbers or only texts, in C-speed passes."""
        kinds = set(map(type, value))
        if kinds <= _FLAT:
            return 1 + len(value)
        if kinds <= _INTEGERS:
            bits = sum(map(int.bit_length, value))
            return 1 + len(value) + int(bits * _DIGITS_PER_BIT)
        if kinds <= _TEXTS:
            return 1 + len(value) + sum(map(len, value))
        return None

    def remember(self, value: Any, weight: int) -> Any:
        """Note the weight of a value just built (so it is not weighed again); return it."""
        if isinstance(value, _CONTAINERS):
            self._known[id(value)] = (value, weight)
        return value

    def check_built(self, value: Any, what: str = "it") -> Any:
        """Refuse a built value heavier than `MAX_SIZE`; charge its weight; return it."""
        weight = self.weigh(value, MAX_SIZE)
        if weight > MAX_SIZE:
            raise size_refusal(weight)
        self.charge(weight, what)
        return value


def nesting_depth(tree: ast.AST) -> int:
    """The deepest level of a syntax tree, found without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest
