"""The main window's actions, menus and toolbar, with standard shortcuts everywhere."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from designer.canvas import theme

if TYPE_CHECKING:
    from designer.main_window import MainWindow

Key = QKeySequence.StandardKey


@dataclass
class WindowActions:
    """Every action of the window, for menus, the toolbar and tests."""

    new: QAction
    open: QAction
    save: QAction
    save_as: QAction
    export_png: QAction
    export_svg: QAction
    export_markdown: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    cut: QAction
    copy: QAction
    paste: QAction
    duplicate: QAction
    delete: QAction
    rename: QAction
    select_all: QAction
    find: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_fit: QAction
    zoom_actual: QAction
    grid: QAction
    minimap: QAction
    auto_layout: QAction
    about: QAction
    shortcuts: QAction
    recent_menu: QMenu


def _action(
    window: MainWindow,
    text: str,
    slot,
    shortcut=None,
    icon: str | None = None,
    tip: str = "",
) -> QAction:
    action = QAction(text, window)
    if icon:
        action.setIcon(theme.icon(icon))
        action.setProperty("icon_name", icon)
    if shortcut is not None:
        if isinstance(shortcut, list):
            action.setShortcuts(shortcut)
        else:
            action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip or text.replace("&", "").rstrip("…"))
    action.triggered.connect(slot)
    window.addAction(action)  # shortcuts work even when menus are hidden
    return action


def build_actions(window: MainWindow) -> WindowActions:
    """Create the actions, fill the menu bar and the toolbar."""
    view = window.view
    stack = window.undo_stack
    undo = stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence(Key.Undo))
    undo.setIcon(theme.icon("undo"))
    undo.setProperty("icon_name", "undo")
    redo = stack.createRedoAction(window, "&Redo")
    redo.setShortcut(QKeySequence(Key.Redo))
    redo.setIcon(theme.icon("redo"))
    redo.setProperty("icon_name", "redo")
    delete_keys = [QKeySequence(Key.Delete), QKeySequence("Backspace")]
    a = WindowActions(
        new=_action(window, "&New", window.new_file, Key.New, "new", "Start a new orchestration"),
        open=_action(window, "&Open…", window.open_dialog, Key.Open, "open"),
        save=_action(window, "&Save", window.save, Key.Save, "save"),
        save_as=_action(window, "Save &As…", window.save_as, Key.SaveAs),
        export_png=_action(window, "PNG image…", window.export_png_dialog),
        export_svg=_action(window, "SVG image…", window.export_svg_dialog),
        export_markdown=_action(
            window,
            "Markdown document…",
            window.export_markdown_dialog,
            tip="A readable process document with the diagram beside it",
        ),
        quit=_action(window, "&Quit", window.close, Key.Quit),
        undo=undo,
        redo=redo,
        cut=_action(window, "Cu&t", window.cut, Key.Cut),
        copy=_action(window, "&Copy", window.copy, Key.Copy),
        paste=_action(window, "&Paste", window.paste, Key.Paste),
        duplicate=_action(window, "D&uplicate", window.duplicate, "Ctrl+D"),
        delete=_action(window, "&Delete", window.delete, delete_keys),
        rename=_action(window, "&Rename", window.rename_selected, "F2"),
        select_all=_action(window, "Select &All", window.select_all, Key.SelectAll),
        find=_action(window, "&Find element…", window.find_element, Key.Find),
        zoom_in=_action(window, "Zoom &In", view.zoom_in, Key.ZoomIn, "zoom-in"),
        zoom_out=_action(window, "Zoom &Out", view.zoom_out, Key.ZoomOut, "zoom-out"),
        zoom_fit=_action(window, "&Fit to Window", view.fit, "Ctrl+0", "fit"),
        zoom_actual=_action(window, "&Actual Size (100%)", view.zoom_actual, "Ctrl+1"),
        grid=_action(window, "&Grid", window.set_grid_visible, "Ctrl+'", "grid"),
        minimap=_action(window, "&Minimap", window.set_minimap_visible, "Ctrl+M"),
        auto_layout=_action(
            window,
            "Auto-&layout",
            window.auto_layout,
            "Ctrl+L",
            "auto-layout",
            "Arrange stages left to right in flow order (undoable)",
        ),
        about=_action(window, "&About Baton", window.show_about),
        shortcuts=_action(window, "&Keyboard Shortcuts", window.show_shortcuts, Key.HelpContents),
        recent_menu=QMenu("Open &Recent", window),
    )
    for checkable, on in ((a.grid, True), (a.minimap, True)):
        checkable.setCheckable(True)
        checkable.setChecked(on)
    # Editing keys act on the canvas only, so Delete in a panel's field never deletes nodes.
    for action in (a.cut, a.copy, a.paste, a.duplicate, a.delete, a.rename, a.select_all):
        window.removeAction(action)
        view.addAction(action)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    _fill_menus(window, a)
    _fill_toolbar(window, a)
    return a


def _fill_menus(window: MainWindow, a: WindowActions) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([a.new, a.open])
    file_menu.addMenu(a.recent_menu)
    file_menu.addSeparator()
    file_menu.addActions([a.save, a.save_as])
    export = file_menu.addMenu("&Export")
    export.addActions([a.export_png, a.export_svg, a.export_markdown])
    file_menu.addSeparator()
    file_menu.addAction(a.quit)
    edit = bar.addMenu("&Edit")
    edit.addActions([a.undo, a.redo])
    edit.addSeparator()
    edit.addActions([a.cut, a.copy, a.paste, a.duplicate, a.delete, a.rename])
    edit.addSeparator()
    edit.addActions([a.select_all, a.find])
    view = bar.addMenu("&View")
    view.addActions([a.zoom_in, a.zoom_out, a.zoom_fit, a.zoom_actual])
    view.addSeparator()
    view.addActions([a.grid, a.minimap])
    view.addSeparator()
    view.addAction(a.auto_layout)
    window.view_menu = view
    help_menu = bar.addMenu("&Help")
    help_menu.addActions([a.shortcuts, a.about])


def _fill_toolbar(window: MainWindow, a: WindowActions) -> None:
    toolbar = QToolBar("Main toolbar", window)
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    toolbar.addActions([a.new, a.open, a.save])
    toolbar.addSeparator()
    toolbar.addActions([a.undo, a.redo])
    toolbar.addSeparator()
    toolbar.addActions([a.zoom_out, a.zoom_in, a.zoom_fit])
    toolbar.addSeparator()
    toolbar.addActions([a.auto_layout, a.grid])
    window.addToolBar(toolbar)


def restyle_actions(actions: WindowActions) -> None:
    """Re-tint the actions' icons for the current palette (light/dark)."""
    for field in fields(actions):
        action = getattr(actions, field.name)
        name = action.property("icon_name") if isinstance(action, QAction) else None
        if name:
            action.setIcon(theme.icon(name))
