"""Fixtures for the fault suite: small and read-only file systems.

A full disk and a read-only folder are real: a tmpfs mounted for the test (and remounted
read-only), which needs root. CI runs as root, so there these tests always run; elsewhere
they are skipped with the reason, and under `CI=true` without root they fail.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.runtime import Engine, VirtualClock


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _need_root() -> None:
    if os.name == "posix" and os.geteuid() == 0:
        return
    message = "mounting a small tmpfs needs root (CI runs as root and runs this test)"
    if _in_ci():
        pytest.fail(message + " -- CI must run the fault suite as root", pytrace=False)
    pytest.skip(message)


class Mount:
    """A tmpfs of a fixed size at `path`, unmounted at the end of the test."""

    def __init__(self, path: Path, size_kb: int) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)], check=True
        )

    def read_only(self) -> None:
        """Remount read-only: every write fails with EROFS, as on a read-only medium."""
        subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)

    def read_write(self) -> None:
        """Remount read-write."""
        subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)

    def fill(self) -> Path:
        """Fill the file system to the last byte; returns the filler file (delete it to free)."""
        filler = self.path / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (65536, 4096, 1):  # big blocks first, then the last bytes
                try:
                    while os.write(fd, b"\0" * size):
                        pass
                except OSError:
                    continue
        finally:
            os.close(fd)
        return filler

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def tmpfs(tmp_path) -> Iterator[Callable[[int], Mount]]:
    """`tmpfs(size_kb)` mounts a small file system in the test's folder."""
    _need_root()
    mounts: list[Mount] = []

    def mount(size_kb: int = 4096) -> Mount:
        made = Mount(tmp_path / f"disk{len(mounts)}", size_kb)
        mounts.append(made)
        return made

    yield mount
    for made in mounts:
        made.unmount()


@pytest.fixture
def engine(tmp_path) -> Iterator[Engine]:
    """An engine on a fresh SQLite file with a virtual clock; ann (no address for notices)."""
    made = Engine(str(tmp_path / "baton.db"), clock=VirtualClock(), outbox=tmp_path / "outbox")
    made.add_user("ann")
    yield made
    made.close()
