"""File handling: New, Open, Open Recent, Save, Save As, Quit, autosave and crash recovery.

File safety lives here: the dirty state follows the undo stack's clean state, replacing
a document with unsaved changes asks first, unsaved work is autosaved to a recovery file
every 30 s, and a broken file shows the loader's error and changes nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from designer.document import Change
from designer.window.actions import Entry, make_action
from designer.window.host import DocumentHost
from designer.window.recovery import RecoveryStore, readable
from designer.window.settings import designer_settings
from designer.window.validation import snapshot
from engine.definition import (
    FILE_SUFFIX,
    Orchestration,
    StartNode,
    load_definition,
    save_definition,
)
from engine.errors import BatonError
from engine.validation import validate

AUTOSAVE_MS = 30_000
MAX_RECENT = 8
FILE_FILTER = f"Baton orchestrations (*{FILE_SUFFIX});;All files (*)"

Key = QKeySequence.StandardKey


def new_definition() -> Orchestration:
    """What File ▸ New starts from: a named orchestration with its start node placed."""
    return Orchestration(
        id="new_orchestration",
        name="New orchestration",
        nodes=[StartNode(id="start", type="start", name="Start")],
        layout={"start": {"x": 40, "y": 160}},
    )


class FileActions(QObject):
    """Which file the document belongs to, whether it has unsaved changes, and the File actions.

    Signals tell the window what to refresh; the part never touches the window's widgets:
    `leaving` before the document is saved or replaced (commit a field still being typed),
    `loaded` after a new document is shown, `validated(list)` with the diagnostics of a
    load or save, `state_changed` when the path or the unsaved flag changes.
    """

    leaving = Signal()
    loaded = Signal()
    validated = Signal(list)
    state_changed = Signal()

    def __init__(
        self,
        host: DocumentHost,
        recovery_dir: Path | None = None,
        *,
        quit_window: Callable[[], object],
    ) -> None:
        super().__init__(host.widget)
        self._host = host
        self.path: Path | None = None
        self.recovery = RecoveryStore(recovery_dir)
        self._recovered_unsaved = False
        parent = host.widget
        self.new_action = make_action(
            parent, "&New", self.new_file, Key.New, "new", "Start a new orchestration"
        )
        self.open_action = make_action(parent, "&Open…", self.open_dialog, Key.Open, "open")
        self.save_action = make_action(parent, "&Save", self.save, Key.Save, "save")
        self.save_as_action = make_action(parent, "Save &As…", self.save_as, Key.SaveAs)
        self.quit_action = make_action(parent, "&Quit", quit_window, Key.Quit)
        self.recent_menu = QMenu("Open &Recent", parent)
        self._changes = 0  # document changes so far: is a background autosave still current?
        host.document.subscribe(self._count_change)
        self._autosave = QTimer(self, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave_in_background)
        self._autosave.start()
        self._update_recent_menu()

    # --- what the window places -------------------------------------------------------------

    def actions(self) -> list[QAction]:
        """New, Open, Save, Save As and Quit."""
        return [
            self.new_action,
            self.open_action,
            self.save_action,
            self.save_as_action,
            self.quit_action,
        ]

    def menu_sections(self) -> dict[str, list[Entry]]:
        """open (New, Open, Open Recent), save (Save, Save As), quit."""
        return {
            "open": [self.new_action, self.open_action, self.recent_menu],
            "save": [self.save_action, self.save_as_action],
            "quit": [self.quit_action],
        }

    def toolbar_sections(self) -> dict[str, list[QAction]]:
        """files: New, Open, Save."""
        return {"files": [self.new_action, self.open_action, self.save_action]}

    # --- state ------------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        """Whether there are changes not saved to `path`."""
        return not self._host.undo_stack.isClean() or self._recovered_unsaved

    def confirm_discard(self) -> bool:
        """Ask what to do with unsaved changes. True when it is fine to go on."""
        self.leaving.emit()  # a field still being typed in counts as a change
        if not self.is_dirty():
            return True
        name = self._host.document.definition.name or "this orchestration"
        answer = QMessageBox.question(
            self._host.widget,
            "Unsaved changes",
            f"Save the changes to “{name}”?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _load_into(self, definition: Orchestration, path: Path | None, *, unsaved: bool) -> None:
        host = self._host
        host.selection.clear()
        host.undo_stack.clear()
        gc.unfreeze()  # what the previous file left behind may be collected again
        with collector_paused():
            host.document.reset(definition)
            self.path = path
            self._recovered_unsaved = unsaved  # closing then asks to save it
            self.recovery.clear()
            host.undo_stack.setClean()
            self.validated.emit(validate(definition))
            # The definition and its drawing live as long as the file is open: set them
            # apart from the cyclic garbage collector, whose full passes otherwise walk
            # every one of their objects again and again (a third of a second each at
            # 20,000 steps, found nothing, and froze the window in the middle of editing).
            gc.freeze()
        self.state_changed.emit()
        self.loaded.emit()

    # --- opening ----------------------------------------------------------------------------

    def load_unsaved(self, definition: Orchestration) -> None:
        """Show a definition that is not on disk yet (an import): unsaved until saved."""
        self._load_into(definition, None, unsaved=True)

    def new_file(self) -> bool:
        """Start an empty orchestration (asks about unsaved changes first)."""
        if not self.confirm_discard():
            return False
        self._load_into(new_definition(), None, unsaved=False)
        return True

    def open_dialog(self) -> bool:
        """Ask for a file and open it."""
        if not self.confirm_discard():
            return False
        start = str(self.path.parent) if self.path else ""
        name, _ = QFileDialog.getOpenFileName(
            self._host.widget, "Open orchestration", start, FILE_FILTER
        )
        return self.open_file(Path(name), confirmed=True) if name else False

    def open_file(self, path: Path, *, confirmed: bool = False) -> bool:
        """Load a definition; on error show the loader's message and change nothing."""
        if not confirmed and not self.confirm_discard():
            return False
        try:
            with collector_paused():
                definition = load_definition(path)
        except BatonError as exc:
            QMessageBox.critical(self._host.widget, "Cannot open file", str(exc))
            return False
        self._load_into(definition, Path(path).resolve(), unsaved=False)
        self._remember_recent(self.path)
        return True

    def open_first(self, paths: list[Path]) -> None:
        """Open the first of some files dropped on the window."""
        if paths:
            self.open_file(paths[0])

    # --- saving -----------------------------------------------------------------------------

    def save(self) -> bool:
        """Save to the current file (asks for one the first time)."""
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self, path: Path | None = None) -> bool:
        """Save to a new file chosen by the user (or `path`)."""
        if path is None:
            suggested = f"{self._host.document.definition.id}{FILE_SUFFIX}"
            start = str((self.path.parent if self.path else Path.home()) / suggested)
            name, _ = QFileDialog.getSaveFileName(
                self._host.widget, "Save orchestration", start, FILE_FILTER
            )
            if not name:
                return False
            path = Path(name)
            if not path.name.endswith(FILE_SUFFIX):
                path = path.with_name(path.name.removesuffix(".json") + FILE_SUFFIX)
        return self._write(path)

    def _write(self, path: Path) -> bool:
        self.leaving.emit()
        host = self._host
        definition = host.document.definition
        diagnostics = validate(definition)
        try:
            save_definition(definition, path)
        except OSError as exc:
            QMessageBox.critical(host.widget, "Cannot save", f"{path}: {exc.strerror or exc}")
            return False
        self.path = Path(path).resolve()
        self._recovered_unsaved = False
        host.undo_stack.setClean()
        self.recovery.clear()
        self._remember_recent(self.path)
        self.validated.emit(diagnostics)
        self.state_changed.emit()
        host.show_message(f"Saved {self.path.name}", 4000)
        errors = [d for d in diagnostics if d.severity == "error"]
        if errors:
            QMessageBox.warning(
                host.widget,
                "Saved as a draft",
                f"The orchestration was saved, but it has {len(errors)} error(s) and cannot "
                f"be activated until they are fixed.\n\nFirst: {errors[0].format_line()}",
            )
        return True

    # --- recovery ---------------------------------------------------------------------------

    def autosave(self) -> bool:
        """Write unsaved work to the recovery file (nothing when there is none)."""
        if not self.is_dirty():
            self.recovery.clear()  # e.g. undone back to the saved state
            return False
        try:
            return self.recovery.write(self._host.document.definition, self.path)
        except (OSError, BatonError):
            return False  # autosave must never interrupt the user

    def autosave_in_background(self) -> bool:
        """`autosave` with the writing on a thread (the timer's way: a big definition takes
        a second to serialize). True if a write was started."""
        if not self.is_dirty():
            self.recovery.clear()
            return False
        changes = self._changes
        return self.recovery.write_in_background(
            snapshot(self._host.document.definition),
            self.path,
            lambda: self._changes == changes,
        )

    def _count_change(self, change: Change) -> None:
        self._changes += 1

    def offer_recovery(self) -> bool:
        """After a crash, offer to restore unsaved work found in recovery files."""
        for found in self.recovery.pending():
            if not readable(found):
                found.discard()
                continue
            what = str(found.original) if found.original else "an unsaved orchestration"
            answer = QMessageBox.question(
                self._host.widget,
                "Restore unsaved work?",
                f"Baton did not close normally. Unsaved changes to {what} from "
                f"{found.saved_at or 'the last session'} were kept.\n\nRestore them?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self._load_into(found.load(), found.original, unsaved=True)
                found.discard()
                self.autosave()
                return True
            found.discard()
        return False

    def close(self) -> None:
        """The window closes normally: no recovery file is left behind."""
        self.recovery.clear()
        self._autosave.stop()

    # --- recent files -----------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        """Recently opened or saved files, newest first."""
        value = designer_settings().value("files/recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _remember_recent(self, path: Path | None) -> None:
        if path is None:
            return
        recent = [str(path), *[p for p in self.recent_files() if p != str(path)]][:MAX_RECENT]
        designer_settings().setValue("files/recent", recent)
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for name in self.recent_files():
            action = menu.addAction(name)
            action.triggered.connect(lambda _=False, p=name: self.open_file(Path(p)))
        menu.setEnabled(not menu.isEmpty())


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    Loading and drawing a big definition allocates hundreds of thousands of objects that
    all stay; every collection pass triggered on the way walks all of them again and finds
    nothing (0.7 s of a 1.7 s build at 20,000 steps).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
