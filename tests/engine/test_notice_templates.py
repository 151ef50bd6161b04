"""Notice templates (`notice-template`): named placeholders only, no attribute or index
walking, capped widths and output — refused at validation, and safe at delivery even for a
definition stored before the rule existed."""

from __future__ import annotations

import logging

import pytest

from engine.definition import dumps_definition
from engine.runtime import Engine, VirtualClock
from engine.store import definitions as definition_store
from engine.templates import MAX_OUTPUT_CHARS, TemplateError, render
from tests.engine.builders import interactive, linear, problems, stage
from tests.engine.runtime import builders as run_builders


def _with_notice(subject: str = "", body: str = ""):
    step = interactive("approve", assignee="user:ann", notice={"subject": subject, "body": body})
    return linear(stage("review", step))


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("{run.__class__.__base__.__subclasses__}", "attributes, indexes"),
        ("{run:>300000000}", "width 300,000,000"),
        ("{title:.99999999}", "precision 99,999,999"),
        ("{run[0]}", "attributes, indexes"),
        ("{}", "positional"),
        ("{0}", "positional"),
        ("{title!r}", "conversions"),
        ("{title:{due}}", "other fields"),
        ("Hello {title", "expected '}'"),
        ("x" * 20_001, "20,001 characters"),
    ],
)
def test_an_unsafe_or_broken_template_is_an_error_naming_the_step_and_field(template, says):
    # given a notice subject that walks attributes, pads without bound or is malformed
    definition = _with_notice(subject=template)
    # when it is validated
    (found,) = problems(definition, "notice-template")
    # then it is an error on the step's notice.subject, saying what is wrong
    assert (found.severity, found.element, found.field) == ("error", "approve", "notice.subject")
    assert says in found.message


def test_an_unknown_placeholder_is_a_warning_listing_the_known_ones():
    (found,) = problems(_with_notice(body="Hi {asignee}"), "notice-template")
    assert found.severity == "warning" and found.field == "notice.body"
    assert "'asignee'" in found.message and "assignee" in found.message


def test_a_plain_template_with_widths_and_escaped_braces_passes():
    definition = _with_notice("[{orchestration}] {title:<20.40} by {due}", "{{literal}} {guidance}")
    assert problems(definition, "notice-template") == []


def test_rendering_refuses_what_validation_refuses_and_bounds_the_output():
    assert render("{a:>5}|{b.k}", {"a": "x", "b": {"k": "v"}}) == "    x|v"
    assert render("{missing} stays", {}) == "{missing} stays"
    with pytest.raises(TemplateError):
        render("{a.__class__}", {"a": "x"})
    with pytest.raises(TemplateError, match="grows past"):
        render("{a}" * 20, {"a": "y" * (MAX_OUTPUT_CHARS // 10)})


def test_a_stored_definition_with_an_unsafe_template_gets_the_default_text(tmp_path, caplog):
    # given a definition stored before templates were checked, with a 300 MB padding
    engine = Engine(str(tmp_path / "b.db"), clock=VirtualClock(), outbox=tmp_path / "outbox")
    engine.add_user("ann", email="ann@example.com")
    step = run_builders.interactive(
        "approve", "user:ann", notice={"subject": "{run:>300000000}", "body": "{run.__class__}"}
    )
    definition = run_builders.orchestration("old", run_builders.stage("review", step))
    with engine.store.transaction() as conn:
        definition_store.insert_active(
            conn,
            definition_id="old",
            version=1,
            name="Old",
            trigger_type="manual",
            trigger_object=None,
            body=dumps_definition(definition),
            activated_at="2026-01-01T00:00:00.000000Z",
        )
    engine.start("old")

    # when the notice is delivered
    with caplog.at_level(logging.WARNING, logger="baton.notify"):
        engine.tick()
    engine.close()

    # then the default text went out, small, and the refusal was logged
    (message,) = (tmp_path / "outbox").glob("notice-*.eml")
    assert message.stat().st_size < 10_000
    assert "Subject: New work item: Approve" in message.read_text()
    assert "refused" in caplog.text
