"""The audit log of admin actions outside runs: written with the action, read by admins."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine

from engine.api.tokens import authenticate, create_token, list_tokens, revoke_token
from engine.cli import main
from engine.errors import PermissionDenied
from engine.runtime import Engine
from engine.runtime.audit import entries
from engine.store import migrate, pg_dialect
from engine.store import tokens as token_rows
from engine.store.schema import users
from tests.engine.runtime.builders import interactive, orchestration, stage

PREVIOUS_HEAD = "0003_api_tokens"
"""The revision before webhooks and the audit log."""


@pytest.fixture
def engine(db_url, tmp_path):
    engine = Engine(db_url, roles="enforce", outbox=tmp_path / "outbox")
    engine.add_user("root", role="admin")
    engine.add_user("ann")
    yield engine
    engine.close()


def test_creating_and_revoking_a_token_is_logged_with_who_and_for_whom(engine):
    issued = create_token(engine, "ann", "portal", actor="root")
    revoke_token(engine, issued.id, actor="root")

    revoked, created = entries(engine, "root", action="token.")[:2]

    assert (created["action"], created["actor"], created["subject"]) == (
        "token.created",
        "root",
        issued.id,
    )
    assert created["details"] == {"user": "ann", "label": "portal"}
    assert revoked["action"] == "token.revoked" and revoked["id"] > created["id"]


def test_activating_and_deactivating_an_orchestration_is_logged_with_the_version(engine):
    definition = orchestration("review", stage("s", interactive("a", "user:ann")))
    engine.activate(definition, actor="root")
    engine.activate(definition, actor="root")  # the same again: nothing new, nothing logged
    engine.deactivate("review", actor="root")

    logged = entries(engine, "root", action="definition.")

    assert [(e["action"], e["subject"], e["details"]) for e in logged] == [
        ("definition.deactivated", "review", {}),
        ("definition.activated", "review", {"version": 1}),
    ]


def test_directory_changes_are_logged_with_old_and_new_values(engine):
    engine.add_user("bob", groups=["it"], actor="root")
    engine.add_user("bob", role="operator", actor="root")
    engine.add_user("bob", role="operator", actor="root")  # no change, no entry
    engine.deactivate_user("bob", actor="root")

    logged = entries(engine, "root", subject="bob")

    assert [e["action"] for e in logged] == ["user.deactivated", "user.changed", "user.added"]
    assert logged[1]["details"] == {"before": {"role": "assignee"}, "after": {"role": "operator"}}
    assert logged[2]["details"]["groups"] == ["group:it"] and logged[2]["actor"] == "root"


def test_a_refused_action_leaves_no_entry(engine):
    with pytest.raises(PermissionDenied):
        create_token(engine, "ann", actor="ann")

    assert entries(engine, "root", action="token.created") == []


def test_only_admins_read_the_audit_log_when_roles_are_enforced(engine):
    with pytest.raises(PermissionDenied, match="read the audit log"):
        entries(engine, "ann")


def test_the_audit_log_pages_newest_first(engine):
    made = [create_token(engine, "ann", str(i), actor="root").id for i in range(5)]

    first = entries(engine, "root", action="token.created", limit=2)
    second = entries(engine, "root", action="token.created", limit=2, before=first[-1]["id"])

    assert [e["subject"] for e in first + second] == made[::-1][:4]


def test_baton_audit_prints_the_entries(engine, capsys):
    engine.activate(orchestration("review", stage("s", interactive("a", "user:ann"))), "root")
    create_token(engine, "ann", actor="root")
    capsys.readouterr()

    assert main(["audit", "--as", "root", "--format", "json", "--db", engine.store.url]) == 0
    shown = json.loads(capsys.readouterr().out)

    assert shown[0]["action"] == "token.created"


def test_a_database_at_the_previous_head_keeps_its_tokens_when_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'previous.db'}"
    raw = create_engine(pg_dialect.driver_url(url))
    with raw.begin() as conn:
        migrate.upgrade_to(conn, PREVIOUS_HEAD)
        conn.execute(users.insert().values(name="ann", role="assignee", active=True))
        token_rows.insert(
            conn,
            token_id="0123456789ab",
            user="ann",
            label="before the upgrade",
            secret_hash="0" * 64,
            created_at="2026-01-01T00:00:00.000000Z",
            created_by=None,
        )
    raw.dispose()

    assert main(["db", "upgrade", "--db", url]) == 0

    engine = Engine(url)
    assert [t["label"] for t in list_tokens(engine)] == ["before the upgrade"]
    issued = create_token(engine, "ann")
    assert authenticate(engine, issued.secret).name == "ann"
    assert entries(engine)[0]["subject"] == issued.id
    engine.close()
