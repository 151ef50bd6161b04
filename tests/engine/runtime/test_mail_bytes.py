"""The `.eml` bytes of a message: made directly in the plain case, byte for byte what the
standard library writes for the same message, and left to it otherwise."""

from __future__ import annotations

import email
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.actions import mail

NOW = datetime(2026, 1, 5, 9, 0, 7, tzinfo=UTC)

_ascii = st.characters(min_codepoint=32, max_codepoint=126)
_texts = st.one_of(
    st.text(alphabet=_ascii, max_size=200),
    st.lists(st.text(alphabet=_ascii, max_size=120), max_size=14).map("\n".join),
    st.lists(
        st.sampled_from(["Sign", "the", "form", "(x)", '"q"', "a:b", "=?", "=3D", "é", "\t", ""]),
        max_size=30,
    ).map(" ".join),
    st.text(max_size=60),
)


def _stdlib(key, **fields) -> bytes:
    return bytes(mail.build_message(key, now=NOW, **fields))


@settings(max_examples=400, deadline=None)
@given(
    subject=_texts,
    body=_texts,
    to=st.sampled_from(["a@b.c", ["x.y+z@ex-ample.org", "q@r.s"], "Ann <a@b.c>"]),
    cc=st.sampled_from([None, "c@d.e", "Cee <c@d.e>"]),
    key=st.sampled_from(["notice-1", "run-ab_c.d-mail-2", "odd key"]),
)
def test_the_bytes_are_those_the_standard_library_writes(subject, body, to, cc, key):
    fields = {"to": to, "subject": subject, "body": body, "cc": cc}
    try:
        expected = _stdlib(key, **fields)
    except (ValueError, TypeError):
        return  # a header the standard library refuses is refused by both ways alike
    assert mail.message_bytes(key, now=NOW, **fields) == expected


def test_a_notice_with_a_long_line_is_made_directly_as_quoted_printable():
    body = "Sign the form (step sign of onboarding run run-21b149f7fc) is assigned to user:ann."
    fields = {"to": ["ann@example.com"], "subject": "New work item: Sign the form", "body": body}

    made = mail.message_bytes("notice-7", now=NOW, **fields)

    assert (
        mail._plain_bytes(
            "notice-7", "ann@example.com", None, "baton@localhost", fields["subject"], body, NOW
        )
        == made
    )
    assert made == _stdlib("notice-7", **fields)
    message = email.message_from_bytes(made)
    assert message["Content-Transfer-Encoding"] == "quoted-printable"
    assert message.get_payload(decode=True).decode() == body + "\n"


def test_a_message_read_back_from_its_file_is_the_same_message():
    made = mail.message_bytes(
        "notice-8", to="ann@example.com", subject="Überweisung prüfen", body="Grüße\n", now=NOW
    )
    message = mail.parse_message(made)
    assert message["Subject"] == "Überweisung prüfen"
    assert message.get_content() == "Grüße\n"
    assert message["Message-ID"] == "<notice-8@baton.local>"
