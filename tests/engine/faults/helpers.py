"""What the fault tests share: the real `baton` command, a silent mail server, a process
that holds a write transaction inside a slow action, and small definitions."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

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


class SilentServer:
    """A TCP server on loopback that accepts every connection and never sends a byte."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self.port: int = self._socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.connected = threading.Event()
        """Set once a client has connected."""
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            with self._lock:
                if self._closed:
                    conn.close()
                    return
                self.accepted.append(conn)
            self.connected.set()

    def close(self) -> None:
        """Stop listening and hang up on every client (they see the connection close)."""
        with self._lock:
            self._closed = True
            held, self.accepted = self.accepted, []
        # shutdown wakes the thread blocked in accept(); close alone would leave the
        # listening socket alive in the kernel while that call holds it.
        for sock in (self._socket, *held):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._thread.join(timeout=HANG_GUARD)


SLOW_WRITER = textwrap.dedent(
    """
    # Starts a run whose only step is the action `slow`, which returns only when standard
    # input closes: the process sits inside its write transaction as long as the test wants.
    import sys
    from engine.actions.registry import register_action
    from engine.definition import from_dict
    from engine.runtime import Engine

    def slow(inputs, context):
        print("inside", flush=True)
        sys.stdin.read()
        return {}

    register_action("slow", slow)
    engine = Engine(sys.argv[1])
    engine.activate(from_dict({
        "schema": "baton/1", "id": "slow", "name": "Slow", "version": 1,
        "trigger": {"type": "manual"},
        "nodes": [{"id": "start", "type": "start"},
                  {"id": "s", "type": "stage", "name": "S", "steps": [
                      {"id": "work", "name": "Work", "type": "background", "action": "slow"}]},
                  {"id": "end", "type": "end"}],
        "flows": [{"from": "start", "to": "s"}, {"from": "s", "to": "end"}]}))
    print(engine.start("slow"), flush=True)
    """
)


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
