"""Alembic owns the schema: the migration chain builds exactly the tables Baton uses."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from engine.cli import main
from engine.errors import StoreTooOld
from engine.store import Store, directory, migrate, pg_dialect
from engine.store.schema import metadata


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("pg_server").empty_database()


def _raw(url: str):
    return create_engine(pg_dialect.driver_url(url))


def test_the_migration_chain_builds_the_same_schema_as_a_fresh_database(empty_url):
    raw = _raw(empty_url)
    with raw.begin() as conn:
        migrate.upgrade_to(conn, "head")
    with raw.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    raw.dispose()
    assert differences == []


def test_an_older_database_is_refused_until_db_upgrade_migrates_it(empty_url, capsys):
    raw = _raw(empty_url)
    with raw.begin() as conn:
        migrate.upgrade_to(conn, migrate.BASELINE)
        conn.execute(
            text("INSERT INTO users (name, admin, active) VALUES ('root', :t, :t)"), {"t": True}
        )
    raw.dispose()
    with pytest.raises(StoreTooOld, match="run `baton db upgrade`"):
        Store(empty_url)

    assert main(["db", "upgrade", "--db", empty_url]) == 0
    assert f"upgraded from {migrate.BASELINE} to {migrate.head()}" in capsys.readouterr().out

    store = Store(empty_url)
    with store.read() as conn:
        (root,) = directory.list_users(conn)
    store.close()
    assert root.role == "admin"
    assert main(["db", "upgrade", "--db", empty_url]) == 0
    assert "is up to date" in capsys.readouterr().out


def test_db_upgrade_creates_an_empty_database_at_the_newest_schema(empty_url, capsys):
    assert main(["db", "upgrade", "--db", empty_url]) == 0
    assert "upgraded from empty" in capsys.readouterr().out
    assert main(["db", "status", "--db", empty_url]) == 0
    assert migrate.head() in capsys.readouterr().out


def test_the_head_constant_is_the_head_of_the_migration_chain():
    assert migrate.chain_head() == migrate.HEAD
