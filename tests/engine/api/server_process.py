"""A real `baton serve` in a subprocess on a free loopback port (tests and the benchmark)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[3]
_LISTENING = re.compile(r"listening on (http://\S+)")


def baton_command() -> list[str]:
    """The installed `baton` script beside this Python, else the module."""
    script = Path(sys.executable).parent / "baton"
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli.app"]


class ServerProcess:
    """`baton serve --port 0` on `db`; `url` is read from its first line on stderr.

    Args:
        db: the database URL or SQLite path.
        env: extra environment for the server.
        startup_timeout: seconds to wait for the listening line (a hang guard).
        deliver_every: its `--deliver-every` (None: the default).
    """

    def __init__(
        self,
        db: str,
        env: dict[str, str] | None = None,
        startup_timeout: float = 60,
        deliver_every: float | None = None,
    ):
        self.db = db
        self.log: list[str] = []
        every = [] if deliver_every is None else ["--deliver-every", str(deliver_every)]
        self._process = subprocess.Popen(
            [*baton_command(), "serve", "--port", "0", "--no-access-log", "--db", db, *every],
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        found = threading.Event()
        self.url = ""

        def read_stderr() -> None:
            assert self._process.stderr is not None
            for line in self._process.stderr:
                self.log.append(line.rstrip())
                match = _LISTENING.search(line)
                if match and not found.is_set():
                    self.url = match.group(1)
                    found.set()
            found.set()

        # Reading stderr continuously also keeps the pipe from filling and stalling the server.
        threading.Thread(target=read_stderr, daemon=True).start()
        if not found.wait(startup_timeout) or not self.url:
            self.stop()
            raise RuntimeError("baton serve did not start:\n" + "\n".join(self.log))

    @property
    def pid(self) -> int:
        """The server's process id (the benchmark reads its CPU time)."""
        return self._process.pid

    def client(self, token: str | None = None, timeout: float = 60) -> httpx.Client:
        """An HTTP client for the server, sending `token` as a bearer token if given."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def stop(self) -> int | None:
        """Stop the server (SIGTERM, then SIGKILL after 15 s); returns its exit code."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(15)
        return self._process.returncode
