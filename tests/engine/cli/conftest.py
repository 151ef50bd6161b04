"""CLI tests run `engine.cli.main` in-process against a SQLite file in tmp_path."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from engine.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def baton(tmp_path, capsys, monkeypatch):
    """Run `baton ARGS...` in-process; returns exit code, stdout and stderr."""
    monkeypatch.setenv("BATON_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("BATON_USER", "tester")
    capsys.readouterr()

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def people(baton):
    for args in (
        ("users", "add", "alice", "--group", "hr"),
        ("users", "add", "bob", "--group", "it"),
        ("users", "add", "root", "--admin"),
    ):
        assert baton(*args).code == 0
    return baton
