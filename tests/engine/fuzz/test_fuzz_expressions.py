"""Random expressions through `evaluate` and validation: a value or our own one-line error,
never another exception or a hang; and what validation refuses, evaluation refuses too."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions import Namespace, evaluate
from engine.validation import validate
from tests.engine.builders import variable, with_decision
from tests.engine.fuzz.expression_strategies import AMPLIFIED, EXPRESSIONS, NAMES, SOUP
from tests.engine.fuzz.guard import fuzz_settings, hang_guard

VALUES = {
    "amount": 10000,
    "customer": "Ada",
    "items": list(range(50)),
    "nested": [[1] * 100] * 100,  # a variable may share references too
    "record": Namespace({"status": "hired", "x": "a,b"}),
    "quote": Namespace({"discount": 15}),
    "run": Namespace({"id": "r-1"}),
}
assert set(VALUES) | {"missing"} == set(NAMES)


def _evaluate(text: str) -> ExpressionError | None:
    """Evaluate under the hang guard; the refusal, or None when it gave a value."""
    with hang_guard(f"evaluating {text!r}"):
        try:
            evaluate(text, VALUES)
        except ExpressionError as refused:
            return refused
    return None


@fuzz_settings(examples=700)
@given(text=st.one_of(EXPRESSIONS, AMPLIFIED, SOUP))
def test_any_expression_gives_a_value_or_our_one_line_refusal(text):
    # when any expression is evaluated (anything but ExpressionError would fail here)
    refused = _evaluate(text)
    # then a refusal is one line, and a refusal for a limit names the limit
    assert refused is None or "\n" not in str(refused)
    if isinstance(refused, ExpressionLimitError):
        assert "limit" in str(refused)


@fuzz_settings(examples=300)
@given(text=st.one_of(EXPRESSIONS, AMPLIFIED))
def test_what_validation_refuses_for_size_evaluation_refuses_too(text):
    # given a decision whose condition is a random expression
    definition = with_decision(
        text, variables=[variable(name, type="json") for name in VALUES if name not in
                         ("record", "run", "quote")]
    )  # fmt: skip
    # when it is validated
    with hang_guard(f"validating {text!r}"):
        codes = {d.code for d in validate(definition)}
    # then a size found from the text alone is a refusal at run time as well
    if "expression-limit" in codes:
        assert isinstance(_evaluate(text), ExpressionLimitError)
    # and an expression that evaluates has no syntax or limit diagnostic
    if _evaluate(text) is None:
        assert not codes & {"expression-syntax", "expression-limit"}
