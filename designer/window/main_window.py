"""The designer's main window: it owns the layout and wires its parts together.

The window creates the document, the undo stack, the selection and the canvas, builds
its parts (files, canvas actions, design panels, interchange, live panels, help), places
their docks, status widgets and actions (menus.py), and connects their signals. It does
no part's work: each part owns its actions and receives only the narrow services it
declares (host.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QThreadPool, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QWidget

from designer.canvas import DiagramScene, DiagramView, PalettePanel, theme
from designer.canvas.overlay.legend import LegendWidget
from designer.document import Document
from designer.live.connection import display_path
from designer.selection import Selection
from designer.window import menus, screen_fit
from designer.window.actions import restyle
from designer.window.appearance import AppearanceActions
from designer.window.canvas_actions import CanvasActions
from designer.window.design_panels import DesignPanels
from designer.window.files import FileActions, new_definition
from designer.window.help import HelpActions
from designer.window.host import WindowServices
from designer.window.interchange import InterchangeActions
from designer.window.live_panels import LivePanels
from designer.window.settings import designer_settings
from engine.validation import Diagnostic


class MainWindow(QMainWindow):
    """Top-level window holding one orchestration document."""

    def __init__(self, recovery_dir: Path | None = None) -> None:
        super().__init__()
        self.document = Document(new_definition())
        self.undo_stack = QUndoStack(self)
        self.selection = Selection(self)
        self._counts = (0, 0)
        self._docks_sized = False
        self.setObjectName("baton_main_window")
        self.setWindowIcon(theme.icon("baton"))
        self.setAcceptDrops(True)
        self.resize(screen_fit.opening_size(self.screen()))
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.scene = DiagramScene(self.document, self.undo_stack, self.selection, self)
        self.view = DiagramView(self.scene, self)
        self.setCentralWidget(self.view)

        services = WindowServices(
            document=self.document,
            undo_stack=self.undo_stack,
            selection=self.selection,
            widget=self,
            scene=self.scene,
            show_message=self.statusBar().showMessage,
            current_path=lambda: self.files.path,
            add_dock=self._add_live_dock,
            remove_dock=self._remove_dock,
            show_problems=self._show_problems,
        )
        self.files = FileActions(services, recovery_dir, quit_window=self.close)
        self.canvas = CanvasActions(
            self.document, self.undo_stack, self.selection, self.scene, self.view
        )
        self.panels = DesignPanels(services, center_on=self.view.center_on_key)
        self.interchange = InterchangeActions(services, self.files)
        self.live = LivePanels(services)
        directory = self.live.directory
        self.panels.inspector.use_directory(directory.known, directory.current, directory.changed)
        self.help = HelpActions(self, listed=lambda: self._parts.actions())
        self.appearance = AppearanceActions(self, self.set_dark)
        self._parts = menus.WindowParts(
            self.files,
            self.canvas,
            self.panels,
            self.interchange,
            self.live,
            self.help,
            self.appearance,
        )

        self.palette = PalettePanel()
        self.palette.entry_activated.connect(self.canvas.add_from_palette)
        area = Qt.DockWidgetArea
        self.palette_dock = self._dock(
            "Palette", "palette_dock", self.palette, area.LeftDockWidgetArea
        )
        self.inspector_dock = self._dock(
            "Inspector", "inspector_dock", self.panels.inspector, area.RightDockWidgetArea
        )
        self.problems_dock = self._dock(
            "Problems", "problems_dock", self.panels.problems, area.BottomDockWidgetArea
        )
        self._menus = menus.place(self, self._parts)
        for dock in (self.palette_dock, self.inspector_dock, self.problems_dock):
            self._menus.view.addAction(dock.toggleViewAction())
        self._build_status_bar()

        # The window is the one sink for validation results: canvas badges, counts, panels.
        self.panels.validation.diagnostics_changed.connect(self.apply_diagnostics)
        self.files.validated.connect(self.apply_diagnostics)
        self.files.validated.connect(self.panels.validation.adopt)  # no second check of it
        self.files.leaving.connect(self.panels.inspector.commit_pending_edit)
        self.files.loaded.connect(self._fit_loaded)
        self.files.state_changed.connect(self._update_title)
        self.undo_stack.cleanChanged.connect(self._update_title)
        self.undo_stack.indexChanged.connect(self._update_title)
        self.view.zoom_changed.connect(self._show_zoom)
        self.view.files_dropped.connect(self.files.open_first)
        self._restore_settings()
        # Until someone resizes the window, its first show may still shrink it to the screen.
        self._opening_size = self.size()
        self._update_title()
        QTimer.singleShot(0, self.view.fit)

    # --- layout -----------------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _add_live_dock(self, key: str, title: str, widget: QWidget) -> QDockWidget:
        dock = self._dock(title, f"{key}_dock", widget, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.problems_dock, dock)
        self._menus.view.addAction(dock.toggleViewAction())
        return dock

    def _remove_dock(self, dock: QDockWidget) -> None:
        self._menus.view.removeAction(dock.toggleViewAction())
        self.removeDockWidget(dock)
        dock.deleteLater()

    def _show_problems(self, diagnostics: list[Diagnostic]) -> None:
        self.apply_diagnostics(diagnostics)
        self.problems_dock.show()
        self.problems_dock.raise_()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self._path_label = QLabel()
        self._counts_label = QLabel()
        self._zoom_label = QLabel()
        self._path_label.setStyleSheet(f"color: {theme.TEXT_MUTED.name()};")
        bar.addWidget(self._path_label, 1)
        for widget in self.live.status_widgets():
            bar.addPermanentWidget(widget)
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
        """Badge the canvas, fill the panels and update the counts from one validation result."""
        self.scene.set_diagnostics(diagnostics)
        self.panels.show_diagnostics(diagnostics)
        errors = sum(d.severity == "error" for d in diagnostics)
        self.show_counts(errors, len(diagnostics) - errors)

    def _update_title(self, *_: object) -> None:
        definition = self.document.definition
        name = definition.name or definition.id
        path = self.files.path
        where = path.name if path else "unsaved"
        errors, _ = self._counts
        issues = f" — {errors} error{'s' * (errors != 1)}" if errors else ""
        self.setWindowTitle(f"{name} ({where})[*]{issues} — Baton")
        self.setWindowModified(self.files.is_dirty())
        if hasattr(self, "_path_label"):
            self._path_label.setText(display_path(path) if path else "Not saved yet")

    def _fit_loaded(self) -> None:
        self.view.fit()
        QTimer.singleShot(0, self.view.fit)  # again once the window has its final size

    def set_dark(self, dark: bool) -> None:
        """Switch the canvas, palette and icons between the light and the dark palette."""
        theme.apply(dark)
        self.scene.restyle()
        self.palette.restyle()
        self.view.rename_editor.restyle()
        self.view.context_pad.restyle()
        for legend in self.view.findChildren(LegendWidget):
            legend.restyle()
        self.panels.restyle(dark)
        self.view.minimap.refresh()
        restyle(self._parts.actions())
        self._path_label.setStyleSheet(f"color: {theme.TEXT_MUTED.name()};")
        self.show_counts(*self._counts)

    # --- Qt events --------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.files.open_first(paths)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._docks_sized:
            self._docks_sized = True
            if self.size() == self._opening_size:  # else someone sized it on purpose
                screen_fit.keep_on_screen(self, grow=not self._restored_geometry)
            if not designer_settings().contains("window/state"):  # first start: calm sizes
                QTimer.singleShot(0, self._size_docks)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.files.close()
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

    # --- settings ---------------------------------------------------------------------------

    def _size_docks(self) -> None:
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        # On a small screen the docks give the canvas more of the room.
        narrow, low = self.width() < 1200, self.height() < 800
        sides = [150, 250] if narrow else [180, 320]
        self.resizeDocks([self.palette_dock, self.inspector_dock], sides, horizontal)
        self.resizeDocks([self.problems_dock], [96 if low else 140], vertical)
        QTimer.singleShot(0, self.view.refit)  # the canvas changed size

    def _save_settings(self) -> None:
        settings = designer_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        self.canvas.save_settings(settings)
        self.appearance.save_settings(settings)

    def _restore_settings(self) -> None:
        settings = designer_settings()
        geometry = settings.value("window/geometry")
        self._restored_geometry = isinstance(geometry, QByteArray)
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
            screen_fit.clamp_restored(self)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.canvas.restore_settings(settings)
        self.appearance.restore_settings(settings)
