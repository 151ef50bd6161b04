"""Random notice templates through `check` and `render`: problems or text, never another
exception, never more text than the limit, never a hang; and no template reaches past the
values it is given (attributes, indexes, internals)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.templates import MAX_OUTPUT_CHARS, NOTICE_PLACEHOLDERS, TemplateError, check, render
from tests.engine.fuzz.guard import fuzz_settings, hang_guard

VALUES = {
    "run": "run-1",
    "orchestration": "Employee onboarding",
    "step": "Sign contract",
    "title": "Sign the contract",
    "guidance": "Read it twice. " * 50,
    "due": "2026-12-09",
    "assignee": "user:ada",
    "item": "item-7",
    "reason": None,
    "record": {"status": "hired", "amount": 12000},
}

_NAMES = st.sampled_from(
    [*VALUES, "record.status", "record.__class__", "run.__class__", "__class__", "0", "",
     "title[0]", "title.upper", "missing", "record.amount.x", "_private"]
)  # fmt: skip
# Padding fills with "*", not "_": a run of fill underscores would trip the check below that
# no dunder name reaches the text.
_SPECS = st.one_of(
    st.just(""),
    st.from_regex(r":[<>^=]?[+ -]?0?[0-9]{0,12}(\.[0-9]{0,12})?[sdfxe%]?", fullmatch=True),
    st.sampled_from([":>300000000", ":{title}", ":.999999999", "!r", "!s", ":,", ":*>200"]),
)
_FIELDS = st.builds(lambda name, spec: "{" + name + spec + "}", _NAMES, _SPECS)
_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
_PIECES = st.one_of(_FIELDS, _TEXT, st.sampled_from(["{", "}", "{{", "}}", "{{}}", "{{{"]))
TEMPLATES = st.lists(_PIECES, max_size=12).map("".join)


@fuzz_settings(examples=600)
@given(template=TEMPLATES)
def test_any_template_is_checked_and_filled_or_refused_in_one_line(template):
    with hang_guard(f"checking {template!r}"):
        problems = check(template, NOTICE_PLACEHOLDERS | {"record": ("status", "amount")})
    assert all(p.severity in {"error", "warning"} and "\n" not in p.message for p in problems)

    with hang_guard(f"filling {template!r}"):
        try:
            text = render(template, VALUES)
        except TemplateError as refused:
            assert "\n" not in str(refused)
            return
    assert len(text) <= MAX_OUTPUT_CHARS
    assert "<class" not in text and "__" not in text.replace(template, "")


@fuzz_settings(examples=200)
@given(template=TEMPLATES)
def test_a_template_validation_accepts_renders_without_a_refusal_of_its_fields(template):
    """What `check` finds no error in, `render` does not refuse for its fields or braces
    (a value that does not take its format spec is the one refusal left to run time)."""
    names = NOTICE_PLACEHOLDERS | {"record": ("status", "amount")}
    with hang_guard(f"checking {template!r}"):
        errors = [p for p in check(template, names) if p.severity == "error"]
    if errors:
        return
    with hang_guard(f"filling {template!r}"):
        try:
            render(template, VALUES)
        except TemplateError as refused:
            message = str(refused)
            field = message.split(": ", 1)[0]
            assert (field.startswith("{") and field in template) or "grows past" in message
