"""Schema versions through Alembic, for every dialect.

Policy (documented in docs/admin/database-upgrades.md):

* A fresh, empty database is created from the current tables (`schema.metadata`) and
  stamped at the head revision: one quick step, and a test proves the migration chain from
  the baseline builds exactly these tables on both SQLite and PostgreSQL.
* An existing database is never changed implicitly: opening one at an older revision is
  refused with the hint to run `baton db upgrade`, one at an unknown (newer) revision is
  refused as too new.
* Databases made before Alembic (a `baton_meta` table, no `alembic_version`) count as the
  baseline revision `0001_baseline`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column, Connection, MetaData, String, Table, inspect, select

from engine.errors import StoreTooNew, StoreTooOld
from engine.store.revision import HEAD
from engine.store.schema import meta, metadata

if TYPE_CHECKING:
    from alembic.config import Config

BASELINE = "0001_baseline"

_LOCATION = str(Path(__file__).with_name("migrations"))

# Alembic's own bookkeeping table, as Alembic creates it (read and stamped directly).
_version = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), primary_key=True),
)


def _config(conn: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _LOCATION)
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def head() -> str:
    """The newest revision this build knows."""
    return HEAD


def chain_head() -> str | None:
    """The head of the migration scripts themselves (tests compare it with `HEAD`)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> set[str]:
    """Every revision in this build's migration chain."""
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def _stamped(conn: Connection) -> str | None:
    if not inspect(conn).has_table(_version.name):
        return None
    return conn.execute(select(_version.c.version_num)).scalar()


def _stamp(conn: Connection, revision: str) -> None:
    _version.create(conn, checkfirst=True)
    conn.execute(_version.delete())
    conn.execute(_version.insert().values(version_num=revision))


def current(conn: Connection) -> str | None:
    """The database's revision; None for an empty database.

    A pre-Alembic Baton database answers with the baseline (or raises when its
    `baton_meta` schema version is newer than the baseline's).
    """
    revision = _stamped(conn)
    if revision is not None:
        return revision
    if not inspect(conn).has_table(meta.name):
        return None
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    found = int(row[0]) if row else 1
    if found > 1:
        raise StoreTooNew(
            f"the database has schema version {found}, newer than this Baton understands",
            hint="upgrade Baton, or point --db / BATON_DB at another database",
        )
    return BASELINE


def create_fresh(conn: Connection) -> None:
    """Create the head schema in an empty database and stamp it at head."""
    metadata.create_all(conn)
    from engine.store.schema import SCHEMA_VERSION

    conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
    _stamp(conn, HEAD)


def check(conn: Connection, url: str) -> None:
    """Refuse a database at another revision than this build's head.

    Raises:
        StoreTooNew: a revision this build does not know.
        StoreTooOld: an older revision (run `baton db upgrade`).
    """
    revision = current(conn)
    if revision == head():
        return
    if revision not in known_revisions():
        raise StoreTooNew(
            f"the database {url} has schema revision {revision}, newer than this Baton "
            f"understands ({head()})",
            hint="upgrade Baton, or point --db / BATON_DB at another database",
        )
    raise StoreTooOld(
        f"the database {url} has schema revision {revision}; this Baton needs {head()}",
        hint="back it up, then run `baton db upgrade`",
    )


def upgrade(conn: Connection, url: str) -> tuple[str | None, str]:
    """Apply every pending migration; returns (revision before, revision after).

    Raises:
        StoreTooNew: the database is newer than this build.
    """
    before = current(conn)
    if before is None:
        create_fresh(conn)
        return None, head()
    if before not in known_revisions():
        check(conn, url)
    if _stamped(conn) is None:
        _stamp(conn, BASELINE)
    from alembic import command

    command.upgrade(_config(conn), "head")
    return before, head()


def upgrade_to(conn: Connection, revision: str) -> None:
    """Run the migration chain up to one revision (tests build old databases this way)."""
    from alembic import command

    command.upgrade(_config(conn), revision)
