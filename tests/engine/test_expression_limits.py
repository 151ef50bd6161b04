"""Hostile expressions are refused quickly, and ordinary ones still work."""

from __future__ import annotations

import time

import pytest

from engine.errors import ExpressionError
from engine.expressions import Namespace, evaluate
from tests.engine.builders import problems, with_decision

# Generous for a loaded CI machine; unguarded, these run for seconds to minutes.
BUDGET_SECONDS = 0.5
NAMES = {"amount": 1200, "customer": "Ada", "record": Namespace({"status": "hired"})}

HOSTILE = {
    "tower of powers": "9 ** 9 ** 9 ** 9",
    "big power": "9 ** 3999999",
    "power of a power": "(9 ** 999) ** 999",
    "shift": "1 << 10 ** 9",
    "string repeat": "'a' * 10 ** 8",
    "list repeat": "[0] * 99999 * 99999",
    "string sum": "'a' * 9999 + 'b' * 9999",
    "zfill": "str(1).zfill(10 ** 9)",
    "replace": "('a' * 9999).replace('a', 'b' * 9999)",
    "join": "('-' * 9999).join('a' * 9999)",
    "percent format": "'%0999999999d' % 1",
    "f-string width": "f'{amount:>999999999}'",
    "computed f-string width": "f'{amount:{amount}}'",
    "nested comprehension": "[i for i in 'a' * 9999 for j in 'a' * 9999]",
    "comprehension of big strings": "[('a' * 9999) for i in 'a' * 9999]",
    "dunder attribute": "customer.__class__",
    "dunder via record": "record.__init__",
    "lambda": "(lambda: 1)()",
    "walrus": "(x := 1)",
    "computed call": "[customer.upper][0]()",
    "too long": "1 + " * 700 + "1",
    "too many parts": "+".join(["amount"] * 450),
    "too deep": "-" * 1999 + "1",
    "parenthesis tower": "(" * 300 + "1" + ")" * 300,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_hostile_expression_is_refused_quickly(text):
    # given a hostile expression
    started = time.perf_counter()
    # when it is evaluated
    with pytest.raises(ExpressionError):
        evaluate(text, NAMES)
    # then it is refused well before it can hurt
    assert time.perf_counter() - started < BUDGET_SECONDS


@pytest.mark.parametrize(
    "text", [HOSTILE["lambda"], HOSTILE["dunder attribute"], HOSTILE["too long"],
             HOSTILE["too deep"], HOSTILE["zfill"]],
)  # fmt: skip
def test_validation_reports_hostile_expression_without_running_it(text):
    # given a decision whose condition is hostile
    definition = with_decision(text)
    started = time.perf_counter()
    # when
    found = problems(definition, "expression-syntax")
    # then
    assert len(found) == 1
    assert time.perf_counter() - started < BUDGET_SECONDS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("amount > 1000 and record.status == 'hired'", True),
        ("f'{amount:.2f} EUR'", "1200.00 EUR"),
        ("customer.lower().startswith('a')", True),
        ("len([c for c in customer if c != 'a'])", 2),
        ("2 ** 10 + 7 % 3", 1025),
        ("{'x': 1}.get('y', 0)", 0),
        ("upper(customer) + '!' * 3", "ADA!!!"),
    ],
)
def test_ordinary_expressions_still_evaluate(text, expected):
    assert evaluate(text, NAMES) == expected
