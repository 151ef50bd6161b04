"""A minimap in the canvas corner: the whole diagram small, the visible part framed.

The diagram is drawn small into a pixmap only after the document changes (debounced), so
panning costs one pixmap blit plus a rectangle: a small diagram rendered as it is, a big
one as a miniature of shapes and connectors (designer/canvas/miniature.py). Click or drag
in it to move the view.

It shows only when it helps: when the user wants it (View ▸ Minimap, remembered by the
window) and the diagram does not fit in the view. A small canvas showing everything keeps
all its room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from designer.canvas import theme
from designer.canvas.miniature import draw_miniature

if TYPE_CHECKING:
    from designer.canvas.view import DiagramView

SIZE = (200, 130)
MARGIN = 12
# Up to this many items (nodes, cards, flows) the overview is the scene itself, rendered
# small (a few milliseconds); past it a miniature of shapes and connectors is drawn
# instead: rendering 20,000 cards took seconds, and at that scale their names are dust.
RENDER_LIMIT = 400


class MinimapWidget(QWidget):
    """An overview of the scene drawn over the view's bottom-right corner."""

    def __init__(self, view: DiagramView) -> None:
        super().__init__(view)
        self._view = view
        self._pixmap = QPixmap()
        self._source = QRectF()
        self._target = QRectF()
        self.resize(*SIZE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the view")
        self._timer = QTimer(self, singleShot=True, interval=400)
        self._timer.timeout.connect(self.refresh)
        view.diagram.document_changed.connect(self._schedule)
        self._frame_pen = QPen(theme.ACCENT, 1.5)
        self._border_pen = QPen(theme.OUTLINE, 1.0)
        self.wanted = True  # the user's choice; shown only when the diagram does not fit
        self.hide()  # until the view knows whether the diagram fits

    def set_wanted(self, wanted: bool) -> None:
        """The user's choice (View ▸ Minimap): shown when wanted and the diagram overflows."""
        self.wanted = bool(wanted)
        self.follow_view()

    def follow_view(self) -> None:
        """Show or hide as the view's zoom, scroll, size or the diagram changed."""
        shown = self.wanted and not self._diagram_fits()
        if shown == self.isHidden():
            self.setVisible(shown)

    def _diagram_fits(self) -> bool:
        bounds = self._view.diagram.diagram_bounds()
        return bounds.isNull() or self._view.visible_scene_rect().contains(bounds)

    def _schedule(self) -> None:
        self.follow_view()
        if self.isVisible():
            self._timer.start()

    def is_pending(self) -> bool:
        """Whether a redraw of the overview is waiting for its debounce delay."""
        return self._timer.isActive()

    def place(self) -> None:
        """Keep to the bottom-right corner of the viewport."""
        viewport = self._view.viewport().geometry()
        self.move(viewport.right() - SIZE[0] - MARGIN, viewport.bottom() - SIZE[1] - MARGIN)

    def refresh(self) -> None:
        """Re-render the diagram into the overview pixmap."""
        bounds = self._view.diagram.diagram_bounds().adjusted(-40, -40, 40, 40)
        self._source = bounds
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int(SIZE[0] * ratio), int(SIZE[1] * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(theme.SURFACE)
        if not bounds.isNull():
            scale = min(SIZE[0] / bounds.width(), SIZE[1] / bounds.height())
            w, h = bounds.width() * scale, bounds.height() * scale
            self._target = QRectF((SIZE[0] - w) / 2, (SIZE[1] - h) / 2, w, h)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            diagram = self._view.diagram
            if sum(diagram.counts()) <= RENDER_LIMIT:
                # Small enough to ask every item to paint: names stay (tiny, but a help).
                show_grid, diagram.show_grid = diagram.show_grid, False
                diagram.render(painter, self._target, bounds)
                diagram.show_grid = show_grid
            else:
                painter.translate(self._target.x(), self._target.y())
                painter.scale(scale, scale)
                painter.translate(-bounds.x(), -bounds.y())
                draw_miniature(painter, diagram.node_items(), diagram.flow_items(), scale)
            painter.end()
        self._pixmap = pixmap
        self.update()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.place()
        self.refresh()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawPixmap(0, 0, self._pixmap)
        painter.setPen(self._border_pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(0.5, 0.5, SIZE[0] - 1, SIZE[1] - 1), 6, 6)
        if not self._source.isNull():
            visible = self._to_map(self._view.visible_scene_rect())
            if visible.contains(self._target):
                return  # the whole diagram is in view: a frame around everything says nothing
            frame = visible.intersected(QRectF(1, 1, SIZE[0] - 2, SIZE[1] - 2))
            painter.setPen(self._frame_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(frame.adjusted(1, 1, -1, -1), 3, 3)

    def _to_map(self, rect: QRectF) -> QRectF:
        sx = self._target.width() / self._source.width()
        sy = self._target.height() / self._source.height()
        return QRectF(
            self._target.x() + (rect.x() - self._source.x()) * sx,
            self._target.y() + (rect.y() - self._source.y()) * sy,
            rect.width() * sx,
            rect.height() * sy,
        )

    def _to_scene(self, point: QPointF) -> QPointF:
        sx = self._source.width() / max(self._target.width(), 1e-6)
        sy = self._source.height() / max(self._target.height(), 1e-6)
        return QPointF(
            self._source.x() + (point.x() - self._target.x()) * sx,
            self._source.y() + (point.y() - self._target.y()) * sy,
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._view.centerOn(self._to_scene(event.position()))
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._view.centerOn(self._to_scene(event.position()))
        event.accept()
