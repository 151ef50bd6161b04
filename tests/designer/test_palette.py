"""The palette stays readable after it was used as a drag source."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLineEdit, QWidget

from designer.canvas.palette import PalettePanel


def test_an_entry_dragged_from_keeps_a_dark_label_once_focus_moves_on(qtbot, monkeypatch):
    # Given the palette beside a text field, in a shown window
    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    palette, field = PalettePanel(), QLineEdit()
    row.addWidget(palette)
    row.addWidget(field)
    window.show()
    # A drag needs a real pointer and display: let it end at once, as a completed drop does.
    monkeypatch.setattr(QDrag, "exec", lambda self, *args: Qt.DropAction.CopyAction)

    # When an entry is pressed and dragged, and the focus then moves elsewhere
    entry = palette.item(1)
    palette.setCurrentItem(entry)
    palette.startDrag(Qt.DropAction.CopyAction)
    field.setFocus()
    QApplication.processEvents()

    # Then its label is still drawn dark on the light panel
    image = window.grab().toImage()
    offset = palette.viewport().mapTo(window, palette.viewport().rect().topLeft())
    rect = palette.visualItemRect(entry).translated(offset)
    darkest = min(
        image.pixelColor(x, y).lightness()
        for x in range(rect.left() + 40, rect.right())
        for y in range(rect.top(), rect.bottom())
    )
    assert darkest < 120


def _short_window(qtbot, dark: bool):
    """A 1024x700 window whose bottom dock takes half the height: the palette scrolls."""
    from designer.window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    window.appearance.use("dark" if dark else "light")
    qtbot.wait(50)  # the first show sizes the docks for a small screen (palette 150 wide)
    window.problems_dock.show()
    window.resizeDocks([window.problems_dock], [350], Qt.Orientation.Vertical)
    qtbot.wait(50)
    return window


def test_at_1024_by_700_every_palette_label_shows_whole_beside_its_scroll_bar(qtbot):
    # Given a short window (the palette has less height than its entries need)
    window = _short_window(qtbot, dark=False)
    palette = window.palette
    assert palette.verticalScrollBar().isVisible()

    # Then no label is cut ("Background step" read "Background …") and no sideways bar shows
    assert palette.viewport().width() >= palette.sizeHintForColumn(0)
    assert not palette.horizontalScrollBar().isVisible()


def test_the_palette_scroll_bar_track_is_painted_not_black_in_both_themes(qtbot):
    for dark in (False, True):
        # Given the scrolling palette of a short window
        window = _short_window(qtbot, dark)
        bar = window.palette.verticalScrollBar()
        assert bar.isVisible()

        # Then its track is the theme's colour: no black block below the handle
        image = bar.grab().toImage()
        black = sum(
            image.pixelColor(x, y).lightness() < 8
            for x in range(image.width())
            for y in range(image.height())
        )
        assert black < image.width() * image.height() // 20, ("dark" if dark else "light", black)
        window.close()
