"""Icons for element kinds and severities, shared by the panels and the find dialog.

The canvas' SVG icons in `resources/icons/` (`stage.svg`, `error.svg`, ...) are used when
present, so the palette, canvas, inspector and problems list show the same pictures. For a
kind without an SVG (flows) or a checkout without the icons, a drawn line icon in the same
calm slate style stands in.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtSvg import QSvgRenderer

from engine.resources import icon_path

INK = QColor("#475569")
ACCENT = QColor("#6e56cf")
SEVERITY_COLOURS = {"error": "#d93f3f", "warning": "#d9822b"}
_SVG_NAMES = {"orchestration": "baton"}

KIND_LABELS = {
    "orchestration": "Orchestration",
    "start": "Start",
    "end": "End",
    "stage": "Stage",
    "decision": "Decision",
    "interactive": "Interactive step",
    "background": "Background step",
    "wait": "Wait step",
    "flow": "Flow",
}


def _canvas(size: int) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size * 2 / 24, size * 2 / 24)  # draw on the SVGs' 24-unit grid
    return pixmap, painter


def _done(pixmap: QPixmap, painter: QPainter) -> QIcon:
    painter.end()
    pixmap.setDevicePixelRatio(2.0)
    return QIcon(pixmap)


def _from_svg(name: str, size: int) -> QIcon | None:
    path = icon_path(name)
    if path is None:
        return None
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        return None
    pixmap, painter = _canvas(size)
    renderer.render(painter, QRectF(0, 0, 24, 24))
    return _done(pixmap, painter)


@functools.cache
def kind_icon(kind: str, size: int = 16) -> QIcon:
    """The icon of an element kind (`stage`, `interactive`, ... `flow`, `orchestration`)."""
    icon = _from_svg(_SVG_NAMES.get(kind, kind), size)
    if icon is not None:
        return icon
    pixmap, painter = _canvas(size)
    painter.setPen(QPen(INK, 1.7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    _draw_kind(painter, kind)
    return _done(pixmap, painter)


def _draw_kind(painter: QPainter, kind: str) -> None:
    if kind == "start":
        painter.drawEllipse(QPointF(12, 12), 8, 8)
    elif kind == "end":
        painter.setPen(QPen(INK, 3.2))
        painter.drawEllipse(QPointF(12, 12), 7.5, 7.5)
    elif kind == "stage":
        painter.drawRoundedRect(QRectF(3.5, 4.5, 17, 15), 2.5, 2.5)
        painter.drawLine(QPointF(3.5, 9), QPointF(20.5, 9))
    elif kind == "decision":
        points = [QPointF(12, 3), QPointF(21, 12), QPointF(12, 21), QPointF(3, 12)]
        painter.drawPolygon(QPolygonF(points))
    elif kind == "interactive":
        painter.drawEllipse(QPointF(12, 8), 3.6, 3.6)
        path = QPainterPath(QPointF(4.5, 20))
        path.cubicTo(QPointF(5.5, 15.5), QPointF(18.5, 15.5), QPointF(19.5, 20))
        painter.drawPath(path)
    elif kind == "background":
        painter.drawEllipse(QPointF(12, 12), 3.2, 3.2)
        for angle in range(0, 360, 60):
            painter.save()
            painter.translate(12, 12)
            painter.rotate(angle)
            painter.drawLine(QPointF(0, -6.5), QPointF(0, -9))
            painter.restore()
    elif kind == "wait":
        painter.drawEllipse(QPointF(12, 12), 8.5, 8.5)
        painter.drawPolyline(QPolygonF([QPointF(12, 7), QPointF(12, 12), QPointF(15.5, 14)]))
    elif kind == "orchestration":
        painter.setPen(QPen(INK, 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(5, 19), QPointF(17.5, 6.5))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ACCENT)
        painter.drawEllipse(QPointF(18.5, 5.5), 2.3, 2.3)
    else:  # a flow
        painter.drawLine(QPointF(3, 12), QPointF(19, 12))
        painter.drawPolyline(
            QPolygonF([QPointF(14.5, 7.5), QPointF(19.5, 12), QPointF(14.5, 16.5)])
        )


@functools.cache
def severity_icon(severity: str, size: int = 16) -> QIcon:
    """A red disc with `!` for errors, an amber triangle with `!` for warnings."""
    icon = _from_svg(severity, size)
    if icon is not None:
        return icon
    colour = QColor(SEVERITY_COLOURS.get(severity, "#64748b"))
    pixmap, painter = _canvas(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    if severity == "warning":
        painter.drawPolygon(QPolygonF([QPointF(12, 2.5), QPointF(22, 20.5), QPointF(2, 20.5)]))
        top, dot = 9.0, 17.3
    else:
        painter.drawEllipse(QPointF(12, 12), 9, 9)
        top, dot = 7.0, 16.5
    painter.setPen(QPen(QColor("white"), 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawLine(QPointF(12, top), QPointF(12, dot - 3.5))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("white"))
    painter.drawEllipse(QPointF(12, dot), 1.2, 1.2)
    return _done(pixmap, painter)
