"""Autosave of unsaved work to recovery files, and finding them again after a crash.

Each window writes its unsaved definition to `<data dir>/recovery/<session>.baton.json`
with a small `.meta.json` beside it naming the file it belongs to. A clean close (saved or
deliberately discarded) deletes both; files still there at the next start mean the designer
did not close cleanly, and the user is offered to restore them. Qt-free.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from engine.definition import Orchestration, dumps_definition, load_definition
from engine.definition.io import write_atomic
from engine.errors import BatonError


def default_recovery_dir() -> Path:
    """Where recovery files live (the user data dir, overridable with BATON_RECOVERY_DIR)."""
    override = os.environ.get("BATON_RECOVERY_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("baton", "Baton")) / "recovery"


@dataclass(frozen=True)
class Recovered:
    """Unsaved work found after a crash."""

    definition_file: Path
    original: Path | None  # the file the work belonged to, None for a never-saved diagram
    saved_at: str

    def load(self) -> Orchestration:
        """The recovered definition."""
        return load_definition(self.definition_file)

    def discard(self) -> None:
        """Delete the recovery file (after restoring it or declining)."""
        self.definition_file.unlink(missing_ok=True)
        _meta_path(self.definition_file).unlink(missing_ok=True)


class RecoveryStore:
    """The recovery file of one window session."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_recovery_dir()
        self.path = self.directory / f"{uuid.uuid4().hex}.baton.json"
        self._last_written: str | None = None
        # Writes may come from a background thread; `clear` must win over a write that
        # started before it (a saved file must not leave a recovery file behind).
        self._lock = threading.Lock()
        self._cleared = 0  # how many times cleared: a write begun before a clear is dropped
        self._writing = False

    def write(self, definition: Orchestration, original: Path | None) -> bool:
        """Save unsaved work (skipped when unchanged since the last write). True if written."""
        return self._write(dumps_definition(definition), original, self._cleared, lambda: True)

    def write_in_background(
        self, definition: Orchestration, original: Path | None, current: Callable[[], bool]
    ) -> bool:
        """Like `write`, on a thread: serializing a 20,000-step definition takes a second.

        `definition` must not change meanwhile (give a snapshot); `current()` says whether
        it still is the document's state when the text is ready (else nothing is written,
        the next autosave writes the newer state). False when a write is still under way.
        """
        with self._lock:
            if self._writing:
                return False
            self._writing = True
        cleared = self._cleared

        def work() -> None:
            try:
                self._write(dumps_definition(definition), original, cleared, current)
            except (OSError, BatonError):
                pass  # autosave never interrupts the user; the next one tries again
            finally:
                self._writing = False

        threading.Thread(target=work, name="baton-autosave", daemon=True).start()
        return True

    def writing(self) -> bool:
        """Whether a background write is under way."""
        return self._writing

    def _write(
        self, text: str, original: Path | None, cleared: int, current: Callable[[], bool]
    ) -> bool:
        with self._lock:
            if cleared != self._cleared or not current():
                return False
            if text == self._last_written and self.path.exists():
                return False
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, text)
            meta = {
                "pid": os.getpid(),
                "original": str(original) if original else None,
                "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            _meta_path(self.path).write_text(json.dumps(meta), encoding="utf-8")
            self._last_written = text
            return True

    def clear(self) -> None:
        """Remove this session's recovery file (the work is saved or deliberately dropped)."""
        with self._lock:
            self._cleared += 1
            self.path.unlink(missing_ok=True)
            _meta_path(self.path).unlink(missing_ok=True)
            self._last_written = None

    def pending(self) -> list[Recovered]:
        """Recovery files left by sessions that did not close cleanly (not this one)."""
        if not self.directory.is_dir():
            return []
        found = []
        for file in sorted(self.directory.glob("*.baton.json")):
            if file == self.path:
                continue
            try:
                meta = json.loads(_meta_path(file).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                meta = {}
            if _alive(meta.get("pid")):
                continue  # another designer still running owns it: not a crash
            original = meta.get("original")
            found.append(
                Recovered(file, Path(original) if original else None, meta.get("saved_at", ""))
            )
        return found


def readable(recovered: Recovered) -> bool:
    """Whether a recovery file still loads (a half-written one is skipped, not offered)."""
    try:
        recovered.load()
    except BatonError:
        return False
    return True


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid == os.getpid():
        return False  # our own pid in an old file means it was left by an earlier run
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _meta_path(definition_file: Path) -> Path:
    return definition_file.with_name(definition_file.name.replace(".baton.json", ".meta.json"))
