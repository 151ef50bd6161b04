"""The least-privilege roles of docs/team-db-roles.sql: the app role runs the engine and
cannot change the schema or rewrite the event log."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from engine.cli import main
from engine.runtime import Engine
from engine.store import migrate, pg_dialect
from tests.engine.runtime.builders import interactive, orchestration, stage

SQL = Path(__file__).resolve().parents[3] / "docs" / "team-db-roles.sql"
AFTER_UPGRADE = "-- after the first `baton db upgrade"


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


def _execute(url: str, sql: str) -> None:
    u = make_url(url)
    with psycopg.connect(
        host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True
    ) as conn:
        conn.execute(sql)


def _set_up_roles(url: str, before: str) -> None:
    """The part before the first upgrade; roles belong to the whole server, so a role an
    earlier test created is not created again."""
    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database) as conn:
        existing = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles")}
    _execute(
        url,
        "\n".join(
            line
            for line in before.splitlines()
            if not any(line.startswith(f"CREATE ROLE {role} ") for role in existing)
        ),
    )


def test_the_app_role_runs_the_engine_but_cannot_drop_tables_or_rewrite_the_log(pg_server):
    url = pg_server.empty_database()
    before, after = SQL.read_text().split(AFTER_UPGRADE)
    _set_up_roles(url, before)
    assert main(["db", "upgrade", "--db", _as(url, "baton_owner")]) == 0
    _execute(url, after.split("\n", 1)[1])

    app = Engine(_as(url, "baton_app"))
    app.add_user("alice")
    app.activate(orchestration("r", stage("s", interactive("a"))))
    run_id = app.start("r")
    app.complete_item(app.open_item_ids(run_id)[0], "alice")
    assert app.run(run_id)["status"] == "completed"
    app.tick()
    app.close()

    app_url = _as(url, "baton_app")
    for statement in (
        "DROP TABLE runs",
        "ALTER TABLE runs ADD COLUMN x int",
        "CREATE TABLE mine (id int)",
        "TRUNCATE events",
        "DELETE FROM events",
        "UPDATE events SET actor = 'forged'",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _execute(app_url, statement)


def test_upgrading_a_team_database_keeps_the_log_append_only_for_the_app_role(pg_server):
    # given a team database set up with the roles at revision 0009, the log revoked
    url = pg_server.empty_database()
    before, after = SQL.read_text().split(AFTER_UPGRADE)
    _set_up_roles(url, before)
    owner = create_engine(pg_dialect.driver_url(_as(url, "baton_owner")))
    with owner.begin() as conn:
        migrate.upgrade_to(conn, "0009_finished_runs_rows")
    owner.dispose()
    _execute(url, after.split("\n", 1)[1])

    # when the owner upgrades it (0010 converts the columns of `events`)
    assert main(["db", "upgrade", "--db", _as(url, "baton_owner")]) == 0

    # then the app role still runs the engine and still cannot rewrite the log
    app = Engine(_as(url, "baton_app"))
    app.add_user("alice")
    app.activate(orchestration("r", stage("s", interactive("a"))))
    run_id = app.start("r")
    app.complete_item(app.open_item_ids(run_id)[0], "alice")
    assert app.log(run_id)[-1]["type"] == "run_completed"
    app.close()
    for statement in ("DELETE FROM events", "UPDATE events SET actor = 'forged'"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _execute(_as(url, "baton_app"), statement)


def test_prune_as_the_app_role_is_refused_in_one_line_and_works_as_the_owner(pg_server, capsys):
    # given a team database with the least-privilege roles and a completed run
    url = pg_server.empty_database()
    before, after = SQL.read_text().split(AFTER_UPGRADE)
    _set_up_roles(url, before)
    assert main(["db", "upgrade", "--db", _as(url, "baton_owner")]) == 0
    _execute(url, after.split("\n", 1)[1])
    app = Engine(_as(url, "baton_app"))
    app.add_user("alice")
    app.activate(orchestration("r", stage("s", interactive("a"))))
    run_id = app.start("r")
    app.complete_item(app.open_item_ids(run_id)[0], "alice")
    app.tick()
    app.close()
    capsys.readouterr()

    # when the app role prunes, then the owner
    as_app = main(["prune", "--older-than", "0d", "--yes", "--db", _as(url, "baton_app")])
    refused = capsys.readouterr().err
    as_owner = main(["prune", "--older-than", "0d", "--yes", "--db", _as(url, "baton_owner")])
    done = capsys.readouterr().out

    # then the app role is told, in one line, to connect as the owner; the owner prunes
    assert as_app == 1
    assert len(refused.strip().splitlines()) == 1
    assert "may not delete from the event log" in refused and "baton_owner" in refused
    assert as_owner == 0 and "pruned 1 run(s)" in done
