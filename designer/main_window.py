"""The designer's main window: palette, canvas, inspector and problems docks, menus, files.

File safety lives here: the title's dirty marker follows the undo stack's clean state,
closing or opening with unsaved changes asks first, unsaved work is autosaved to a
recovery file every 30 s, and a broken file shows the loader's error and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from designer import help_dialogs
from designer.canvas import DiagramScene, DiagramView, PalettePanel, clipboard, theme
from designer.canvas.auto_layout import auto_layout
from designer.commands import SetLayoutCommand
from designer.design_panels import DesignPanels
from designer.document import Document
from designer.interchange_menu import InterchangeMenu
from designer.live_panels import LivePanels
from designer.recovery import RecoveryStore, readable
from designer.selection import Selection
from designer.window_actions import build_actions, restyle_actions
from engine.definition import (
    FILE_SUFFIX,
    Orchestration,
    StartNode,
    load_definition,
    save_definition,
)
from engine.errors import BatonError
from engine.validation import Diagnostic, validate

AUTOSAVE_MS = 30_000
MAX_RECENT = 8
FILE_FILTER = f"Baton orchestrations (*{FILE_SUFFIX});;All files (*)"


def new_definition() -> Orchestration:
    """What File ▸ New starts from: a named orchestration with its start node placed."""
    return Orchestration(
        id="new_orchestration",
        name="New orchestration",
        nodes=[StartNode(id="start", type="start", name="Start")],
        layout={"start": {"x": 40, "y": 160}},
    )


class MainWindow(QMainWindow):
    """Top-level window holding one orchestration document."""

    def __init__(self, recovery_dir: Path | None = None) -> None:
        super().__init__()
        self.path: Path | None = None
        self.document = Document(new_definition())
        self.undo_stack = QUndoStack(self)
        self.selection = Selection(self)
        self.recovery = RecoveryStore(recovery_dir)
        self._recovered_unsaved = False
        self._docks_sized = False
        self.setObjectName("baton_main_window")
        self.setWindowIcon(theme.icon("baton"))
        self.setAcceptDrops(True)
        self.resize(1440, 900)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )

        self.scene = DiagramScene(self.document, self.undo_stack, self.selection, self)
        self.view = DiagramView(self.scene, self)
        self.setCentralWidget(self.view)
        self.palette = PalettePanel()
        self.palette_dock = self._dock(
            "Palette", "palette_dock", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        # Filled by the lead with InspectorPanel / ProblemsPanel (built on branch `panels`).
        self.inspector_dock = self._dock(
            "Inspector",
            "inspector_dock",
            _placeholder("Select an element to edit it."),
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self.problems_dock = self._dock(
            "Problems",
            "problems_dock",
            _placeholder("No problems."),
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.panels = DesignPanels(self)
        self.actions_ = build_actions(self)
        self.live = LivePanels(self)
        self.interchange = InterchangeMenu(self)
        for dock in (self.palette_dock, self.inspector_dock, self.problems_dock):
            self.view_menu.addAction(dock.toggleViewAction())
        self._build_status_bar()

        self.undo_stack.cleanChanged.connect(self._update_title)
        self.undo_stack.indexChanged.connect(self._update_title)
        self.view.zoom_changed.connect(self._show_zoom)
        self.view.files_dropped.connect(self._open_dropped)
        self._autosave = QTimer(self, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self._autosave.start()
        self._restore_settings()
        self._update_recent_menu()
        self._update_title()
        QTimer.singleShot(0, self.view.fit)

    # --- layout of the window ---------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self._path_label = QLabel()
        self._counts_label = QLabel()
        self._zoom_label = QLabel()
        self._path_label.setStyleSheet(f"color: {theme.TEXT_MUTED.name()};")
        bar.addWidget(self._path_label, 1)
        bar.addPermanentWidget(self._counts_label)
        bar.addPermanentWidget(self._zoom_label)
        self.show_counts(0, 0)
        self._show_zoom(self.view.zoom())

    def _show_zoom(self, zoom: float) -> None:
        self._zoom_label.setText(f"{round(zoom * 100)} %")

    def show_counts(self, errors: int, warnings: int) -> None:
        """Show validation counts in the status bar (and keep them for the title)."""
        self._counts = (errors, warnings)
        parts = [
            f"{errors} error{'s' * (errors != 1)}",
            f"{warnings} warning{'s' * (warnings != 1)}",
        ]
        self._counts_label.setText("   ".join(parts))
        color = (
            theme.ERROR.name()
            if errors
            else (theme.WARNING.name() if warnings else theme.TEXT_MUTED.name())
        )
        self._counts_label.setStyleSheet(f"color: {color}; padding: 0 10px;")
        self._update_title()

    def apply_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Badge the canvas and update the counts from one validation result."""
        self.scene.set_diagnostics(diagnostics)
        self.panels.show_diagnostics(diagnostics)
        errors = sum(d.severity == "error" for d in diagnostics)
        self.show_counts(errors, len(diagnostics) - errors)

    def is_dirty(self) -> bool:
        """Whether there are changes not saved to `self.path`."""
        return not self.undo_stack.isClean() or self._recovered_unsaved

    def _update_title(self, *_: object) -> None:
        definition = self.document.definition
        name = definition.name or definition.id
        where = self.path.name if self.path else "unsaved"
        errors, _ = getattr(self, "_counts", (0, 0))
        issues = f" — {errors} error{'s' * (errors != 1)}" if errors else ""
        self.setWindowTitle(f"{name} ({where})[*]{issues} — Baton")
        self.setWindowModified(self.is_dirty())
        if hasattr(self, "_path_label"):
            self._path_label.setText(str(self.path) if self.path else "Not saved yet")

    # --- files ------------------------------------------------------------------------------

    def _confirm_discard(self) -> bool:
        """Ask what to do with unsaved changes. True when it is fine to go on."""
        self.panels.commit_pending_edit()  # a field still being typed in counts as a change
        if not self.is_dirty():
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to “{self.document.definition.name or 'this orchestration'}”?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _load_into(self, definition: Orchestration, path: Path | None) -> None:
        self.selection.clear()
        self.undo_stack.clear()
        self.document.reset(definition)
        self.path = path
        self._recovered_unsaved = False
        self.recovery.clear()
        self.undo_stack.setClean()
        self.apply_diagnostics(validate(definition))
        self._update_title()
        self.view.fit()
        QTimer.singleShot(0, self.view.fit)  # again once the window has its final size

    def confirm_discard(self) -> bool:
        """Ask about unsaved changes; True when it is fine to replace the document."""
        return self._confirm_discard()

    def load_unsaved(self, definition: Orchestration) -> None:
        """Show a definition that is not on disk yet (an import): unsaved until saved."""
        self._load_into(definition, None)
        self._recovered_unsaved = True  # closing asks to save it
        self._update_title()

    def new_file(self) -> bool:
        """Start an empty orchestration (asks about unsaved changes first)."""
        if not self._confirm_discard():
            return False
        self._load_into(new_definition(), None)
        return True

    def open_dialog(self) -> bool:
        """Ask for a file and open it."""
        if not self._confirm_discard():
            return False
        start = str(self.path.parent) if self.path else ""
        name, _ = QFileDialog.getOpenFileName(self, "Open orchestration", start, FILE_FILTER)
        return self.open_file(Path(name), confirmed=True) if name else False

    def open_file(self, path: Path, *, confirmed: bool = False) -> bool:
        """Load a definition; on error show the loader's message and change nothing."""
        if not confirmed and not self._confirm_discard():
            return False
        try:
            definition = load_definition(path)
        except BatonError as exc:
            QMessageBox.critical(self, "Cannot open file", str(exc))
            return False
        self._load_into(definition, Path(path).resolve())
        self._remember_recent(self.path)
        return True

    def _open_dropped(self, paths: list[Path]) -> None:
        if paths:
            self.open_file(paths[0])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self._open_dropped(paths)

    def save(self) -> bool:
        """Save to the current file (asks for one the first time)."""
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self, path: Path | None = None) -> bool:
        """Save to a new file chosen by the user (or `path`)."""
        if path is None:
            suggested = f"{self.document.definition.id}{FILE_SUFFIX}"
            start = str((self.path.parent if self.path else Path.home()) / suggested)
            name, _ = QFileDialog.getSaveFileName(self, "Save orchestration", start, FILE_FILTER)
            if not name:
                return False
            path = Path(name)
            if not path.name.endswith(FILE_SUFFIX):
                path = path.with_name(path.name.removesuffix(".json") + FILE_SUFFIX)
        return self._write(path)

    def _write(self, path: Path) -> bool:
        self.panels.commit_pending_edit()
        definition = self.document.definition
        diagnostics = validate(definition)
        try:
            save_definition(definition, path)
        except OSError as exc:
            QMessageBox.critical(self, "Cannot save", f"{path}: {exc.strerror or exc}")
            return False
        self.path = Path(path).resolve()
        self._recovered_unsaved = False
        self.undo_stack.setClean()
        self.recovery.clear()
        self._remember_recent(self.path)
        self.apply_diagnostics(diagnostics)
        self.statusBar().showMessage(f"Saved {self.path.name}", 4000)
        errors = [d for d in diagnostics if d.severity == "error"]
        if errors:
            QMessageBox.warning(
                self,
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
            return self.recovery.write(self.document.definition, self.path)
        except (OSError, BatonError):
            return False  # autosave must never interrupt the user

    def offer_recovery(self) -> bool:
        """After a crash, offer to restore unsaved work found in recovery files."""
        for found in self.recovery.pending():
            if not readable(found):
                found.discard()
                continue
            what = str(found.original) if found.original else "an unsaved orchestration"
            answer = QMessageBox.question(
                self,
                "Restore unsaved work?",
                f"Baton did not close normally. Unsaved changes to {what} from "
                f"{found.saved_at or 'the last session'} were kept.\n\nRestore them?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self._load_into(found.load(), found.original)
                self._recovered_unsaved = True
                found.discard()
                self.autosave()
                self._update_title()
                return True
            found.discard()
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        self.panels.commit_pending_edit()
        if not self._confirm_discard():
            event.ignore()
            return
        self.recovery.clear()
        self._autosave.stop()
        self._save_settings()
        self.scene.detach()
        self.live.close()
        # Commands are freed now, while everything they point at is alive; left to Python's
        # collector they can be freed in an order that crashes QUndoStack's destructor.
        self.undo_stack.clear()
        # A validation still running on a worker thread reports back through an object
        # owned by this window: let it finish before the window can be deleted.
        QThreadPool.globalInstance().waitForDone(3000)
        QApplication.sendPostedEvents()
        event.accept()

    # --- settings and recent files ----------------------------------------------------------

    def _settings(self) -> QSettings:
        return QSettings("Baton", "Baton designer")

    def _save_settings(self) -> None:
        settings = self._settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("view/grid", self.actions_.grid.isChecked())
        settings.setValue("view/minimap", self.actions_.minimap.isChecked())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._docks_sized:
            self._docks_sized = True
            if not self._settings().contains("window/state"):  # first start: calm proportions
                QTimer.singleShot(0, self._size_docks)

    def _size_docks(self) -> None:
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        self.resizeDocks([self.palette_dock, self.inspector_dock], [180, 320], horizontal)
        self.resizeDocks([self.problems_dock], [140], vertical)

    def _restore_settings(self) -> None:
        settings = self._settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        grid = settings.value("view/grid", True, type=bool)
        minimap = settings.value("view/minimap", True, type=bool)
        self.actions_.grid.setChecked(grid)
        self.set_grid_visible(grid)
        self.actions_.minimap.setChecked(minimap)
        self.set_minimap_visible(minimap)

    def recent_files(self) -> list[str]:
        """Recently opened or saved files, newest first."""
        value = self._settings().value("files/recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _remember_recent(self, path: Path | None) -> None:
        if path is None:
            return
        recent = [str(path), *[p for p in self.recent_files() if p != str(path)]][:MAX_RECENT]
        self._settings().setValue("files/recent", recent)
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        menu = self.actions_.recent_menu
        menu.clear()
        for name in self.recent_files():
            action = menu.addAction(name)
            action.triggered.connect(lambda _=False, p=name: self.open_file(Path(p)))
        menu.setEnabled(not menu.isEmpty())

    # --- edit and view commands -------------------------------------------------------------

    def cut(self) -> None:
        clipboard.cut_selection(self.scene)

    def copy(self) -> None:
        clipboard.copy_selection(self.scene)

    def paste(self) -> None:
        clipboard.paste(self.scene)

    def duplicate(self) -> None:
        clipboard.duplicate(self.scene)

    def delete(self) -> None:
        clipboard.delete_selection(self.scene)

    def select_all(self) -> None:
        self.scene.select_all()

    def rename_selected(self) -> None:
        key = self.selection.single()
        if key is not None:
            self.view.rename_editor.start(key)

    def find_element(self) -> None:
        """Find an element by name or id, select it and centre it."""
        self.panels.find()

    def auto_layout(self) -> None:
        """Arrange the diagram (one undoable command) and fit it in the window."""
        self.undo_stack.push(SetLayoutCommand(self.document, auto_layout(self.document.definition)))
        self.view.fit()

    def set_grid_visible(self, visible: bool) -> None:
        self.scene.show_grid = bool(visible)
        self.scene.update()

    def set_minimap_visible(self, visible: bool) -> None:
        self.view.minimap.setVisible(bool(visible))

    # The export dialogs live with the other import/export actions (interchange_menu).
    def export_png_dialog(self) -> None:
        self.interchange.export_png_dialog()

    def export_svg_dialog(self) -> None:
        self.interchange.export_svg_dialog()

    def export_markdown_dialog(self) -> None:
        self.interchange.export_markdown_dialog()

    def set_dark(self, dark: bool) -> None:
        """Switch the canvas, palette and icons between the light and the dark palette."""
        theme.apply(dark)
        self.scene.restyle()
        self.palette.restyle()
        self.view.rename_editor.restyle()
        self.view.minimap.refresh()
        restyle_actions(self.actions_)
        self._path_label.setStyleSheet(f"color: {theme.TEXT_MUTED.name()};")
        self.show_counts(*self._counts)

    def show_about(self) -> None:
        help_dialogs.show_about(self)

    def show_shortcuts(self) -> None:
        help_dialogs.show_shortcuts(self, self.actions_)


def _placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet(f"color: {theme.TEXT_MUTED.name()}; padding: 16px;")
    label.setWordWrap(True)
    return label
