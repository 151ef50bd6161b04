"""People, groups and webhooks with names or addresses Baton could never use are refused.

Found by a newcomer: `baton users add ""` answered "user  ready"; "Zoë Ünal" was added but
`user:Zoë Ünal` is no assignee, so no item could ever be given to her; a 201-character name
was stored on SQLite and failed on PostgreSQL; `--email nope` was kept until a notice could
not be sent; `baton webhooks add --url "http://[::1"` ended in a traceback.
"""

from __future__ import annotations

import pytest

from engine.definition import save_definition
from tests.engine.clirunner import in_process
from tests.engine.runtime.builders import interactive, orchestration, stage

HINT = "(use 1 to 200 letters, digits and . _ @ - (e.g. zoe.unal))"


@pytest.fixture
def baton(db_url, capsys, monkeypatch):
    monkeypatch.setenv("BATON_DB", db_url)
    monkeypatch.setenv("BATON_USER", "admin")
    run = in_process(capsys)
    assert run("users", "add", "admin", "--role", "admin").code == 0
    return run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("",), f"the user name '' cannot be written as an assignee (user:NAME) {HINT}"),
        (
            ("Zoë Ünal",),
            f"the user name 'Zoë Ünal' cannot be written as an assignee (user:NAME) {HINT}",
        ),
        (
            ("u" * 201,),
            f"the user name {'u' * 40!r} cannot be written as an assignee (user:NAME) {HINT}",
        ),
        (
            ("ann", "--group", "human resources"),
            "the group name 'human resources' cannot be written as an assignee (group:NAME) "
            + HINT,
        ),
        (
            ("ann", "--email", "nope"),
            "[email] 'nope' is not an email address (write e.g. ann@example.com)",
        ),
    ],
)
def test_a_name_no_assignee_could_carry_is_refused_and_nobody_is_added(baton, args, message):
    result = baton("users", "add", *args)

    assert result.code == 1
    assert result.err.strip() == f"baton: error: {message}"
    assert [u["name"] for u in baton("users", "list", "--format", "json").json()] == ["admin"]


def test_a_user_with_a_dotted_name_and_an_email_gets_work(baton, tmp_path):
    assert baton("users", "add", "zoe.unal", "--email", "zoe@example.com").code == 0
    path = tmp_path / "hello.baton.json"
    save_definition(orchestration("hello", stage("s", interactive("hi", "user:zoe.unal"))), path)
    baton("activate", str(path))
    baton("start", "hello")

    assert len(baton("work", "list", "--as", "zoe.unal", "--format", "json").json()) == 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1", "Invalid IPv6 URL"),
        ("http://crm.example.com:99999/hook", "Port out of range 0-65535"),
    ],
)
def test_a_webhook_url_that_does_not_parse_is_refused(baton, tmp_path, url, reason):
    path = tmp_path / "hello.baton.json"
    save_definition(orchestration("hello", stage("s", interactive("hi", "group:x"))), path)
    baton("activate", str(path))

    result = baton("webhooks", "add", "hello", "--url", url)

    assert result.code == 1
    assert result.err.strip() == f"baton: error: [url] {url!r} is not a URL: {reason}"


def test_an_event_with_a_blank_name_is_a_usage_error(baton):
    # e.g. `baton event send "$EVENT"` with EVENT unset; the HTTP API refuses it as well
    result = baton("event", "send", "", "--key", "Ann")

    assert result.code == 2
    assert result.err.strip() == (
        "baton: error: the event name is blank (name the event, e.g. badge_printed)"
    )
