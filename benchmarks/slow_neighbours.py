"""Slow neighbours: a mail server that never answers, and a writer inside a slow action.

Measures, with real `baton` processes on one SQLite file:

1. `baton start` of a run whose first step sends an email, with `BATON_SMTP_HOST` pointing
   at a socket that accepts connections and never says a word, next to the same start
   with no mail server configured (the peer). Also how long `baton runs` takes while that
   start is in progress.
2. `baton runs` while another process is inside a background action that does not return
   until it is told to (it holds the write transaction), next to `baton runs` with nobody
   writing (the peer).

Run:  .venv/bin/python benchmarks/slow_neighbours.py [--hold 15]
It uses whichever Baton the interpreter imports and the `baton` script beside it, so the
same file measures another checkout: `/other/.venv/bin/python benchmarks/slow_neighbours.py`.
The machine is shared: read the figures next to their peers, not as absolutes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

BATON = [str(Path(sys.executable).with_name("baton"))]

HANG_GUARD = 60
"""Seconds a helper thread may take to stop."""

DEFINITION = {
    "schema": "baton/1",
    "id": "welcome",
    "name": "Welcome",
    "version": 1,
    "trigger": {"type": "manual"},
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "greet",
            "type": "stage",
            "name": "Greet",
            "steps": [
                {
                    "id": "mail",
                    "name": "Mail",
                    "type": "background",
                    "action": "send_email",
                    "inputs": {"to": "'ann@example.com'", "subject": "'Hi'", "body": "'Hello'"},
                },
                {
                    "id": "call",
                    "name": "Call",
                    "type": "interactive",
                    "assignee": "user:ann",
                    "after": ["mail"],
                },
            ],
        },
        {"id": "end", "type": "end"},
    ],
    "flows": [{"from": "start", "to": "greet"}, {"from": "greet", "to": "end"}],
}


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


def baton(env: dict[str, str], *args: str, timeout: float = 120) -> tuple[float, int, str]:
    began = time.perf_counter()
    done = subprocess.run([*BATON, *args], env=env, capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - began, done.returncode, (done.stdout + done.stderr).strip()


def prepare(folder: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "BATON_DB": str(folder / "baton.db"),
        "BATON_OUTBOX": str(folder / "outbox"),
        "BATON_USER": "ann",
    }
    env.pop("BATON_SMTP_HOST", None)
    definition = folder / "welcome.baton.json"
    definition.write_text(json.dumps(DEFINITION))
    for args in (("users", "add", "ann", "--email", "ann@example.com"),
                 ("activate", str(definition))):  # fmt: skip
        _, code, out = baton(env, *args)
        if code:
            raise SystemExit(f"setup failed: {out}")
    return env


def silent_mail_server(folder: Path) -> None:
    env = prepare(folder)
    peer, code, _ = baton(env, "start", "welcome")
    server = SilentServer()
    slow_env = {**env, "BATON_SMTP_HOST": "127.0.0.1", "BATON_SMTP_PORT": str(server.port)}
    result: dict[str, object] = {}

    def start() -> None:
        result["start"] = baton(slow_env, "start", "welcome", "--format", "json")

    starter = threading.Thread(target=start)
    starter.start()
    time.sleep(1.0)  # let the start reach its mail step
    reader = baton(env, "runs") if starter.is_alive() else None
    starter.join()
    took, code2, out = result["start"]  # type: ignore[misc]
    print("1. a mail server that accepts and never answers")
    print(f"   baton start, no mail server (peer):  {peer:6.2f} s  exit {code}")
    print(f"   baton start, silent mail server:     {took:6.2f} s  exit {code2}  {out[:120]!r}")
    if reader is None:
        print("   baton runs during that start:        (the start had already finished)")
    else:
        print(
            f"   baton runs during that start:        {reader[0]:6.2f} s  exit {reader[1]}"
            f"  {reader[2].splitlines()[-1][:100]!r}"
        )


def open_and_list(db: str) -> float:
    """Seconds to open the database and list its runs in this process (no interpreter start)."""
    from engine.runtime import Engine

    began = time.perf_counter()
    engine = Engine(db)
    engine.runs()
    engine.close()
    return time.perf_counter() - began


def slow_writer(folder: Path, hold: float) -> None:
    env = prepare(folder)
    peer, code, _ = baton(env, "runs")
    open_and_list(env["BATON_DB"])  # imports and first open out of the way
    peer_inside = open_and_list(env["BATON_DB"])
    writer = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, env["BATON_DB"]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert writer.stdout is not None and writer.stdin is not None
    if writer.stdout.readline().strip() != "inside":
        raise SystemExit("the slow writer did not reach its action")
    timer = threading.Timer(hold, writer.stdin.close)
    timer.start()
    took, code2, out = baton(env, "runs")
    try:
        inside = f"{open_and_list(env['BATON_DB']):6.3f} s"
    except Exception as exc:  # the lock-out this benchmark exists to show
        inside = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
    still_inside = writer.poll() is None and timer.is_alive()
    timer.cancel()
    writer.stdin.close()
    writer.wait(timeout=60)
    print(f"2. another process inside a slow action (holds its transaction up to {hold:.0f} s)")
    print(f"   baton runs, nobody writing (peer):   {peer:6.2f} s  exit {code}")
    print(
        f"   baton runs, writer inside action:    {took:6.2f} s  exit {code2}"
        f"  (writer still inside when it answered: {still_inside})  {out.splitlines()[-1][:100]!r}"
    )
    print(f"   open + list in-process, peer:        {peer_inside:6.3f} s")
    print(f"   open + list in-process, writer in:   {inside}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", type=float, default=15.0, help="how long the writer holds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="baton-slow-") as scratch:
        (Path(scratch) / "a").mkdir()
        (Path(scratch) / "b").mkdir()
        silent_mail_server(Path(scratch) / "a")
        slow_writer(Path(scratch) / "b", args.hold)


if __name__ == "__main__":
    main()
