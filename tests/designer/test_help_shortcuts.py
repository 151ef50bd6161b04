"""F1 lists every shortcut of every menu, the Run menu's included (bug 19.5)."""

from __future__ import annotations

from gui import open_window


def test_the_shortcut_list_names_the_run_menu_and_canvas_keys(qtbot, tmp_path, dialogs):
    # Given a window
    window = open_window(qtbot, tmp_path)

    # When Help ▸ Keyboard Shortcuts (F1) is opened
    window.help.shortcuts_action.trigger()

    # Then the Run menu's shortcuts are listed with the others
    kind, text = dialogs[-1]
    assert kind == "information"
    for what, keys in (
        ("Start run…", "Ctrl+R"),
        ("Activate", "Ctrl+Shift+A"),
        ("Simulate…", "Ctrl+Shift+M"),
        ("Runs", "Ctrl+Shift+R"),
        ("Link Selected", "C"),
        ("Undo", "Ctrl+Z"),
    ):
        assert f"<td>{what}</td><td><b>{keys}</b></td>" in text, what
