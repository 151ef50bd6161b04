"""What `engine_vs_spiff.py` needs to measure notice delivery the ways a team runs it: a
real SMTP server in its own process, `baton worker` in its own process beside the engine,
the CPU time of another process, and the floor this disk puts under one notice file.

Not a benchmark by itself (see `engine_vs_spiff.py`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the process listening on {port} ended ({process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {within} s")


@contextmanager
def smtp_server() -> Iterator[int]:
    """A real SMTP server (aiosmtpd, accepting and discarding) in a process of its own, so
    its CPU time is not counted as Baton's; yields its port."""
    port = free_port()
    address = f"127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", address],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def smtp_environment(port: int) -> Iterator[None]:
    """Point `BATON_SMTP_HOST`/`PORT` at the server for the block (no `.eml` copy)."""
    saved = {k: os.environ.get(k) for k in ("BATON_SMTP_HOST", "BATON_SMTP_PORT")}
    os.environ.update(BATON_SMTP_HOST="127.0.0.1", BATON_SMTP_PORT=str(port))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def worker(db: Path, outbox: Path, poll: float, smtp_port: int | None) -> Iterator[int]:
    """`baton worker --poll POLL` on the database, in its own process; yields its pid."""
    env = {**os.environ, "BATON_DB": str(db), "BATON_OUTBOX": str(outbox)}
    env.pop("BATON_SMTP_HOST", None)
    if smtp_port is not None:
        env.update(BATON_SMTP_HOST="127.0.0.1", BATON_SMTP_PORT=str(smtp_port))
    script = Path(sys.executable).parent / "baton"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli.app"]
    process = subprocess.Popen(
        [*command, "worker", "--poll", str(poll)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


def notice_floor(samples: int = 60) -> tuple[float, float]:
    """This disk's floor under one durable notice file, as (wall, CPU) seconds, median of
    `samples`: create a file, write 700 bytes, sync it, sync its folder: the least any
    program does to put a new file on the disk (Baton also names it only once whole). A
    batch overlaps its files' syncs and shares the folder's, so a notice delivered in a
    batch can take less wall time than this, hardly less CPU."""
    walls: list[float] = []
    cpus: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        folder_fd = os.open(folder, os.O_RDONLY)
        try:
            for index in range(samples):
                cpu, wall = time.process_time(), time.perf_counter()
                fd = os.open(f"{folder}/n{index}.eml", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.write(fd, b"x" * 700)
                os.fdatasync(fd)
                os.close(fd)
                os.fsync(folder_fd)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
        finally:
            os.close(folder_fd)
    return sorted(walls)[samples // 2], sorted(cpus)[samples // 2]
