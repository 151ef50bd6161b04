"""Roles: admins manage definitions and users, operators run operations, assignees do their
own work; every refusal is a clear error and is logged. With no admin, nothing is enforced."""

from __future__ import annotations

import logging

import pytest

from engine.errors import PermissionDenied
from engine.runtime import Engine
from tests.engine.runtime.builders import interactive, orchestration, stage

DEF = orchestration("p", stage("s", interactive("a", "group:hr")), stage("t", interactive("b")))


@pytest.fixture
def office(db_url, clock):
    engine = Engine(db_url, clock=clock, roles="enforce")
    engine.add_user("root", role="admin")
    engine.add_user("olga", role="operator", actor="root")
    engine.add_user("alice", groups=["hr"], actor="root")
    engine.add_user("bob", groups=["it"], actor="root")
    engine.activate(DEF, actor="root")
    yield engine
    engine.close()


def test_only_admins_activate_and_deactivate_definitions(office, caplog):
    with caplog.at_level(logging.WARNING, logger="baton.audit"):
        with pytest.raises(PermissionDenied, match="'olga' may not activate definitions: that "
                           "needs the admin role and they are operator"):  # fmt: skip
            office.activate(orchestration("q", stage("s", interactive("a"))), actor="olga")
        with pytest.raises(PermissionDenied, match="needs the admin role"):
            office.deactivate("p", actor="alice")
    assert "refused: olga tried to activate definitions" in caplog.text
    assert "refused: alice tried to deactivate definitions" in caplog.text
    office.deactivate("p", actor="root")
    assert not any(d["active"] for d in office.definitions())


def test_only_admins_manage_users(office):
    with pytest.raises(PermissionDenied, match="'olga' may not manage users"):
        office.add_user("mallory", role="admin", actor="olga")
    with pytest.raises(PermissionDenied, match="may not manage users"):
        office.deactivate_user("root", actor="alice")
    office.deactivate_user("bob", actor="root")


def test_operators_cancel_pause_and_reassign_but_assignees_do_not(office):
    run_id = office.start("p", actor="alice")
    item = office.open_item_ids(run_id)[0]
    for attempt in (
        lambda: office.cancel(run_id, actor="alice"),
        lambda: office.pause(run_id, actor="alice"),
        lambda: office.reassign(item, "user:alice", actor="alice"),
        lambda: office.reassign_all("group:hr", "user:alice", actor="bob"),
    ):
        with pytest.raises(PermissionDenied, match="needs the operator role and they are"):
            attempt()

    office.pause(run_id, actor="olga")
    office.resume(run_id, actor="olga")
    office.reassign(item, "user:bob", "cover", actor="olga")
    office.cancel(run_id, "duplicate", actor="olga")
    assert office.run(run_id)["status"] == "canceled"


def test_assignees_complete_only_their_own_or_their_groups_items(office):
    run_id = office.start("p")
    item = office.open_item_ids(run_id)[0]
    with pytest.raises(PermissionDenied, match="'bob' may not complete this item"):
        office.complete_item(item, "bob")
    with pytest.raises(PermissionDenied, match="'olga' may not complete this item"):
        office.complete_item(item, "olga")  # operating is not doing the work
    office.complete_item(item, "alice")
    assert office.run(run_id)["stage"] == "t"


def test_unknown_and_inactive_users_are_refused_once_roles_are_enforced(office):
    run_id = office.start("p")
    with pytest.raises(PermissionDenied, match="'eve' is not in the directory"):
        office.cancel(run_id, actor="eve")
    office.deactivate_user("olga", actor="root")
    with pytest.raises(PermissionDenied, match="user 'olga' is inactive"):
        office.cancel(run_id, actor="olga")


def test_without_an_admin_everyone_acts_as_admin_so_a_team_can_set_up(db_url, clock):
    engine = Engine(db_url, clock=clock, roles="enforce")
    engine.add_user("me", actor="me")  # no admin yet: the first user is added freely
    engine.activate(DEF, actor="me")
    run_id = engine.start("p", actor="me")
    engine.cancel(run_id, actor="someone-unknown")
    assert engine.run(run_id)["status"] == "canceled"

    engine.add_user("me", role="admin", actor="me")  # from now on roles are enforced
    with pytest.raises(PermissionDenied):
        engine.activate(DEF, actor="someone-unknown")
    engine.close()


def test_roles_are_enforced_by_default_on_postgresql_but_not_on_a_local_sqlite_file(db_url):
    engine = Engine(db_url)
    engine.add_user("root", role="admin")
    assert engine.enforce_roles == engine.store.is_postgresql
    if engine.store.is_postgresql:
        with pytest.raises(PermissionDenied, match="'me' is not in the directory"):
            engine.activate(DEF, actor="me")
    else:
        # one desktop, one person: the OS user administers their own file
        engine.activate(DEF, actor="me")
    engine.close()
