"""Team mode from the command line: roles per acting user, refusals on stderr."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture(autouse=True)
def _enforce_roles(monkeypatch):
    # On SQLite roles are off unless asked for; these tests ask on both backends.
    monkeypatch.setenv("BATON_ROLES", "enforce")


def test_an_assignee_cannot_cancel_a_run_and_is_told_which_role_it_needs(people, caplog):
    baton = people
    assert baton("users", "add", "olga", "--role", "operator").code == 0
    listing = baton("users", "list", "--format", "json").json()
    assert {u["name"]: u["role"] for u in listing}["olga"] == "operator"

    with caplog.at_level(logging.WARNING, logger="baton.audit"):
        refused = baton("users", "add", "mallory", "--role", "admin", "--as", "alice")
    assert refused.code == 1
    assert "'alice' may not manage users: that needs the admin role" in refused.err
    assert "refused: alice tried to manage users" in caplog.text


def test_the_acting_user_comes_from_as_or_baton_user(people, monkeypatch):
    baton = people
    monkeypatch.setenv("BATON_USER", "bob")
    refused = baton("deactivate", "nothing")
    assert refused.code == 1 and "'bob' may not deactivate definitions" in refused.err
    assert baton("users", "deactivate", "bob", "--as", "root").code == 0
