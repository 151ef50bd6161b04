"""View ▸ Theme applies to the whole window, panels included, and is remembered."""

from __future__ import annotations

from gui import open_window
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from designer.canvas import theme
from designer.window import MainWindow


def _window_is_dark(window: MainWindow) -> bool:
    color = window.panels.inspector.palette().color(QPalette.ColorRole.Window)
    return color.lightness() < 100


def test_choosing_dark_darkens_the_panels_and_the_canvas_and_is_remembered(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    try:
        # When the admin picks View ▸ Theme ▸ Dark
        window.appearance.theme_actions["dark"].trigger()
        QApplication.processEvents()

        # Then the inspector panel and the canvas are both dark
        assert theme.is_dark
        assert _window_is_dark(window)

        # And a new window (next session) starts dark
        window.close()
        again = MainWindow(recovery_dir=tmp_path / "recovery")
        qtbot.addWidget(again)
        assert again.appearance.choice == "dark" and theme.is_dark

        # When Light is picked, everything is light again
        again.appearance.theme_actions["light"].trigger()
        QApplication.processEvents()
        assert not theme.is_dark and not _window_is_dark(again)
    finally:
        QApplication.styleHints().unsetColorScheme()
        theme.apply(False)


def _contrast(a, b) -> float:
    """WCAG contrast ratio of two colours (1 to 21; 4.5 is the floor for body text)."""

    def luminance(color) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(color.redF())
            + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_a_selected_row_is_readable_in_both_themes():
    from designer.window.appearance import window_palette

    role = QPalette.ColorRole
    for dark in (False, True):
        palette = window_palette(dark)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            text = palette.color(group, role.HighlightedText)
            back = palette.color(group, role.Highlight)
            assert _contrast(text, back) >= 4.5, (dark, group)


def test_switching_theme_with_the_inbox_and_history_open_restyles_them(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    try:
        # Given the inbox and the history open in the light theme
        window.appearance.use("light")
        window.live.show_dock("inbox")
        window.live.show_dock("history")
        QApplication.processEvents()
        inbox_list, title = window.live.inbox.list, window.live.history.title

        # When the admin switches to Dark
        window.appearance.theme_actions["dark"].trigger()
        QApplication.processEvents()

        # Then the list (a widget with its own style sheet) is dark too, its selection
        # readable, and the history's bold title light on the dark panel
        list_palette = inbox_list.palette()
        assert list_palette.color(QPalette.ColorRole.Base).lightness() < 100
        selected = (
            list_palette.color(QPalette.ColorRole.HighlightedText),
            list_palette.color(QPalette.ColorRole.Highlight),
        )
        assert _contrast(*selected) >= 4.5
        assert title.palette().color(QPalette.ColorRole.WindowText).lightness() > 150

        # And back in Light, the list is light again
        window.appearance.theme_actions["light"].trigger()
        QApplication.processEvents()
        assert inbox_list.palette().color(QPalette.ColorRole.Base).lightness() > 200
    finally:
        window.live.close()
        QApplication.styleHints().unsetColorScheme()
        theme.apply(False)


def test_a_legend_on_the_canvas_follows_a_theme_switch(qtbot, tmp_path):
    from designer.canvas.overlay.legend import LegendWidget

    window = open_window(qtbot, tmp_path)
    try:
        # Given a run's legend showing on the light canvas
        window.appearance.use("light")
        legend = LegendWidget(window.view)
        legend.show_statuses("Ada · Employee onboarding", [("Completed", "#188038", False)])
        QApplication.processEvents()

        # When the admin switches to Dark, its frame is dark (it stayed white before)
        window.appearance.theme_actions["dark"].trigger()
        QApplication.processEvents()
        picture = legend.grab().toImage()
        middle = picture.pixelColor(picture.width() - 6, picture.height() // 2)
        assert middle.lightness() < 100
    finally:
        QApplication.styleHints().unsetColorScheme()
        theme.apply(False)


def test_overdue_text_in_the_lists_reads_in_both_themes(qtbot, tmp_path):
    from designer.runs.formatting import overdue_text_color

    window = open_window(qtbot, tmp_path)
    try:
        for name in ("light", "dark"):
            # Given the window in each theme
            window.appearance.theme_actions[name].trigger()
            QApplication.processEvents()
            window.live.show_dock("inbox")
            QApplication.processEvents()
            palette = window.live.inbox.list.palette()

            # Then overdue text (inbox rows, the runs' stuck column) reads at 4.5:1 or better
            # on the list's rows, plain and alternate (red on the dark list was 3.5:1)
            for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
                ratio = theme.contrast(overdue_text_color(), palette.color(role))
                assert ratio >= 4.5, (name, role, ratio)
    finally:
        window.live.close()
        QApplication.styleHints().unsetColorScheme()
        theme.apply(False)
