"""Temporary files for atomic writes, named so that leftovers can be recognised and removed.

An atomic write puts the new content in a temporary file beside the target, then renames
it over the target. A process killed in between (or a full disk) leaves the temporary file
behind; the next write to the same folder removes those of ours that are stale.

A temporary file is named `TARGET.PID.RANDOM.tmp`: `TARGET` is the file it will become,
`PID` the writing process. One is stale when that process no longer runs on this machine
or when it is older than `STALE_SECONDS` (a PID can be reused, and a folder can be shared
by several machines). Files of the older naming (`TARGET.tmp…`, no PID) are stale after
`STALE_SECONDS` too.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

STALE_SECONDS = 3600
"""A temporary file older than this is a leftover whoever wrote it."""

_OURS = re.compile(r"(?P<target>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp\Z")


def create(target: Path) -> tuple[int, Path]:
    """Open a new temporary file for `target`, in its folder; returns (fd, path)."""
    folder = target.parent if str(target.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=f"{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    return fd, Path(name)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's live process (or a platform that cannot tell)
    return True


def is_stale(path: Path, now: float | None = None) -> bool:
    """Whether a temporary file of ours is a leftover (see the module docstring)."""
    try:
        age = (now if now is not None else time.time()) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    if age > STALE_SECONDS:
        return True
    found = _OURS.match(path.name)
    return found is not None and not _running(int(found["pid"]))


def sweep(folder: Path, target: str | None = None, legacy: tuple[str, ...] = ()) -> int:
    """Remove stale temporary files of ours in `folder`; returns how many went.

    Args:
        folder: where to look (not recursively).
        target: only temporary files for this file name (None: for any name).
        legacy: globs of an older naming, removed once older than `STALE_SECONDS`.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        name = entry.name
        ours = _OURS.match(name)
        if ours is not None:
            if target is not None and ours["target"] != target:
                continue
        elif not any(Path(name).match(pattern) for pattern in legacy):
            continue
        path = Path(entry.path)
        if (ours is not None and is_stale(path, now)) or (
            ours is None and now - _mtime(path, now) > STALE_SECONDS
        ):
            try:
                path.unlink()
                removed += 1
            except OSError:
                pass
    return removed


def _mtime(path: Path, default: float) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return default
