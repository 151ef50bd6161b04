"""What the fault tests share: the real `baton` command, a silent mail server, a process
that holds a write transaction inside a slow action, and small definitions.

The silent server and the slow writer are the ones `benchmarks/slow_neighbours.py` measures
with, so the tests and the figures meet the same neighbours."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.slow_neighbours import SLOW_WRITER
from engine.definition import Orchestration, save_definition
from tests.engine.runtime.builders import background, interactive, orchestration, stage

REPO = Path(__file__).resolve().parents[3]

HANG_GUARD = 60
"""Seconds any single command may take before the test calls it a hang (10x+ margin)."""


def baton_command() -> list[str]:
    """The installed `baton` script of this interpreter's environment."""
    script = Path(sys.executable).parent / "baton"
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli.app"]


def env_for(db: Path | str, **extra: str) -> dict[str, str]:
    """An environment naming the database, the outbox beside it and the acting user."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BATON_SMTP", "BATON_DB", "BATON_OUTBOX", "BATON_ROLES"))
    }
    folder = Path(db).parent if "://" not in str(db) else Path(extra.get("BATON_OUTBOX", "."))
    env.update(
        BATON_DB=str(db),
        BATON_OUTBOX=str(folder / "outbox"),
        BATON_USER="ann",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


def run_baton(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `baton ARGS` as its own process; a command that hangs fails the test."""
    return subprocess.run(
        [*baton_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        cwd=REPO,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit 2 with exactly one `baton: error:` line naming `words`, and no traceback."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert len(lines) == 1 and lines[0].startswith("baton: error: "), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def welcome_definition() -> Orchestration:
    """One stage: a welcome email, then a call for ann."""
    return orchestration(
        "welcome",
        stage(
            "greet",
            background(
                "mail",
                action="send_email",
                inputs={"to": "'ann@example.com'", "subject": "'Hi'", "body": "'Hello Ann'"},
            ),
            interactive("call", "user:ann", after=["mail"]),
        ),
    )


def prepare_database(folder: Path) -> dict[str, str]:
    """A database in `folder` with ann (an address) and the welcome orchestration active."""
    env = env_for(folder / "baton.db")
    definition = folder / "welcome.baton.json"
    save_definition(welcome_definition(), definition)
    for args in (("users", "add", "ann", "--email", "ann@example.com"),
                 ("activate", str(definition))):  # fmt: skip
        done = run_baton(env, *args)
        assert done.returncode == 0, done.stderr
    return env


def start_slow_writer(env: dict[str, str]) -> subprocess.Popen[str]:
    """A process inside a slow action (its write transaction open); close its stdin to end it."""
    writer = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, env["BATON_DB"]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert writer.stdout is not None
    line = writer.stdout.readline().strip()
    assert line == "inside", writer.stderr.read() if writer.stderr else line
    return writer
