"""`baton ARGS...` run in-process the way the CLI tests drive it: `engine.cli.main` with the
given arguments, its output captured by pytest's `capsys`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest


class Result(NamedTuple):
    """What one `baton` command did: exit code, stdout, stderr (also as a tuple)."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def in_process(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """A `baton(*args) -> Result` that runs the CLI in this process; output captured so far
    is dropped, so each result holds only its own command's."""
    from engine.cli import main

    capsys.readouterr()

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
