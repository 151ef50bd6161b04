"""Hostile expressions are refused quickly, naming the limit; ordinary ones still work."""

from __future__ import annotations

import ast
import time

import pytest

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions import MAX_NESTING, Namespace, evaluate, parse
from tests.engine.builders import problems, with_decision

# A hang guard, not a benchmark: refusals take milliseconds (benchmarks/expression_limits.py);
# unguarded, these run for seconds to minutes or never end.
BUDGET_SECONDS = 1.0
NAMES = {"amount": 1200, "customer": "Ada", "record": Namespace({"status": "hired"})}

HOSTILE = {
    "tower of powers": "9 ** 9 ** 9 ** 9",
    "big power": "9 ** 3999999",
    "power of a power": "(9 ** 999) ** 999",
    "shift": "1 << 10 ** 9",
    "string repeat": "'a' * 10 ** 8",
    "list repeat": "[0] * 99999 * 99999",
    "string sum": "'a' * 99999 + 'b' * 99999",
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
    # Repetition of one shared list: tiny to build, huge to print, compare or search.
    "nested repetition": "[[[1] * 10000] * 10000] * 10000",
    "text of a nested list": "str([[1] * 10000] * 10000)",
    "f-string of a nested list": "f'{[[1] * 10000] * 10000}'",
    "comparing nested lists": "[[1] * 10000] * 10000 == [[1] * 10000] * 10000",
    "ordering nested lists": "[[0] * 10000] * 10000 < [[0] * 10000] * 10000",
    "searching a nested list": "1 in [[1] * 10000] * 10000",
    "largest of a nested list": "max([[1] * 10000] * 10000)",
    "nested repetition of a variable": "[[amount] * amount] * amount",
    "comparisons in a comprehension": "[[0] * 9999 == [0] * 9999 for i in 'a' * 1000]",
    "printing in a comprehension": "[len(str([0] * 3000)) for i in 'a' * 1000]",
    "rounding to a billion digits": "round(1, -10 ** 9)",
    "iterating a record": "list(record)",
    "smallest field of a record": "min(record)",
    "a record's fields as a list": "[f for f in record]",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_hostile_expression_is_refused_quickly(text):
    # given a hostile expression
    started = time.perf_counter()
    # when it is evaluated
    with pytest.raises(ExpressionError) as refused:
        evaluate(text, NAMES)
    # then it is refused well before it can hurt, in one line
    assert time.perf_counter() - started < BUDGET_SECONDS
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("[[[1] * 10000] * 10000] * 10000", "the size limit"),
        ("[[amount] * amount] * amount", "the size limit"),
        ("'a' * 99999 + 'b' * 99999", "the size limit"),
        ("[[0] * 9999 == [0] * 9999 for i in 'a' * 1000]", "the work limit"),
        ("9 ** 3999999", "the digit limit"),
        ("(9 ** 999) ** 999", "the digit limit"),
        ("round(1, -10 ** 9)", "the digit limit"),
        ("int('9' * 4000)", "the digit limit"),
        ("-" * 150 + "1", "the nesting limit"),
    ],
)
def test_refusal_names_the_limit_it_hit(text, limit):
    # when a limit is hit
    with pytest.raises(ExpressionLimitError) as refused:
        evaluate(text, NAMES)
    # then the one-line message says which
    assert limit in str(refused.value)


def test_repetition_plain_from_the_text_is_refused_before_running():
    # given a repetition whose size needs no variable to know
    # when it is only parsed
    with pytest.raises(ExpressionLimitError, match="the size limit"):
        parse("[[[1] * 10000] * 10000] * 10000")
    # then the same shape over a variable parses, and is refused only when evaluated
    parse("[[amount] * amount] * amount")


@pytest.mark.parametrize(
    "text",
    ["[[[1] * 10000] * 10000] * 10000", "9 ** 9 ** 9 ** 9", "'ab' * 60000", "1 + " * 700 + "1"],
)
def test_validation_reports_a_limit_with_its_own_code(text):
    # given a decision whose condition breaks a limit that the text alone shows
    definition = with_decision(text)
    # when
    found = problems(definition, "expression-limit")
    # then it is reported on the flow, and not as a syntax error
    assert [(d.element, d.field) for d in found] == [("check", "flows[big_deal].condition")]
    assert "limit" in found[0].message
    assert problems(definition, "expression-syntax") == []


def test_large_variables_can_be_read_but_not_amplified():
    # given a variable holding a large list (data the run really has)
    names = {"rows": list(range(50_000))}
    # then reading, measuring, indexing and comparing it are fine
    assert evaluate("len(rows) == 50000 and rows[-1] == 49999", names) is True
    assert evaluate("rows == rows", names) is True
    # but repeating it is not
    with pytest.raises(ExpressionLimitError, match="the size limit"):
        evaluate("[rows] * 10", names)


def test_a_value_nested_deeper_than_the_limit_is_refused_when_printed():
    # given a variable nested deeper than expressions may walk
    deep: list = []
    for _ in range(MAX_NESTING + 5):
        deep = [deep]
    # when it is printed, then it is refused by the nesting limit
    with pytest.raises(ExpressionLimitError, match="the nesting limit"):
        evaluate("str(deep)", {"deep": deep})


@pytest.mark.parametrize(
    "text", [HOSTILE["lambda"], HOSTILE["dunder attribute"], HOSTILE["zfill"]],
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
        ("f'{customer!r}'", "'Ada'"),
        ("customer.lower().startswith('a')", True),
        ("len([c for c in customer if c != 'a'])", 2),
        ("2 ** 10 + 7 % 3", 1025),
        ("{'x': 1}.get('y', 0)", 0),
        ("upper(customer) + '!' * 3", "ADA!!!"),
        ("[[0] * 100] * 100 == [[0] * 100] * 100", True),
        ("'status' in record and 'salary' not in record", True),
        ("round(amount / 7, 2)", 171.43),
        ("list((1, 2)) + [3]", [1, 2, 3]),
        ("max(1, amount) + min([3, 2]) + abs(-1)", 1203),
    ],
)
def test_ordinary_expressions_still_evaluate(text, expected):
    assert evaluate(text, NAMES) == expected


@pytest.mark.parametrize("text", ["1", "'EU'", "2.5", "True", "None", "  7 "])
def test_a_literal_gives_its_value_every_time_whatever_the_names(text):
    # given a literal evaluated once (its value is then kept)
    first = evaluate(text, NAMES)

    # when it is evaluated again with other names, or none
    again = [evaluate(text, {}), evaluate(text, {"amount": 1})]

    # then it gives the same value
    assert again == [first, first]
    assert first == ast.literal_eval(text.strip())


def test_a_literal_beyond_the_limits_is_refused_every_time():
    text = "'" + "a" * 20000 + "'"
    for _ in range(2):
        with pytest.raises(ExpressionLimitError):
            evaluate(text, NAMES)
