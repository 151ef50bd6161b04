"""`baton` run in-process, as the process-test stories call it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def baton(capsys):
    """Run `baton ARGS...`; returns exit code, stdout and stderr."""
    capsys.readouterr()

    def run(*args: str) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
