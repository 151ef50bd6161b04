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
