"""Edit and View actions that act on the canvas: undo, clipboard, zoom, grid, auto-layout.

The clipboard keys (cut, copy, paste, delete, rename, select all) are attached to the
canvas view with a widget shortcut context, so Delete typed in a panel's field edits that
field and never deletes nodes.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack

from designer.canvas import DiagramScene, DiagramView, building, clipboard
from designer.canvas.auto_layout import auto_layout
from designer.commands import SetLayoutCommand
from designer.document import Document
from designer.selection import Selection
from designer.window.actions import Entry, make_action, set_icon

Key = QKeySequence.StandardKey


class CanvasActions:
    """The canvas's own actions; menus.py places them in Edit, View and the toolbar."""

    def __init__(
        self,
        document: Document,
        undo_stack: QUndoStack,
        selection: Selection,
        scene: DiagramScene,
        view: DiagramView,
    ) -> None:
        self._document, self._undo_stack, self._selection = document, undo_stack, selection
        self._scene, self._view = scene, view
        self.undo_action = undo_stack.createUndoAction(view, "&Undo")
        self.undo_action.setShortcut(QKeySequence(Key.Undo))
        set_icon(self.undo_action, "undo")
        self.redo_action = undo_stack.createRedoAction(view, "&Redo")
        self.redo_action.setShortcut(QKeySequence(Key.Redo))
        set_icon(self.redo_action, "redo")

        self.cut_action = make_action(view, "Cu&t", lambda: clipboard.cut_selection(scene), Key.Cut)
        self.copy_action = make_action(
            view, "&Copy", lambda: clipboard.copy_selection(scene), Key.Copy
        )
        self.paste_action = make_action(view, "&Paste", lambda: clipboard.paste(scene), Key.Paste)
        self.duplicate_action = make_action(
            view, "D&uplicate", lambda: clipboard.duplicate(scene), "Ctrl+D"
        )
        delete_keys = [QKeySequence(Key.Delete), QKeySequence("Backspace")]
        self.delete_action = make_action(
            view, "&Delete", lambda: clipboard.delete_selection(scene), delete_keys
        )
        self.rename_action = make_action(view, "&Rename", self.rename_selected, "F2")
        self.select_all_action = make_action(view, "Select &All", scene.select_all, Key.SelectAll)
        self.link_action = make_action(
            view,
            "&Link Selected",
            view.link_selection,
            "C",
            tip="Connect the two selected nodes, or make the lower of two steps wait for the upper",
        )
        for action in self._canvas_only():
            view.addAction(action)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.zoom_in_action = make_action(view, "Zoom &In", view.zoom_in, Key.ZoomIn, "zoom-in")
        self.zoom_out_action = make_action(
            view, "Zoom &Out", view.zoom_out, Key.ZoomOut, "zoom-out"
        )
        self.zoom_fit_action = make_action(view, "&Fit to Window", view.fit, "Ctrl+0", "fit")
        self.zoom_actual_action = make_action(
            view, "&Actual Size (100%)", view.zoom_actual, "Ctrl+1"
        )
        self.grid_action = make_action(view, "&Grid", self.set_grid_visible, "Ctrl+'", "grid")
        self.minimap_action = make_action(view, "&Minimap", self.set_minimap_visible, "Ctrl+M")
        for checkable in (self.grid_action, self.minimap_action):
            checkable.setCheckable(True)
            checkable.setChecked(True)
        self.auto_layout_action = make_action(
            view,
            "Auto-&layout",
            self.auto_layout,
            "Ctrl+L",
            "auto-layout",
            "Arrange stages left to right in flow order (undoable)",
        )

    def _canvas_only(self) -> list[QAction]:
        return [
            self.cut_action,
            self.copy_action,
            self.paste_action,
            self.duplicate_action,
            self.delete_action,
            self.rename_action,
            self.link_action,
            self.select_all_action,
        ]

    # --- what the window places -------------------------------------------------------------

    def actions(self) -> list[QAction]:
        """Every action of the canvas, in menu order."""
        return [
            action
            for section in self.menu_sections().values()
            for action in section
            if isinstance(action, QAction)
        ]

    def menu_sections(self) -> dict[str, list[Entry]]:
        """history, clipboard, select (Edit); zoom, show, arrange (View)."""
        return {
            "history": [self.undo_action, self.redo_action],
            "clipboard": self._canvas_only()[:-1],
            "select": [self.select_all_action],
            "zoom": [
                self.zoom_in_action,
                self.zoom_out_action,
                self.zoom_fit_action,
                self.zoom_actual_action,
            ],
            "show": [self.grid_action, self.minimap_action],
            "arrange": [self.auto_layout_action],
        }

    def toolbar_sections(self) -> dict[str, list[QAction]]:
        """history, zoom (out before in, as the icons read) and arrange."""
        return {
            "history": [self.undo_action, self.redo_action],
            "zoom": [self.zoom_out_action, self.zoom_in_action, self.zoom_fit_action],
            "arrange": [self.auto_layout_action, self.grid_action],
        }

    # --- settings ---------------------------------------------------------------------------

    def save_settings(self, settings: QSettings) -> None:
        """Remember whether the grid and the minimap are shown."""
        settings.setValue("view/grid", self.grid_action.isChecked())
        settings.setValue("view/minimap", self.minimap_action.isChecked())

    def restore_settings(self, settings: QSettings) -> None:
        """Show the grid and the minimap as they were last time."""
        grid = settings.value("view/grid", True, type=bool)
        minimap = settings.value("view/minimap", True, type=bool)
        self.grid_action.setChecked(grid)
        self.set_grid_visible(grid)
        self.minimap_action.setChecked(minimap)
        self.set_minimap_visible(minimap)

    # --- edits ------------------------------------------------------------------------------

    def rename_selected(self) -> None:
        """Open the in-place name editor over the one selected element."""
        key = self._selection.single()
        if key is not None:
            self._view.rename_editor.start(key)

    def add_from_palette(self, kind: str) -> str:
        """A palette entry double-clicked (or Entered): add it after the selection.

        A node is appended to the selected node, connected; a step joins the selected stage
        or follows the selected step; with nothing fitting selected, the element goes to the
        middle of the view. The new element is selected, so the next one follows it.
        """
        scene, view = self._scene, self._view
        spot = view.visible_scene_rect().center()
        command, new_id = building.add_after_selection(scene, kind, spot)
        scene.push(command)
        scene.select_keys([new_id])
        item = scene.item_for(new_id)
        if item is not None and not view.visible_scene_rect().contains(item.sceneBoundingRect()):
            view.center_on_key(new_id)
        return new_id

    def auto_layout(self) -> None:
        """Arrange the diagram (one undoable command) and fit it in the window."""
        layout = auto_layout(self._document.definition)
        self._undo_stack.push(SetLayoutCommand(self._document, layout))
        self._view.fit()

    def set_grid_visible(self, visible: bool) -> None:
        self._scene.show_grid = bool(visible)
        self._scene.update()

    def set_minimap_visible(self, visible: bool) -> None:
        self._view.minimap.set_wanted(bool(visible))
