"""The palette: the elements an admin drags onto the canvas, or adds with a double-click.

A drag carries real QMimeData (`PALETTE_MIME` holding the element kind), so the canvas
handles palette drops exactly like any other drop, and tests drive the same handler.
Double-click or Enter on an entry emits `entry_activated(kind)`: the window adds that
element after the selection (no drag needed).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QWidget

from designer.canvas import theme

PALETTE_MIME = "application/x-baton-palette"


@dataclass(frozen=True)
class PaletteEntry:
    """One draggable element kind."""

    kind: str
    label: str
    tooltip: str


ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry("stage", "Stage", "A phase of the process. Its steps run in parallel."),
    PaletteEntry(
        "interactive",
        "Interactive step",
        "Work for a person, group or queue: lands in their inbox.\n"
        "Drop it on a stage, or on the canvas to start a new stage.",
    ),
    PaletteEntry(
        "background",
        "Background step",
        "Runs an action (e.g. send an email) with no person involved.\n"
        "Drop it on a stage, or on the canvas to start a new stage.",
    ),
    PaletteEntry(
        "wait",
        "Wait step",
        "Holds until an event arrives or a timer fires.\n"
        "Drop it on a stage, or on the canvas to start a new stage.",
    ),
    PaletteEntry("decision", "Decision", "Routes to one of several next stages by conditions."),
    PaletteEntry("end", "End", "Reaching it completes the run."),
    PaletteEntry(
        "failed_end",
        "Failed end",
        "An end with the outcome 'failed': the run completes, recorded as failed.\n"
        "Lead a stage's fault route here (select the stage, then ⚡ on its pad).",
    ),
)


def palette_mime(kind: str) -> QMimeData:
    """The mime data a palette drag of `kind` carries."""
    mime = QMimeData()
    mime.setData(PALETTE_MIME, kind.encode())
    return mime


class PalettePanel(QListWidget):
    """A list of element kinds to drag onto the canvas (or double-click, or Enter)."""

    entry_activated = Signal(str)  # the kind of the entry double-clicked or Entered

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.itemActivated.connect(
            lambda item: self.entry_activated.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.setObjectName("palette")
        self.setDragEnabled(True)
        self.setIconSize(QSize(22, 22))
        self.setSpacing(2)
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        # A short window scrolls the list up and down; sideways there is nothing to see,
        # and a horizontal bar would only take a row's height away.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # When the window gets too short for every entry a scroll bar comes, and the labels
        # must not give it their room (at 1024x700 "Background step" read "Background …").
        self.verticalScrollBar().rangeChanged.connect(lambda _low, _high: self._fit_width())
        for entry in ENTRIES:
            item = QListWidgetItem(entry.label)
            item.setToolTip(f"{entry.tooltip}\nDouble-click or Enter: add it after the selection.")
            item.setData(Qt.ItemDataRole.UserRole, entry.kind)
            self.addItem(item)
        self.restyle()

    def restyle(self) -> None:
        """Icons and hover colour for the current palette (light/dark)."""
        self.setStyleSheet(
            # The dock's own colour, not `transparent`: under a style sheet, a transparent
            # list leaves its scroll bar's track unpainted (a black block on screen).
            "QListWidget#palette { border: none; background: palette(window); }"
            "QListWidget#palette::item { padding: 6px 4px; border-radius: 6px; }"
            f"QListWidget#palette::item:hover {{ background: {theme.PALETTE_HOVER}; }}"
            # A picked entry keeps a readable label, focused or not (the platform's inactive
            # selection is white text on light grey).
            f"QListWidget#palette::item:selected {{ background: {theme.PALETTE_HOVER};"
            f" color: {theme.TEXT.name()}; }}"
        )
        for i in range(self.count()):
            item = self.item(i)
            item.setIcon(theme.icon(item.data(Qt.ItemDataRole.UserRole)))
        self._fit_width()

    def width_for_labels(self) -> int:
        """The width at which every label shows whole, beside the vertical scroll bar when
        the list has one."""
        self.ensurePolished()
        scroll_bar = 0
        if self.verticalScrollBar().maximum() > 0:
            scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return self.sizeHintForColumn(0) + scroll_bar + 2 * self.frameWidth() + 2 * self.spacing()

    def _fit_width(self) -> None:
        self.setMinimumWidth(self.width_for_labels())

    def sizeHint(self) -> QSize:
        return QSize(180, 320)  # a narrow column: the canvas gets the room

    def kinds(self) -> list[str]:
        """The element kinds offered, top to bottom."""
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def startDrag(self, supported_actions: Qt.DropAction) -> None:
        item = self.currentItem()
        if item is None:
            return
        drag = QDrag(self)
        drag.setMimeData(palette_mime(item.data(Qt.ItemDataRole.UserRole)))
        drag.setPixmap(item.icon().pixmap(32, 32))
        drag.exec(Qt.DropAction.CopyAction)
        self.clearSelection()  # the entry was a source, not a choice: nothing stays picked
