"""Salesforce conditions and Baton expressions translate both ways, or say why not."""

from __future__ import annotations

import pytest

from engine.interchange.salesforce_conditions import (
    Condition,
    Untranslatable,
    combine,
    condition_to_baton,
    expression_to_conditions,
)

STEPS = {"Review", "Quote"}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("$Record.Stage", "EqualTo", ("stringValue", "Won")), "record.Stage == 'Won'"),
        (
            Condition("Quote.Outputs.discount", "GreaterThanOrEqualTo", ("numberValue", "15.0")),
            "Quote.discount >= 15",
        ),
        (Condition("approved", "EqualTo", ("booleanValue", "false")), "not approved"),
        (
            Condition("$Record.Name", "StartsWith", ("stringValue", "ACME")),
            "str(record.Name).startswith('ACME')",
        ),
        (
            Condition("$Record.Name", "Contains", ("stringValue", "Ltd")),
            "'Ltd' in str(record.Name)",
        ),
        (Condition("$Record.Email", "IsNull", ("booleanValue", "true")), "record.Email is None"),
        (
            Condition("limit", "LessThan", ("elementReference", "Review.Outputs.cap")),
            "limit < Review.cap",
        ),
    ],
)
def test_a_salesforce_condition_reads_as_a_baton_expression(condition, expected):
    assert condition_to_baton(condition, STEPS) == expected


def test_custom_logic_keeps_its_grouping_and_negation():
    parts = ["a == 1", "b == 2", "c == 3"]
    assert combine(parts, "1 AND (2 OR NOT 3)") == "a == 1 and (b == 2 or not c == 3)"
    assert combine(parts, "or") == "a == 1 or b == 2 or c == 3"


@pytest.mark.parametrize(
    ("condition", "why"),
    [
        (Condition("Review", "WasVisited", ("booleanValue", "true")), "WasVisited"),
        (Condition("$User.Id", "EqualTo", ("stringValue", "x")), "$User.Id"),
        (Condition("$Record.Stage", "IsChanged", ("booleanValue", "true")), "IsChanged"),
    ],
)
def test_what_baton_cannot_say_is_refused_with_the_reason(condition, why):
    with pytest.raises(Untranslatable, match=why.replace("$", r"\$")):
        condition_to_baton(condition, STEPS)


def test_a_baton_expression_becomes_conditions_with_custom_logic():
    conditions, logic = expression_to_conditions(
        "record.Amount > 5000 and (Review.decision == 'approve' or not urgent)", STEPS
    )
    assert conditions == [
        Condition("$Record.Amount", "GreaterThan", ("numberValue", "5000.0")),
        Condition("Review.Outputs.decision", "EqualTo", ("stringValue", "approve")),
        Condition("urgent", "EqualTo", ("booleanValue", "true")),
    ]
    assert logic == "1 AND (2 OR NOT 3)"


def test_an_expression_with_arithmetic_has_no_condition_form():
    with pytest.raises(Untranslatable):
        expression_to_conditions("len(Review.comment) > 10", STEPS)
