"""Writing messages to the outbox folder as `.eml` files: whole under their names, on the
disk before the caller records them as delivered, with as few system calls as that allows.

A file is written nameless and named when whole: on Linux an unnamed file of the folder
(`O_TMPFILE`) that is synced and then linked under its name, so a crash at any moment
leaves either nothing or the whole file, and no temporary file to clean up; elsewhere (or
on a file system without unnamed files) a temporary file beside it, synced and renamed
(see `engine.tempfiles`, which removes those a killed writer left). The files of a batch
are synced side by side, so the disk completes them together, and the folder once at the
end. Measured on the development machine (ext4): creating a file and naming it cost about
40 µs of CPU either way; the syncs are what costs (`benchmarks/interactive_costs.py` prints
this disk's floor per notice).
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from engine import tempfiles

_LEGACY_TEMPS = ("run-*.tmp", "notice-*.tmp")  # how earlier versions named their temp files

SWEEP_EVERY = 60.0
"""Seconds between two sweeps of one outbox folder for stale temporary files, per process.

A sweep reads the whole folder, which holds every message ever written: done for each
message, writing one would grow with the outbox. The first write of a process to a folder
always sweeps, so what a killed writer left is gone with the next process's first write."""

_swept: dict[Path, float] = {}

_UNNAMED = getattr(os, "O_TMPFILE", 0)
_no_unnamed: set[str] = set()
"""Folders where unnamed files failed (not Linux, an old kernel, no /proc): named temps."""

# What says "this file system or system cannot make or link an unnamed file".
_UNSUPPORTED = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT, errno.EXDEV}
_UNSUPPORTED |= {errno.EPERM, errno.EACCES}


class _Bytes(Protocol):
    def __bytes__(self) -> bytes: ...


def message_file(outbox: Path, key: str) -> Path:
    """Where the message with this key is (or will be) written."""
    return outbox / f"{key}.eml"


def write_messages(
    outbox: Path, messages: list[tuple[str, bytes | _Bytes]]
) -> list[Path | OSError]:
    """Write each message to the outbox folder once; returns its `.eml` file, or the error
    that kept it from being written, in the order given.

    A message already there is left as it is. A new one reaches the disk before it takes
    its name, and the folder is synced once at the end: a file returned survives a power
    cut, and a file under its final name is always whole. The files' syncs run side by side
    (the disk then completes them together), so a batch costs about two waits for the disk,
    not one per message.

    Stale temporary files left by a killed or failed earlier write are removed first; a
    write that fails (a full disk) removes its own.
    """
    if not messages:
        return []
    try:
        outbox.mkdir(parents=True, exist_ok=True)
        _sweep(outbox)
        # The folder's descriptor names unnamed files and syncs the folder (Windows can
        # open no folder, and needs neither).
        folder_fd = os.open(outbox, os.O_RDONLY) if os.name != "nt" else -1
    except OSError as exc:
        return [exc for _ in messages]
    try:
        return _write_batch(outbox, folder_fd, messages)
    finally:
        if folder_fd >= 0:
            os.close(folder_fd)


class _Started:
    """A file written and not yet named: its descriptor, and its temporary name (None for
    an unnamed file)."""

    __slots__ = ("fd", "position", "target", "temp")

    def __init__(self, position: int, fd: int, temp: str | None, target: str) -> None:
        self.position, self.fd, self.temp, self.target = position, fd, temp, target


def _write_batch(
    outbox: Path, folder_fd: int, messages: list[tuple[str, bytes | _Bytes]]
) -> list[Path | OSError]:
    folder = str(outbox)
    results: list[Path | OSError] = []
    started: list[_Started] = []
    for key, message in messages:
        file = message_file(outbox, key)
        target = f"{folder}/{key}.eml"
        if os.path.exists(target):
            results.append(file)
            continue
        try:
            fd, temp = _create(folder, target)
        except OSError as exc:
            results.append(exc)
            continue
        entry = _Started(len(results), fd, temp, target)
        results.append(file)
        try:
            _write_all(fd, message if isinstance(message, bytes) else bytes(message))
        except OSError as exc:
            _discard(entry)
            results[entry.position] = exc
            continue
        started.append(entry)
    for index, error in _sync_all([entry.fd for entry in started]):
        results[started[index].position] = error
    for entry in started:
        if isinstance(results[entry.position], OSError):
            _discard(entry)
            continue
        try:
            _name_file(entry, folder_fd)
        except OSError as exc:
            results[entry.position] = exc
    # Also when every file was there already: its writer may have stopped before syncing
    # the folder, and the caller is about to record the message as delivered.
    if any(isinstance(r, Path) for r in results):
        try:
            _sync_folder(folder_fd)
        except OSError as exc:
            results = [exc if isinstance(r, Path) else r for r in results]
    return results


def _create(folder: str, target: str) -> tuple[int, str | None]:
    """A new file to write `target`'s bytes into: (fd, its temporary name or None)."""
    if _UNNAMED and folder not in _no_unnamed:
        try:
            return os.open(folder, os.O_RDWR | _UNNAMED, 0o600), None
        except OSError as exc:
            if exc.errno not in _UNSUPPORTED:
                raise
            _no_unnamed.add(folder)
    fd, temp = tempfiles.create(Path(target))
    return fd, str(temp)


def _name_file(entry: _Started, folder_fd: int) -> None:
    """Give a synced file its name (a file of that name already there is left alone)."""
    try:
        if entry.temp is None:
            try:
                # linkat(AT_SYMLINK_FOLLOW) on the descriptor's /proc name: the only way to
                # name an unnamed file without privileges. A dir_fd makes Python call linkat.
                os.link(f"/proc/self/fd/{entry.fd}", entry.target, src_dir_fd=folder_fd)
            except FileExistsError:
                pass  # another writer named the same message first: its file stays
            except OSError as exc:
                if exc.errno not in _UNSUPPORTED:
                    raise
                _rename_copy(entry)
        else:
            os.replace(entry.temp, entry.target)
    except OSError:
        _discard(entry)
        raise
    os.close(entry.fd)


def _rename_copy(entry: _Started) -> None:
    """Name an unnamed file where linking it is refused: copy it to a named temporary file
    (synced) and rename that; later files of the folder are written named."""
    _no_unnamed.add(os.path.dirname(entry.target))
    data = os.pread(entry.fd, os.fstat(entry.fd).st_size, 0)
    fd, temp = tempfiles.create(Path(entry.target))
    try:
        _write_all(fd, data)
        _sync_file(fd)
    finally:
        os.close(fd)
    try:
        os.replace(temp, entry.target)
    except OSError:
        temp.unlink(missing_ok=True)
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _discard(entry: _Started) -> None:
    with contextlib.suppress(OSError):
        os.close(entry.fd)
    if entry.temp is not None:
        Path(entry.temp).unlink(missing_ok=True)


_sync_file = getattr(os, "fdatasync", os.fsync)  # fdatasync skips the file's times
_syncers: tuple[int, ThreadPoolExecutor] | None = None  # (the process it serves, the pool)


def _sync_all(fds: list[int]) -> list[tuple[int, OSError]]:
    """Sync the files side by side; returns (position, error) for those that failed.

    This thread syncs the first file itself while pool threads sync the others: a hand-off
    to a thread costs about as much CPU as the sync, so none is made for a single file."""
    global _syncers
    if not fds:
        return []
    futures = []
    if len(fds) > 1:
        # A forked child inherits the pool but not its threads: it makes its own.
        if _syncers is None or _syncers[0] != os.getpid():
            pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="baton-sync")
            _syncers = (os.getpid(), pool)
        futures = [_syncers[1].submit(_try_sync, fd) for fd in fds[1:]]
    errors = [_try_sync(fds[0]), *(future.result() for future in futures)]
    return [(position, error) for position, error in enumerate(errors) if error is not None]


def _try_sync(fd: int) -> OSError | None:
    try:
        _sync_file(fd)
    except OSError as exc:
        return exc
    return None


def _sync_folder(folder_fd: int) -> None:
    """Make the names given in the folder durable (POSIX; Windows keeps them with the file)."""
    if folder_fd >= 0:
        os.fsync(folder_fd)


def _sweep(outbox: Path) -> None:
    now = time.monotonic()
    last = _swept.get(outbox)
    if last is None or now - last >= SWEEP_EVERY:
        tempfiles.sweep(outbox, legacy=_LEGACY_TEMPS)
        _swept[outbox] = now
