"""Stages as containers: a header (name, step count) and the steps stacked as cards.

`after` links between cards of a stage are drawn by the stage in its left gutter, as small
arrows from the earlier card to the card that waits for it.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from designer.canvas import geometry, theme
from designer.canvas.items.base import (
    BADGE_RADIUS,
    TEXT_LOD,
    CachedText,
    DiagramItem,
    level_of_detail,
)
from designer.canvas.items.legible import LegibleName, Painted
from designer.canvas.items.nodes import NodeItem
from designer.document import Document
from engine.definition import AnyNode, AnyStep, StageNode

RADIUS = 9.0
CARD_RADIUS = 6.0
NAME_LEFT = 26.0  # where an enlarged step name starts, right of the type icon
BADGE_REACH = BADGE_RADIUS + 2  # how far a problem badge reaches past the corner
ICON = 18.0
SMALL_ICON = 16.0  # beside an enlarged name
OVERVIEW_MIN_PX = 6.0  # smaller than this, a name over the card bars is noise: left out


class StageItem(NodeItem):
    """A stage node; its step cards are child items laid out top to bottom."""

    def __init__(self, node_id: str) -> None:
        super().__init__(node_id)
        self.width = geometry.STAGE_WIDTH
        self.anchor_y = geometry.STAGE_HEADER / 2
        self.cards: list[StepCardItem] = []
        self.insert_marker: int | None = None  # index shown while a step is dragged over
        self._title = LegibleName(theme.TITLE_FONT_ARGS)
        # A long name gives up the step count, then takes two lines of the header.
        self._title_wrapped = LegibleName(theme.TITLE_FONT_ARGS)
        self._title_room = "count"  # "count": one line beside it; "line"; "two lines"
        # Zoomed out so far that cards are bars, the name spreads over the whole stage.
        self._overview_title = LegibleName(theme.TITLE_FONT_ARGS)
        self._count = CachedText(theme.SMALL_FONT_ARGS)
        self._hint = CachedText(theme.SMALL_FONT_ARGS)
        self._hint.set("Drop steps here", geometry.STAGE_WIDTH)
        self._after_path = QPainterPath()
        self._after_heads: list[QPolygonF] = []
        self._after_links: list[tuple[int, str]] = []  # (card index, id it waits for)
        self._after_ids: list[str] = []  # the step ids in card order, when there are links
        self._after_built = True
        self._shape = QPainterPath()
        self._header = _header_path(int(self.width))
        self._header_rect = QRectF(0, 0, self.width, geometry.STAGE_HEADER)
        self._body = QRectF()
        self._bars: list[QRectF] | None = None
        self._bar_count = 0
        self._resize(0)

    # --- content ----------------------------------------------------------------------------

    def _refresh(self, node: AnyNode) -> None:
        assert isinstance(node, StageNode)
        count = len(node.steps)
        self._count.set(f"{count} step{'s' if count != 1 else ''}", 80)
        name = node.name or node.id
        header = QRectF(12, 0, self.width - 24, geometry.STAGE_HEADER)
        beside_count = self.width - 56 - self._count.width()
        whole_line = self.width - 38 - 12
        self._title.set(name, beside_count, header)
        natural = self._title.natural_width()
        if natural <= beside_count:
            self._title_room = "count"
        elif natural <= whole_line:
            self._title_room = "line"
            self._title.set(name, whole_line, header)
        else:
            self._title_room = "two lines"
            box = QRectF(38, 3, whole_line, geometry.STAGE_HEADER - 6)
            self._title_wrapped.set(name, whole_line, box)
        self.set_info(f"{name} · stage {node.id}")
        self._resize(count)
        self._overview_title.set(name, self.width, self._body.adjusted(10, 6, -10, -6))
        # The arrows are built when first drawn close up: a big diagram opened zoomed out
        # never pays for them.
        self._after_links = [
            (index, predecessor)
            for index, step in enumerate(node.steps)
            for predecessor in step.after
        ]
        self._after_ids = [step.id for step in node.steps] if self._after_links else []
        self._after_built = False

    def set_cards(self, cards: list[StepCardItem]) -> None:
        """Adopt the cards in the stage's step order and place them."""
        for old in self.cards:
            if old not in cards and old.parentItem() is self:
                old.setParentItem(None)
        self.cards = cards
        for index, card in enumerate(cards):
            if card.parentItem() is not self:
                card.setParentItem(self)
            card.setPos(geometry.CARD_GUTTER, geometry.card_top(index))

    def _resize(self, count: int) -> None:
        height = geometry.stage_height(count)
        if height != self.height:
            self.prepareGeometryChange()
            self.height = height
            self._body = QRectF(0, 0, self.width, height)
            self._bars, self._bar_count = None, count  # made when drawn (_card_bars)
            self._shape = QPainterPath()
            self._shape.addRoundedRect(QRectF(0, 0, self.width, self.height), RADIUS, RADIUS)

    def _build_after_links(self) -> None:
        self._after_built = True
        index = {step_id: i for i, step_id in enumerate(self._after_ids)}
        self._after_path = QPainterPath()
        self._after_heads = []
        depth = 0
        for i, predecessor in self._after_links:
            j = index.get(predecessor)
            if j is None or j == i:
                continue
            depth = depth % 3 + 1
            x_edge = geometry.CARD_GUTTER
            x_out = x_edge - 4 - depth * 4
            y_from = geometry.card_top(j) + geometry.CARD_HEIGHT / 2
            y_to = geometry.card_top(i) + geometry.CARD_HEIGHT / 2
            self._after_path.moveTo(x_edge, y_from)
            self._after_path.cubicTo(x_out, y_from, x_out, y_to, x_edge - 1, y_to)
            self._after_heads.append(
                QPolygonF(
                    [
                        QPointF(x_edge, y_to),
                        QPointF(x_edge - 5.5, y_to - 3.5),
                        QPointF(x_edge - 5.5, y_to + 3.5),
                    ]
                )
            )

    def name_text(self) -> LegibleName:
        return self._title

    def _paint_overview(self, painter: QPainter, lod: float) -> None:
        # Zoomed far out the cards are hidden: plain rectangles, one call for all the card
        # bars, nothing finer than a pixel. This is what keeps a fitted 2,000-step view fast.
        painter.setPen(self.outline_pen())
        painter.setBrush(theme.STAGE_BODY_BRUSH)
        painter.drawRect(self._body)
        painter.setPen(theme.NO_PEN)
        painter.setBrush(theme.STAGE_HEADER_BRUSH)
        painter.drawRect(self._header_rect)
        painter.setBrush(theme.CARD_BAR_BRUSH)
        painter.drawRects(self._card_bars())
        if self._overview_title.enlarged_screen_px(lod) >= OVERVIEW_MIN_PX:
            painter.setPen(theme.TEXT_PEN)
            self._overview_title.draw(painter, lod, align="center")
            self._title.painted = self._overview_title.painted
        else:
            self._title.painted = None
        if self.badge is not None:
            self.paint_badge(painter)

    def _card_bars(self) -> list[QRectF]:
        if self._bars is None:
            inner = self.width - geometry.CARD_GUTTER - geometry.STAGE_PADDING
            self._bars = [
                QRectF(geometry.CARD_GUTTER, geometry.card_top(i), inner, geometry.CARD_HEIGHT)
                for i in range(self._bar_count)
            ]
        return self._bars

    def card_index_at(self, scene_pos: QPointF) -> int:
        """Where a step dropped at `scene_pos` would be inserted."""
        return geometry.card_index_at(self.mapFromScene(scene_pos).y(), len(self.cards))

    # --- painting ---------------------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        top = -BADGE_REACH  # the problem badge sits astride the top-right corner
        return QRectF(-3, top, self.width + 6 + geometry.CARD_GUTTER / 2, self.height + 8 - top)

    def shape(self) -> QPainterPath:
        return self._shape

    def badge_center(self) -> QPointF:
        return QPointF(self.width - 4, 4)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        lod = level_of_detail(painter)
        if self.cards and not self.cards[0].isVisible():
            self._paint_overview(painter, lod)
            return
        body = self._body
        if lod >= TEXT_LOD:  # a soft shadow lifts the stage off the canvas
            painter.setPen(theme.NO_PEN)
            painter.setBrush(theme.SHADOW_BRUSH)
            painter.drawRoundedRect(body.translated(0, 2), RADIUS, RADIUS)
        painter.setPen(self.outline_pen())
        painter.setBrush(theme.STAGE_BODY_BRUSH)
        painter.drawRoundedRect(body, RADIUS, RADIUS)
        painter.setPen(theme.NO_PEN)
        painter.setBrush(theme.STAGE_HEADER_BRUSH)
        painter.drawPath(self._header)
        self.paint_drop_state(painter, self._shape)
        if self._title.enlarged(lod):  # the name alone, as large as the zoom needs
            painter.setPen(theme.TEXT_PEN)
            self._title.draw(painter, lod)
        else:
            painter.drawPixmap(
                QRectF(12, 13, ICON, ICON), theme.icon_pixmap("stage", 18), QRectF(0, 0, 36, 36)
            )
            painter.setPen(theme.TEXT_PEN)
            if self._title_room == "two lines":
                self._title_wrapped.draw(painter, lod)
                self._title.painted = self._title_wrapped.painted
            else:
                self._title.draw_line(painter, 38, 13, lod)
            painter.setPen(theme.MUTED_PEN)
            if self._title_room == "count":
                self._count.draw(painter, self.width - 14 - self._count.width(), 15)
            if not self.cards:
                self._hint.draw(
                    painter, self.width / 2 - self._hint.width() / 2, geometry.STAGE_HEADER + 18
                )
        if not self._after_built:
            self._build_after_links()
        if not self._after_path.isEmpty():
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(theme.AFTER_PEN)
            painter.drawPath(self._after_path)
            painter.setPen(theme.NO_PEN)
            painter.setBrush(theme.AFTER_BRUSH)
            for head in self._after_heads:
                painter.drawPolygon(head)
        if self.insert_marker is not None:
            y = geometry.card_top(self.insert_marker) - geometry.CARD_GAP / 2
            painter.setPen(theme.INSERT_PEN)
            painter.drawLine(
                QPointF(geometry.CARD_GUTTER, y), QPointF(self.width - geometry.STAGE_PADDING, y)
            )
        self.paint_handle(painter)
        self.paint_badge(painter)


class StepCardItem(DiagramItem):
    """A step inside a stage: type icon, name, and who or what does it on a second line."""

    def __init__(self, step_id: str) -> None:
        super().__init__(step_id)
        self.step_id = step_id
        self.step_type = "interactive"
        self.width = geometry.STAGE_WIDTH - geometry.CARD_GUTTER - geometry.STAGE_PADDING
        self.drop_state: str | None = None
        self.lifted = False  # being dragged: drawn with a shadow above everything
        self._rect = QRectF(0, 0, self.width, geometry.CARD_HEIGHT)
        self._name = LegibleName(theme.BODY_FONT_ARGS)
        self._detail = CachedText(theme.SMALL_FONT_ARGS)
        self._name_box = QRectF(NAME_LEFT, 1, self.width - NAME_LEFT - 6, geometry.CARD_HEIGHT - 2)
        self.wash: tuple[str, int] | None = None  # an overlay's (colour, opacity)
        self.setZValue(2)

    def set_wash(self, color: str | None, tint: int) -> None:
        """Colour the card's background (a run's status, the heat) under its text; None for
        the plain card. A wash painted over the card would tint the name too. The opacity
        is lowered where the text would not read on it (`theme.readable_wash_alpha`), in
        the theme of the moment (worked out when painted)."""
        wash = (color, tint) if color and tint else None
        if wash != self.wash:
            self.wash = wash
            self.update()

    def refresh(self, document: Document, step: AnyStep | None = None) -> None:
        """Re-read the step (or take it, when the caller has it) and set its two lines."""
        step = step or document.element(self.step_id)
        if step is not None:
            self.step_type = step.type
            text_width = self.width - 46
            self._name.set(step.name or step.id, text_width, self._name_box)
            self.set_info(f"{step.name or step.id} · {step.type} step {step.id}")
            self._detail.set(_detail_line(step), text_width)
        self.update()

    def name_enlarged(self, lod: float) -> bool:
        """Whether at zoom `lod` the name is drawn enlarged, from `NAME_LEFT` beside a
        small type icon, over both lines (what a decoration must keep clear of)."""
        return self._name.enlarged(lod)

    def small_icon_center(self) -> QPointF:
        """Where the small type icon beside an enlarged name sits."""
        return QPointF(6 + SMALL_ICON / 2, geometry.CARD_HEIGHT / 2)

    @property
    def painted_name(self) -> Painted | None:
        """What the step's name looked like when last painted (see legible.Painted)."""
        return self._name.painted

    def forget_painted(self) -> None:
        """Clear `painted_name` (a test then sees whether the next paint draws the name)."""
        self._name.painted = None

    def boundingRect(self) -> QRectF:
        # Room for the problem badge astride the top-right corner: Qt repaints only the
        # bounds, so a badge reaching past them left a red sliver once the problem was fixed.
        return self._rect.adjusted(-2, -BADGE_REACH, BADGE_REACH, 6)

    def shape(self) -> QPainterPath:
        # Clicks select the card itself, not the margin kept for the badge.
        path = QPainterPath()
        path.addRoundedRect(self._rect, CARD_RADIUS, CARD_RADIUS)
        return path

    def badge_center(self) -> QPointF:
        return QPointF(self.width - 2, 2)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setBrush(theme.SURFACE_BRUSH)
        if self.lifted:
            painter.setPen(theme.NO_PEN)
            painter.setBrush(theme.LIFT_SHADOW_BRUSH)
            painter.drawRoundedRect(self._rect.translated(0, 4), CARD_RADIUS, CARD_RADIUS)
            painter.setBrush(theme.SURFACE_BRUSH)
        pen = theme.REFUSED_PEN if self.drop_state == "refuse" else self.outline_pen()
        if self.drop_state == "accept":
            pen = theme.SELECTED_PEN
        painter.setPen(pen)
        painter.drawRoundedRect(self._rect, CARD_RADIUS, CARD_RADIUS)
        second_line = theme.MUTED_PEN
        if self.wash is not None:
            color, alpha = QColor(self.wash[0]), theme.readable_wash_alpha(*self.wash)
            back = theme.blend(QColor(theme.SURFACE), color, alpha)
            color.setAlpha(alpha)
            painter.setPen(theme.NO_PEN)
            painter.setBrush(color)
            painter.drawRoundedRect(self._rect, CARD_RADIUS, CARD_RADIUS)
            second_line = QPen(theme.second_line_color(back))
        lod = level_of_detail(painter)
        icon = theme.icon_pixmap(self.step_type, 18)
        if self._name.enlarged(lod):  # second line dropped, the name as large as needed
            top = (geometry.CARD_HEIGHT - SMALL_ICON) / 2
            painter.drawPixmap(QRectF(6, top, SMALL_ICON, SMALL_ICON), icon, QRectF(0, 0, 36, 36))
            painter.setPen(theme.TEXT_PEN)
            self._name.draw(painter, lod)
        else:
            painter.drawPixmap(QRectF(12, 16, ICON, ICON), icon, QRectF(0, 0, 36, 36))
            painter.setPen(theme.TEXT_PEN)
            self._name.draw_line(painter, 40, 8, lod)
            painter.setPen(second_line)
            self._detail.draw(painter, 40, 27)
        self.paint_badge(painter)


@cache
def _header_path(width: int) -> QPainterPath:  # shared: QPainterPath copies on write
    # Rounded on top, square where it meets the body.
    path = QPainterPath()
    path.addRoundedRect(QRectF(0.5, 0.5, width - 1, geometry.STAGE_HEADER), RADIUS, RADIUS)
    square = QPainterPath()
    square.addRect(QRectF(0.5, geometry.STAGE_HEADER - RADIUS, width - 1, RADIUS))
    return path.united(square)


def _detail_line(step: AnyStep) -> str:
    if step.type == "interactive":
        if step.assignee_from:  # a dynamic assignee: who it is depends on the run
            return f"From {step.assignee_from}"
        return step.assignee or "No assignee yet"
    if step.type == "background":
        return step.action or "No action yet"
    # A buffer changes what the step catches (events sent before it opened), so the card
    # says so; it comes last, where elision cuts first.
    kept = f" · keeps early {step.buffer}" if step.event and step.buffer else ""
    if step.event and step.timeout:
        return f"Event {step.event} · timeout {step.timeout}{kept}"
    if step.event:
        return f"Event {step.event}{kept}"
    return f"Timer {step.timeout}" if step.timeout else "No event or timer yet"
