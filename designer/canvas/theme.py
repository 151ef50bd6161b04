"""The canvas look: one calm light palette, fonts and pens, built once and shared.

Green, amber, red and blue are kept for run status (a later overlay); the design-time
canvas uses neutral greys with one violet accent for selection, hover and focus. Pens,
brushes and fonts are created here once so `paint()` allocates nothing per frame.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"

BACKGROUND = QColor("#f6f7f9")
GRID_DOT = QColor("#d9dde3")
SURFACE = QColor("#ffffff")
STAGE_BODY = QColor("#fbfbfc")
STAGE_HEADER = QColor("#eef0f4")
OUTLINE = QColor("#c9ced6")
TEXT = QColor("#1f2430")
TEXT_MUTED = QColor("#6b7280")
CONNECTOR = QColor("#8a919c")
ACCENT = QColor("#6e56cf")
ACCENT_SOFT = QColor(110, 86, 207, 40)
HOVER = QColor("#a394e0")
ERROR = QColor("#d93f3f")
WARNING = QColor("#d9822b")
REFUSED = QColor("#d93f3f")

# Pens and brushes used by paint(); cosmetic pens keep 1 px lines at every zoom level.
OUTLINE_PEN = QPen(OUTLINE, 1.0)
HOVER_PEN = QPen(HOVER, 1.5)
SELECTED_PEN = QPen(ACCENT, 2.0)
CONNECTOR_PEN = QPen(CONNECTOR, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
CONNECTOR_SELECTED_PEN = QPen(ACCENT, 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
CONNECTOR_HOVER_PEN = QPen(HOVER, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
AFTER_PEN = QPen(QColor("#9aa1ac"), 1.3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
END_PEN = QPen(TEXT, 3.0)
PREVIEW_PEN = QPen(ACCENT, 1.6, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
REFUSED_PEN = QPen(REFUSED, 2.0, Qt.PenStyle.DashLine)
NO_PEN = QPen(Qt.PenStyle.NoPen)
# Borders and connectors keep their pixel width at every zoom level: crisp up close,
# still visible on a fitted view of thousands of steps.
for _pen in (OUTLINE_PEN, CONNECTOR_PEN, CONNECTOR_HOVER_PEN, CONNECTOR_SELECTED_PEN):
    _pen.setCosmetic(True)
INSERT_PEN = QPen(ACCENT, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)

SURFACE_BRUSH = QBrush(SURFACE)
STAGE_BODY_BRUSH = QBrush(STAGE_BODY)
STAGE_HEADER_BRUSH = QBrush(STAGE_HEADER)
CONNECTOR_BRUSH = QBrush(CONNECTOR)
ACCENT_BRUSH = QBrush(ACCENT)
ACCENT_SOFT_BRUSH = QBrush(ACCENT_SOFT)
LABEL_BRUSH = QBrush(QColor(246, 247, 249, 230))
ERROR_BRUSH = QBrush(ERROR)
DECISION_BRUSH = QBrush(QColor("#f3f1fb"))
CARD_BAR_BRUSH = QBrush(QColor("#dfe3ea"))
SHADOW_BRUSH = QBrush(QColor(15, 23, 42, 16))
AFTER_BRUSH = QBrush(QColor("#9aa1ac"))
WARNING_BRUSH = QBrush(WARNING)
TEXT_PEN = QPen(TEXT)
MUTED_PEN = QPen(TEXT_MUTED)
WHITE_PEN = QPen(QColor("#ffffff"), 1.6)


@cache
def font(point_size: float = 9.5, bold: bool = False) -> QFont:
    """The canvas font at a size; cached so items share one QFont per style."""
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f


TITLE_FONT_ARGS = (10.0, True)
BODY_FONT_ARGS = (9.5, False)
SMALL_FONT_ARGS = (8.5, False)


def icon_path(name: str) -> Path:
    """The SVG file of an icon in resources/icons/."""
    return ICON_DIR / f"{name}.svg"


@cache
def icon(name: str) -> QIcon:
    """A QIcon from resources/icons/ for menus, toolbars and the palette."""
    return QIcon(str(icon_path(name)))


@cache
def icon_pixmap(name: str, size: int, device_ratio: float = 2.0) -> QPixmap:
    """An SVG icon rendered once at a size (drawn by step cards without re-rendering)."""
    pixels = int(size * device_ratio)
    pixmap = QPixmap(QSize(pixels, pixels))
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(str(icon_path(name)))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap.setDevicePixelRatio(device_ratio)
    return pixmap


HOVER_BRUSH = QBrush(HOVER)
