"""The canvas look: a calm light palette (and a dark one), fonts and pens, built once.

Green, amber, red and blue are kept for run status (a later overlay); the design-time
canvas uses neutral greys with one violet accent for selection, hover and focus. Pens,
brushes and fonts are created once per palette so `paint()` allocates nothing per frame;
items read them as `theme.NAME` when painting, so `apply(dark=...)` restyles everything.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtSvg import QSvgRenderer

from engine import resources

LIGHT = {
    "background": "#f6f7f9",
    "grid": "#d9dde3",
    "surface": "#ffffff",
    "stage_body": "#fbfbfc",
    "stage_header": "#eef0f4",
    "decision": "#f3f1fb",
    "card_bar": "#dfe3ea",
    "outline": "#c9ced6",
    "text": "#1f2430",
    "muted": "#6b7280",
    "connector": "#8a919c",
    "after": "#9aa1ac",
    "accent": "#6e56cf",
    "hover": "#a394e0",
    "icon": "#475569",
    "shadow": "#0f172a",
    "palette_hover": "#ebe8f8",
}
DARK = {
    "background": "#1b1d22",
    "grid": "#30343c",
    "surface": "#262a31",
    "stage_body": "#22252b",
    "stage_header": "#2c3038",
    "decision": "#2e2a40",
    "card_bar": "#3a3f48",
    "outline": "#454b55",
    "text": "#e6e8ec",
    "muted": "#9aa1ad",
    "connector": "#8d95a1",
    "after": "#7d8591",
    "accent": "#9b87f5",
    "hover": "#7f6cd8",
    "icon": "#c3c9d3",
    "shadow": "#000000",
    "palette_hover": "#2f2a45",
}
ERROR = QColor("#d93f3f")
WARNING = QColor("#d9822b")
REFUSED = QColor("#e05252")
is_dark = False
ICON_COLOR = LIGHT["icon"]


def apply(dark: bool) -> None:
    """Switch every colour, pen and brush to the light or the dark palette."""
    global is_dark
    is_dark = dark
    globals().update(_styles(DARK if dark else LIGHT))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21; 4.5 is the floor for body text)."""

    def luminance(color: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(color.redF())
            + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(base: QColor, over: QColor, alpha: int) -> QColor:
    """`over` painted at opacity `alpha` (0-255) on the opaque `base`."""
    a = alpha / 255
    return QColor.fromRgbF(
        base.redF() * (1 - a) + over.redF() * a,
        base.greenF() * (1 - a) + over.greenF() * a,
        base.blueF() * (1 - a) + over.blueF() * a,
    )


READABLE = 4.5
"""The contrast (WCAG, body text) a card's two lines keep on an overlay's wash."""


def readable_wash_alpha(color: str, tint: int) -> int:
    """The opacity a card's wash of `color` gets: `tint`, or less where the card's name
    would read under `READABLE` on it in the current theme."""
    return _readable_alpha(color, tint, is_dark)


def second_line_color(back: QColor) -> QColor:
    """The colour of a card's muted second line on `back`: muted where it reads, else the
    full text colour (muted grey on a hot red wash would not)."""
    muted = QColor(TEXT_MUTED)  # noqa: F821 - set by apply()
    return muted if contrast(muted, back) >= READABLE else QColor(TEXT)  # noqa: F821


@lru_cache(maxsize=512)
def _readable_alpha(color: str, tint: int, dark: bool) -> int:
    palette = DARK if dark else LIGHT
    surface, wash, text = QColor(palette["surface"]), QColor(color), QColor(palette["text"])
    for alpha in range(tint, -1, -2):
        if contrast(text, blend(surface, wash, alpha)) >= READABLE:
            return alpha
    return 0


def follow_system() -> bool:
    """Use the dark palette when the desktop is dark; returns whether it is."""
    from PySide6.QtGui import QGuiApplication

    hints = QGuiApplication.styleHints()
    dark = hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark
    apply(dark)
    return dark


def _styles(c: dict[str, str]) -> dict[str, object]:
    color = {role: QColor(value) for role, value in c.items()}
    accent, hover, text = color["accent"], color["hover"], color["text"]
    shadow = QColor(color["shadow"])
    soft_shadow, lift_shadow = QColor(shadow), QColor(shadow)
    soft_shadow.setAlpha(16 if c is LIGHT else 70)
    lift_shadow.setAlpha(40 if c is LIGHT else 110)
    round_cap = (Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    styles: dict[str, object] = {
        "BACKGROUND": color["background"],
        "GRID_DOT": color["grid"],
        "SURFACE": color["surface"],
        "OUTLINE": color["outline"],
        "TEXT": text,
        "TEXT_MUTED": color["muted"],
        "ACCENT": accent,
        "ICON_COLOR": c["icon"],
        "PALETTE_HOVER": c["palette_hover"],
        "OUTLINE_PEN": QPen(color["outline"], 1.0),
        "HOVER_PEN": QPen(hover, 1.5),
        "SELECTED_PEN": QPen(accent, 2.0),
        "CONNECTOR_PEN": QPen(color["connector"], 1.6, *round_cap),
        "CONNECTOR_SELECTED_PEN": QPen(accent, 2.4, *round_cap),
        "CONNECTOR_HOVER_PEN": QPen(hover, 2.2, *round_cap),
        "AFTER_PEN": QPen(color["after"], 1.3, *round_cap),
        "END_PEN": QPen(text, 3.0),
        "PREVIEW_PEN": QPen(accent, 1.6, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap),
        "REFUSED_PEN": QPen(REFUSED, 2.0, Qt.PenStyle.DashLine),
        # Fault routes: dashed and red, so the unhappy path reads apart from the others.
        "FAULT_PEN": QPen(ERROR, 1.8, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap),
        "FAULT_SELECTED_PEN": QPen(ERROR, 2.6, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap),
        "NO_PEN": QPen(Qt.PenStyle.NoPen),
        "INSERT_PEN": QPen(accent, 2.5, *round_cap),
        "TEXT_PEN": QPen(text),
        "MUTED_PEN": QPen(color["muted"]),
        "WHITE_PEN": QPen(color["surface"], 1.6),
        "SURFACE_BRUSH": QBrush(color["surface"]),
        "STAGE_BODY_BRUSH": QBrush(color["stage_body"]),
        "STAGE_HEADER_BRUSH": QBrush(color["stage_header"]),
        "DECISION_BRUSH": QBrush(color["decision"]),
        "CARD_BAR_BRUSH": QBrush(color["card_bar"]),
        "CONNECTOR_BRUSH": QBrush(color["connector"]),
        "AFTER_BRUSH": QBrush(color["after"]),
        "ACCENT_BRUSH": QBrush(accent),
        "HOVER_BRUSH": QBrush(hover),
        "SHADOW_BRUSH": QBrush(soft_shadow),
        "LIFT_SHADOW_BRUSH": QBrush(lift_shadow),
        "ERROR_BRUSH": QBrush(ERROR),
        "WARNING_BRUSH": QBrush(WARNING),
    }
    # Borders and connectors keep their pixel width at every zoom level: crisp up close,
    # still visible on a fitted view of thousands of steps.
    for name in (
        "OUTLINE_PEN",
        "CONNECTOR_PEN",
        "CONNECTOR_HOVER_PEN",
        "CONNECTOR_SELECTED_PEN",
        "FAULT_PEN",
        "FAULT_SELECTED_PEN",
    ):
        styles[name].setCosmetic(True)  # type: ignore[attr-defined]
    return styles


apply(False)


_forgetters: list[Callable[[], None]] = []


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


def grid_brush(spacing: int) -> QBrush:
    """The canvas grid: one tile with one dot that Qt repeats (no drawing call per dot)."""
    tile = QPixmap(spacing, spacing)
    tile.fill(Qt.GlobalColor.transparent)
    painter = QPainter(tile)
    painter.setPen(GRID_DOT)  # noqa: F821 - set by apply()
    painter.drawPoints([QPointF(0, 0), QPointF(1, 0), QPointF(0, 1), QPointF(1, 1)])
    painter.end()
    return QBrush(tile)


def icon_path(name: str) -> Path | None:
    """The SVG file of an icon in resources/icons/, or None when it is not installed."""
    return resources.icon_path(name)


def _svg(name: str, color: str) -> QByteArray:
    # A missing icon draws nothing rather than raising: this runs inside paint(), and an
    # exception there, inside QGraphicsScene.render(), takes the whole process down.
    path = icon_path(name)
    if path is None:
        return QByteArray()
    # The icons are drawn in one slate colour; recolour them for the current palette.
    text = path.read_text(encoding="utf-8").replace("#475569", color)
    return QByteArray(text.encode())


def icon(name: str) -> QIcon:
    """A QIcon from resources/icons/ for menus, toolbars and the palette.

    Widgets follow the application's palette, not the canvas: the icon is tinted for
    whichever the widgets actually use, so it stays visible on either.
    """
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    dark_widgets = app is not None and QGuiApplication.palette().window().color().lightness() < 128
    return _icon(name, (DARK if dark_widgets else LIGHT)["icon"])


@cache
def _icon(name: str, color: str) -> QIcon:
    result = QIcon()
    for size in (16, 22, 24, 32, 48):
        result.addPixmap(_render(name, size, 1.0, color))
    return result


def icon_pixmap(name: str, size: int, device_ratio: float = 2.0) -> QPixmap:
    """An SVG icon rendered once at a size (drawn by step cards without re-rendering)."""
    return _render(name, size, device_ratio, ICON_COLOR)


@cache
def _render(name: str, size: int, device_ratio: float, color: str) -> QPixmap:
    pixels = int(size * device_ratio)
    pixmap = QPixmap(QSize(pixels, pixels))
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(_svg(name, color))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap.setDevicePixelRatio(device_ratio)
    return pixmap


def forget_rendered() -> None:
    """Drop cached pixmaps, icons and fonts.

    Called at exit: a QPixmap or font metrics object destroyed after the QApplication
    crashes the interpreter on its way out.
    """
    _render.cache_clear()
    _icon.cache_clear()
    font.cache_clear()
    for forget in _forgetters:
        forget()


def on_forget(forget: Callable[[], None]) -> None:
    """Have `forget_rendered` also drop a cache kept elsewhere (the items' font metrics)."""
    _forgetters.append(forget)


atexit.register(forget_rendered)
