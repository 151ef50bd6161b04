"""The Markdown process document: every stage and step, who does what, decisions in words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.definition import Flow, RecordTrigger, load_definition
from engine.interchange import export_markdown
from engine.interchange.plain_words import (
    assignee_in_words,
    condition_in_words,
    duration_in_words,
)
from tests.engine.builders import (
    decision,
    end,
    flow,
    interactive,
    linear,
    orchestration,
    stage,
    start,
)

EXAMPLES = sorted((Path(__file__).parents[3] / "resources" / "examples").glob("*.baton.json"))
DEAL_DESK = next(p for p in EXAMPLES if p.name.startswith("deal_desk"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_document_names_every_stage_and_step_of_each_example(example):
    definition = load_definition(example)

    text = export_markdown(definition, image="diagram.svg")

    headings = re.findall(r"^#{3,4} \S+ (.+)$", text, flags=re.MULTILINE)
    stage_names = [s.name for s in definition.stages()]
    step_names = [step.name for _, step in definition.steps()]
    assert sorted(headings) == sorted(stage_names + step_names)
    assert "![Diagram of" in text and "(diagram.svg)" in text


def test_decisions_are_said_as_if_and_otherwise_with_their_targets():
    text = export_markdown(load_definition(DEAL_DESK))

    assert "- → decision **Discount level**:" in text
    assert "  - If `quote.discount` is more than 30 → **Finance and legal review**" in text
    assert "  - If `quote.discount` is more than 15 → **Finance review**" in text
    assert "  - Otherwise → **Close the deal**" in text
    assert (
        "If `finance_signoff.decision` is “reject” or `legal_signoff.decision` is “reject” "
        "→ **Prepare quote**"
    ) in text


def test_stages_come_in_the_order_a_run_reaches_them():
    text = export_markdown(load_definition(DEAL_DESK))

    stages = re.findall(r"^### \d+\. (.+)$", text, flags=re.MULTILINE)
    assert stages[0] == "Prepare quote"
    assert stages[-1] == "Close the deal"


def test_who_guidance_outputs_due_and_escalation_are_stated():
    text = export_markdown(load_definition(DEAL_DESK))

    assert "- the group **finance**: Finance approval (Finance review)" in text
    assert "- **Who:** the queue **sales_ops**" in text
    assert "  > Check margin and payment terms for a discount of more than 15%." in text
    assert "- **Asks for:** `decision` (text, required, one of “approve” / “reject”)" in text
    assert "- **Due:** within 2 days; when overdue, escalates to user **cfo**" in text
    assert "A run may enter this stage at most 3 times." in text


def test_a_stage_nothing_reaches_comes_last_and_is_marked():
    definition = linear(stage("review"), stage("orphan", name="Orphan"))
    definition.flows = [f for f in definition.flows if "orphan" not in (f.source, f.target)]
    definition.flows.append(Flow(source="review", target="end"))

    text = export_markdown(definition)

    orphan = text.index("### 2. Orphan")
    assert text.index("No path from the start reaches this stage.") > orphan


def test_a_decision_leading_to_a_decision_is_expanded_in_place():
    definition = orchestration(
        [start(), stage("a"), decision("d1"), decision("d2"), stage("b"), stage("c"), end()],
        [
            flow("start", "a"),
            flow("a", "d1"),
            flow("d1", "d2", condition="x > 1"),
            flow("d1", "end", default=True),
            flow("d2", "b", condition="y == 'z'"),
            flow("d2", "c", default=True),
            flow("b", "end"),
            flow("c", "end"),
        ],
    )

    text = export_markdown(definition)

    assert "- → decision **d1**:\n  - If `x` is more than 1 → decision **d2**:\n" in text
    assert "    - If `y` is “z” → **b**\n    - Otherwise → **c**\n" in text
    assert "  - Otherwise → the run ends (**end**)" in text


def test_step_start_conditions_and_after_links_are_said():
    review = stage(
        "review",
        interactive("check", name="Check"),
        interactive("sign", name="Sign", after=["check"], condition="amount >= 1000"),
    )

    text = export_markdown(linear(review))

    assert (
        "- **Starts:** after **Check** is complete, only if `amount` is at least 1000 "
        "(otherwise it is skipped)"
    ) in text


def test_conditions_in_words_keep_grouping_and_show_unknown_shapes_as_code():
    assert condition_in_words("a == 'x' and (b or c)") == "`a` is “x” and (`b` or `c`)"
    assert condition_in_words("not done") == "not (`done`)"
    assert condition_in_words("status in ['new', 'open']") == "`status` is one of “new”, “open”"
    assert condition_in_words("owner is None") == "`owner` is empty"
    assert condition_in_words("approved") == "`approved` holds"
    assert condition_in_words("len(items) > 2") == "`len(items)` is more than 2"
    assert condition_in_words("a >") == "`a >`"


def test_durations_and_assignees_in_words():
    assert duration_in_words("P1DT12H") == "1 day 12 hours"
    assert duration_in_words("PT30M") == "30 minutes"
    assert duration_in_words("P1W") == "7 days"
    assert assignee_in_words("queue:sales_ops") == "the queue **sales_ops**"
    assert assignee_in_words("user:cfo") == "user **cfo**"
    assert assignee_in_words(None) == "nobody yet (unassigned)"


def test_a_wait_step_says_its_event_key_and_what_a_timeout_leaves_behind():
    onboarding = next(p for p in EXAMPLES if p.name.startswith("employee_onboarding"))

    text = export_markdown(load_definition(onboarding))

    assert "- **Waits for:** the event `badge_printed` whose key matches `employee`" in text
    assert "- **Timeout:** stops waiting after 5 days; then `badge.timed_out` is true" in text


def test_a_dynamic_assignee_and_the_update_mode_are_said_in_words():
    # given a step assigned from the record's owner, started on every qualifying update
    definition = linear(
        stage("review", interactive("check", assignee=None, assignee_from="record.Owner")),
        trigger=RecordTrigger(
            type="record", object="Case", on=["updated"], condition="record.open", every_update=True
        ),
    )
    # when the document is written
    text = export_markdown(definition)
    # then the reader learns who gets the item and when runs start
    assert "- **Who:** whoever `record.Owner` names when the step starts" in text
    assert "(on every update after which it holds)" in text
