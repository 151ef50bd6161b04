"""Every list command comes a page at a time: `--limit N` rows, then one line on stderr
with the `--after CURSOR` that gives the next page; following it lists each row once."""

from __future__ import annotations

import json

import pytest

from engine.api.tokens import create_token
from engine.cli import main
from engine.runtime import Engine
from engine.runtime.webhooks import add_webhook
from tests.engine.runtime.builders import background, interactive, orchestration, stage


@pytest.fixture
def db(tmp_path) -> str:
    # Three of everything: users, tokens, webhooks, open items, emails, audit entries.
    url = str(tmp_path / "baton.db")
    engine = Engine(url, outbox=tmp_path / "outbox")
    for name, groups in (("ann", ["hr"]), ("ben", ["hr"]), ("cy", []), ("root", [])):
        engine.add_user(name, groups=groups, role="admin" if name == "root" else None)
    mail = background(
        "mail",
        action="send_email",
        inputs={"to": "'a@example.com'", "subject": "'Hi'", "body": "'x'"},
    )
    engine.activate(orchestration("hiring", stage("s", mail, interactive("greet", "group:hr"))))
    for _ in range(3):
        create_token(engine, "ann", "portal", actor="root")
        add_webhook(engine, "hiring", "http://127.0.0.1:9/hook", ["item.created"], actor="root")
    for _ in range(3):
        engine.start("hiring")
    engine.close()
    return url


def _walk(capsys, args: list[str], db: str) -> list[dict]:
    rows, after = [], []
    for _ in range(20):
        assert main([*args, "--limit", "2", *after, "--format", "json", "--db", db]) == 0
        shown = capsys.readouterr()
        page = json.loads(shown.out)
        assert len(page) <= 2
        rows += page
        if "--after " not in shown.err:
            return rows
        after = ["--after", shown.err.split("--after ")[1].split(")")[0]]
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["users", "list"], "name"),
        (["tokens", "list", "--as", "root"], "id"),
        (["webhooks", "list", "--as", "root"], "id"),
        (["webhooks", "deliveries", "--as", "root"], "key"),
        (["outbox"], "key"),
        (["work", "list"], "id"),
        (["runs"], "id"),
    ],
)
def test_following_the_after_cursor_lists_each_row_once(db, capsys, args, key):
    # when a list is read two rows at a time, following the cursor each page prints
    walked = _walk(capsys, args, db)

    # then every row comes once, in the order one large page gives
    assert main([*args, "--limit", "500", "--format", "json", "--db", db]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert [r[key] for r in walked] == [r[key] for r in whole]
    assert len(whole) >= 3


def test_users_list_filters_by_group_and_role(db, capsys):
    assert main(["users", "list", "--group", "group:hr", "--format", "json", "--db", db]) == 0
    hr = [u["name"] for u in json.loads(capsys.readouterr().out)]
    assert main(["users", "list", "--role", "admin", "--format", "json", "--db", db]) == 0
    admins = [u["name"] for u in json.loads(capsys.readouterr().out)]

    assert hr == ["ann", "ben"] and admins == ["root"]


def test_audit_names_the_before_that_gives_the_next_page(db, capsys):
    assert main(["audit", "--limit", "2", "--as", "root", "--format", "json", "--db", db]) == 0
    first = capsys.readouterr()
    before = first.err.split("--before ")[1].split(")")[0]
    assert main(["audit", "--before", before, "--as", "root", "--format", "json", "--db", db]) == 0
    rest = json.loads(capsys.readouterr().out)

    shown = json.loads(first.out)
    assert len(shown) == 2 and rest and max(r["id"] for r in rest) < min(r["id"] for r in shown)


def test_deliveries_of_a_webhook_that_does_not_exist_say_so(db, capsys):
    # when an admin asks for the deliveries of a mistyped webhook id
    code = main(["webhooks", "deliveries", "wh-nope", "--as", "root", "--db", db])

    # then one line says there is no such webhook, instead of an empty table
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().splitlines() == [
        "baton: error: no webhook 'wh-nope' (see `baton webhooks list`)"
    ]


def test_a_cursor_baton_did_not_give_is_refused_in_one_line(db, capsys):
    code = main(["outbox", "--after", "garbage", "--db", db])

    err = capsys.readouterr().err
    assert code != 0 and "cursor" in err and "Traceback" not in err


def test_an_event_nobody_waits_for_names_at_most_twenty_of_the_waits_for_it(tmp_path, capsys):
    # given 25 runs waiting for `signed`, each with its own key
    db = str(tmp_path / "waits.db")
    engine = Engine(db, outbox=tmp_path / "outbox")
    engine.activate(
        orchestration(
            "nda",
            stage("s", {"id": "w", "type": "wait", "event": "signed", "key": "ref"}),
            variables=[{"name": "ref", "type": "text", "input": True}],
        )
    )
    for number in range(25):
        engine.start("nda", {"ref": f"r{number}"})
    engine.close()

    # when an event with a key nobody waits for is sent
    assert main(["event", "send", "signed", "--key", "nope", "--format", "json", "--db", db]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert main(["event", "send", "signed", "--key", "nope", "--db", db]) == 0
    note = capsys.readouterr().err

    # then twenty of the waits are named, and the note says there are more
    assert len(answer["waiting"]) == 20
    assert note.count("(step w, key") == 20 and note.rstrip().endswith("(the first 20 shown)")
