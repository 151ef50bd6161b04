"""API tokens in the engine and the CLI: shown once, stored as a hash, revocable, and a
database from before tokens is upgraded to hold them."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import create_engine, select

from engine.api.tokens import authenticate, create_token, list_tokens, revoke_token
from engine.cli import main
from engine.errors import InvalidInput, NotFound, PermissionDenied, Unauthenticated
from engine.runtime import Engine
from engine.store import migrate, pg_dialect
from engine.store.schema import api_tokens

BEFORE_TOKENS = "0002_roles_notice_retries"
"""The revision the tokens migration follows (the head before it)."""


@pytest.fixture
def engine(db_url):
    engine = Engine(db_url, roles="enforce")
    engine.add_user("root", role="admin")
    engine.add_user("ann")
    yield engine
    engine.close()


def test_a_token_is_kept_only_as_its_sha256(engine):
    issued = create_token(engine, "ann", "portal", actor="root")

    with engine.store.read() as conn:
        (row,) = conn.execute(select(api_tokens)).all()
    assert row.secret_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in [str(value) for value in row]
    assert authenticate(engine, issued.secret).name == "ann"


def test_listing_tokens_shows_who_and_when_but_never_the_token(engine):
    issued = create_token(engine, "ann", "portal", actor="root")

    (listed,) = list_tokens(engine)

    assert listed["id"] == issued.id and listed["user"] == "ann" and listed["label"] == "portal"
    assert listed["created_by"] == "root" and listed["revoked_at"] is None
    assert issued.secret not in json.dumps(listed)


def test_only_an_admin_creates_tokens_when_roles_are_enforced(engine):
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        create_token(engine, "ann", actor="ann")


def test_a_token_for_an_unknown_or_inactive_user_is_refused(engine):
    engine.add_user("gone")
    engine.deactivate_user("gone")

    with pytest.raises(NotFound, match="no user named 'nobody'"):
        create_token(engine, "nobody", actor="root")
    with pytest.raises(InvalidInput, match="user 'gone' is inactive"):
        create_token(engine, "gone", actor="root")


def test_a_revoked_token_no_longer_authenticates_and_cannot_be_revoked_twice(engine):
    issued = create_token(engine, "ann", actor="root")

    revoke_token(engine, issued.id, actor="root")

    with pytest.raises(Unauthenticated, match="was revoked at"):
        authenticate(engine, issued.secret)
    with pytest.raises(NotFound, match="already revoked"):
        revoke_token(engine, issued.id, actor="root")


def test_a_token_with_one_character_changed_is_not_valid(engine):
    secret = create_token(engine, "ann", actor="root").secret
    changed = secret[:-1] + ("A" if secret[-1] != "A" else "B")

    with pytest.raises(Unauthenticated, match="not valid"):
        authenticate(engine, changed)


def test_the_cli_prints_a_new_token_once_on_stdout(db_url, capsys):
    assert main(["users", "add", "ann", "--db", db_url]) == 0
    capsys.readouterr()

    assert main(["tokens", "create", "--user", "ann", "--label", "esign", "--db", db_url]) == 0
    created = capsys.readouterr()
    assert main(["tokens", "list", "--format", "json", "--db", db_url]) == 0
    listed = capsys.readouterr().out

    token = created.out.strip()
    assert token.startswith("bt_") and "\n" not in token
    assert "not shown again" in created.err
    assert token not in listed and json.loads(listed)[0]["label"] == "esign"


def test_revoking_an_unknown_token_is_a_one_line_error(db_url, capsys):
    Engine(db_url).close()  # the database exists (a mistyped --db is another error)
    assert main(["tokens", "revoke", "0123456789ab", "--db", db_url]) == 1

    assert capsys.readouterr().err.startswith("baton: error: no token with id '0123456789ab'")


def test_a_database_from_before_tokens_is_upgraded_to_hold_them(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    raw = create_engine(pg_dialect.driver_url(url))
    with raw.begin() as conn:
        migrate.upgrade_to(conn, BEFORE_TOKENS)
    raw.dispose()

    assert main(["db", "upgrade", "--db", url]) == 0
    assert main(["users", "add", "ann", "--db", url]) == 0
    assert main(["tokens", "create", "--user", "ann", "--db", url]) == 0

    token = capsys.readouterr().out.strip().splitlines()[-1]
    engine = Engine(url)
    assert authenticate(engine, token).name == "ann"
    engine.close()
