"""CLI tests run `engine.cli.main` in-process against a fresh database of each backend."""

from __future__ import annotations

import pytest

from tests.engine.clirunner import in_process


@pytest.fixture
def baton(db_url, tmp_path, capsys, monkeypatch):
    """Run `baton ARGS...` in-process; returns exit code, stdout and stderr."""
    monkeypatch.setenv("BATON_DB", db_url)
    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("BATON_USER", "tester")
    return in_process(capsys)


@pytest.fixture
def people(baton):
    for args in (
        # The acting user ($BATON_USER) administers; with an admin, roles are enforced.
        ("users", "add", "tester", "--role", "admin"),
        ("users", "add", "alice", "--group", "hr"),
        ("users", "add", "bob", "--group", "it"),
        ("users", "add", "root", "--admin"),
    ):
        assert baton(*args).code == 0
    return baton
