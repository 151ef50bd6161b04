"""Small drawn icons for element kinds and severities, shared by the panels and dialogs.

Drawn rather than loaded so the panels look the same before `resources/icons` exists; the
colours follow the canvas' calm palette and never use the run-status colours.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

KIND_COLOURS = {
    "orchestration": "#475569",
    "start": "#15803d",
    "end": "#334155",
    "stage": "#2563eb",
    "decision": "#b45309",
    "interactive": "#7c3aed",
    "background": "#0f766e",
    "wait": "#be185d",
    "flow": "#64748b",
}
_GLYPHS = {"interactive": "U", "background": "A", "wait": "W", "orchestration": "O"}
SEVERITY_COLOURS = {"error": "#dc2626", "warning": "#d97706"}

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
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


@functools.cache
def kind_icon(kind: str, size: int = 16) -> QIcon:
    """The icon of an element kind (`stage`, `interactive`, ... or `orchestration`)."""
    colour = QColor(KIND_COLOURS.get(kind, "#64748b"))
    pixmap, painter = _canvas(size)
    box = QRectF(1.5, 1.5, size - 3, size - 3)
    painter.setPen(QPen(colour, 1.6))
    if kind == "start":
        painter.drawEllipse(box)
    elif kind == "end":
        painter.setPen(QPen(colour, 3.0))
        painter.drawEllipse(box.adjusted(1, 1, -1, -1))
    elif kind == "decision":
        c = box.center()
        half = box.width() / 2
        painter.setBrush(colour.lighter(185))
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(c.x(), c.y() - half),
                    QPointF(c.x() + half, c.y()),
                    QPointF(c.x(), c.y() + half),
                    QPointF(c.x() - half, c.y()),
                ]
            )
        )
    elif kind == "stage":
        painter.setBrush(colour.lighter(190))
        painter.drawRoundedRect(box, 2.5, 2.5)
        painter.drawLine(
            QPointF(box.left(), box.top() + 4.5), QPointF(box.right(), box.top() + 4.5)
        )
    elif kind == "flow":
        path = QPainterPath(QPointF(box.left(), box.center().y()))
        path.lineTo(box.right() - 1, box.center().y())
        painter.drawPath(path)
        tip = box.right()
        painter.setBrush(colour)
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(tip, box.center().y()),
                    QPointF(tip - 5, box.center().y() - 3.5),
                    QPointF(tip - 5, box.center().y() + 3.5),
                ]
            )
        )
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(box, 3.5, 3.5)
        font = QFont()
        font.setPixelSize(int(size * 0.62))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, _GLYPHS.get(kind, "?"))
    painter.end()
    return QIcon(pixmap)


@functools.cache
def severity_icon(severity: str, size: int = 16) -> QIcon:
    """A red disc with `!` for errors, an amber triangle with `!` for warnings."""
    colour = QColor(SEVERITY_COLOURS.get(severity, "#64748b"))
    pixmap, painter = _canvas(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    box = QRectF(1, 1, size - 2, size - 2)
    if severity == "warning":
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(box.center().x(), box.top()),
                    QPointF(box.right(), box.bottom()),
                    QPointF(box.left(), box.bottom()),
                ]
            )
        )
        text_box = box.adjusted(0, 3, 0, 0)
    else:
        painter.drawEllipse(box)
        text_box = box
    font = QFont()
    font.setPixelSize(int(size * 0.7))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(text_box, Qt.AlignmentFlag.AlignCenter, "!")
    painter.end()
    return QIcon(pixmap)
