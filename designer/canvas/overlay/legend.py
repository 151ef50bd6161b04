"""A small legend pinned to a diagram view's corner: status swatches or a colour scale.

It is a widget over the view, not a scene item, so it stays put and legible at any zoom
and never shows up in the diagram's bounds or its exported image.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.canvas import theme

MARGIN = 12
SMALL_VIEW_HEIGHT = 520  # a canvas lower than this starts with its legends folded
_FRAME_STYLE = (
    "#overlay_legend {{ background: {back}; border: 1px solid {line}; border-radius: 8px; }}"
    " QLabel {{ color: {text}; font-size: 11px; }}"
)
_LIGHT = {"back": "rgba(255, 255, 255, 236)", "line": "#d0d4db", "text": "#3c4043"}
_DARK = {"back": "rgba(38, 42, 49, 236)", "line": "#454b55", "text": "#e6e8ec"}


class _Swatch(QWidget):
    def __init__(self, color: str, hatched: bool = False) -> None:
        super().__init__()
        self._color, self._hatched = QColor(color), hatched
        self.setFixedSize(14, 14)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._color)
        pattern = Qt.BrushStyle.BDiagPattern if self._hatched else Qt.BrushStyle.SolidPattern
        painter.setBrush(QBrush(self._color, pattern))
        painter.drawRoundedRect(QRectF(1, 1, 12, 12), 3, 3)


class _ScaleBar(QWidget):
    def __init__(self, stops: list[tuple[float, str]]) -> None:
        super().__init__()
        self._stops = stops
        self.setFixedHeight(12)
        self.setMinimumWidth(160)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        gradient = QLinearGradient(0, 0, self.width(), 0)
        for at, color in self._stops:
            gradient.setColorAt(at, QColor(color))
        painter.setPen(QColor("#c9ced6"))
        painter.setBrush(gradient)
        painter.drawRoundedRect(QRectF(0.5, 0.5, self.width() - 1, self.height() - 1), 4, 4)


class LegendWidget(QFrame):
    """A legend in the bottom-left corner of a view; rebuilt by `show_*`, hidden by `hide`."""

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.setObjectName("overlay_legend")
        self._view = view
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 8, 10, 8)
        self._layout.setSpacing(4)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        # Folded, the legend is its title line only: on a small canvas the rows would
        # cover (or, fitted around, shrink) the diagram. Unfolded by a click on the arrow.
        self.fold_button = QToolButton()
        self.fold_button.setAutoRaise(True)
        self.fold_button.setCheckable(True)
        self.fold_button.setObjectName("legend_fold")
        self.fold_button.toggled.connect(self._folded)
        heading = QHBoxLayout()
        heading.setContentsMargins(0, 0, 0, 0)
        heading.addWidget(self.fold_button)
        heading.addWidget(self.title, 1)
        self._layout.addLayout(heading)
        self._rows: list[QWidget] = []
        self._fold_chosen: bool | None = None  # the user's choice, once they made one
        view.installEventFilter(self)
        self.hide()

    def show_statuses(self, title: str, rows: list[tuple[str, str, bool]]) -> None:
        """Swatch rows of (colour, text, hatched)."""
        self._reset(title)
        # Two columns: half the height over a small canvas.
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(3)
        half = (len(rows) + 1) // 2
        for index, (color, text, hatched) in enumerate(rows):
            line = QHBoxLayout()
            line.setSpacing(6)
            line.addWidget(_Swatch(color, hatched))
            line.addWidget(QLabel(text), 1)
            grid.addLayout(line, index % half, index // half)
        holder = QWidget()
        holder.setLayout(grid)
        self._layout.addWidget(holder)
        self._rows.append(holder)
        self._place()

    def show_scale(
        self, title: str, stops: list[tuple[float, str]], low: str, high: str, note: str = ""
    ) -> None:
        """A colour bar from `low` to `high`, with an optional note underneath."""
        self._reset(title)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(_ScaleBar(stops))
        ends = QHBoxLayout()
        ends.addWidget(QLabel(low))
        ends.addStretch(1)
        ends.addWidget(QLabel(high))
        column.addLayout(ends)
        self._layout.addWidget(box)
        self._rows.append(box)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            label.setFixedWidth(300)  # a fixed width lets the wrapped height be known
            label.setMinimumHeight(label.heightForWidth(300))
            self._layout.addWidget(label)
            self._rows.append(label)
        self._place()

    def restyle(self) -> None:
        """Take the light or dark frame of the current theme (also when the theme changes
        while the legend shows: it stayed white on a dark canvas)."""
        self.setStyleSheet(_FRAME_STYLE.format(**(_DARK if theme.is_dark else _LIGHT)))

    def _reset(self, title: str) -> None:
        self.restyle()
        for row in self._rows:
            self._layout.removeWidget(row)
            row.hide()  # deleted later; hidden now so it neither shows nor takes room
            row.deleteLater()
        self._rows = []
        self.title.setText(title)

    def _add(self, line: QHBoxLayout) -> None:
        holder = QWidget()
        holder.setLayout(line)
        line.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(holder)
        self._rows.append(holder)

    def folded(self) -> bool:
        """Whether only the title line shows."""
        return self.fold_button.isChecked()

    def _folded(self, folded: bool) -> None:
        # The user clicked the arrow: their choice holds for the rest of the session.
        self._fold_chosen = folded
        self._show_arrow(folded)
        self._place()

    def _show_arrow(self, folded: bool) -> None:
        self.fold_button.setArrowType(Qt.ArrowType.RightArrow if folded else Qt.ArrowType.DownArrow)
        self.fold_button.setToolTip("Show the legend" if folded else "Fold the legend")

    def _place(self) -> None:
        self.show()
        if self._fold_chosen is None:  # small canvases start folded, until the user chooses
            fold = self._view.height() < SMALL_VIEW_HEIGHT
            self.fold_button.blockSignals(True)
            self.fold_button.setChecked(fold)
            self.fold_button.blockSignals(False)
            self._show_arrow(fold)
        # Rows added to a legend already on screen are only shown on the next event-loop
        # pass: size to them now, or the frame shrinks to its title and stays that way.
        for row in self._rows:
            row.setVisible(not self.folded())
        self.adjustSize()
        self.move(MARGIN, self._view.height() - self.height() - MARGIN)
        self.raise_()
        self._tell_view()

    def hide_legend(self) -> None:
        """Hide, and let the view use the corner again."""
        if not self.isHidden():
            self.hide()
            self._tell_view()

    def _tell_view(self) -> None:
        # A fitted view makes room for the legend (or takes the room back).
        changed = getattr(self._view, "refit", None)
        if changed is not None:
            changed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Resize and not self.isHidden():
            self.move(MARGIN, self._view.height() - self.height() - MARGIN)
        return False
