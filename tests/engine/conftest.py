"""Engine-wide fixtures: no Qt, and the database backends every engine test can run on.

Engine tests run without Qt (DESIGN rule 1), in their own pytest process (scripts/test.sh).

`db_url` gives each test a fresh database, once on a SQLite file and once on a real
PostgreSQL server that the session starts on loopback (tests/engine/pg_server.py). Without
PostgreSQL binaries the PostgreSQL half is skipped locally and FAILS in CI (CI=true).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from tests.engine.pg_server import PgServer, find_bin_dir


@pytest.fixture(scope="session", autouse=True)
def _engine_tests_import_no_qt(request: pytest.FixtureRequest):
    yield
    # Only meaningful in the engine-only run, where pytest-qt is switched off; a combined
    # run has the designer tests (and pytest-qt itself) import Qt first.
    if request.config.pluginmanager.hasplugin("pytest-qt"):
        return
    # The CLI may load the designer's small plugin modules (entry points), never Qt itself.
    leaked = sorted(m for m in sys.modules if m.startswith("PySide6"))
    assert not leaked, f"engine tests imported Qt: {leaked[:5]}"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for the whole session, deleted at the end."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        message = (
            "PostgreSQL server binaries (initdb, pg_ctl) not found; install the Debian "
            "package `postgresql` (scripts/setup.sh does)"
        )
        if _in_ci():
            pytest.fail(message + " -- CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(message)
    server = PgServer(bin_dir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty Baton database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "baton.db")
    return request.getfixturevalue("pg_server").fresh_database()
