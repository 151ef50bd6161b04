"""Overlay text never collides: pills inside cards, the run's path above labels, whole
conditions on hover."""

from __future__ import annotations

from conftest import ONBOARDING

from designer.canvas.overlay import DecorationLayer, Look
from designer.canvas.overlay.decorations import CardDecorationItem, FlowDecorationItem
from designer.canvas.overlay.run_overlay import looks_for
from designer.canvas.overlay.state import OverlayState
from engine.definition import load_definition

LONG = "it_service_desk · 3 d 4 h · overdue and then some more words"


def test_a_waiting_pill_sits_inside_its_card_whatever_its_length(canvas):
    # Given a waiting step whose pill text is longer than the card
    layer = DecorationLayer(canvas.scene)
    layer.set_looks({"accounts": Look(color="#e8a317", status="waiting", label=LONG)})
    card = canvas.scene.card_item("accounts")
    decoration = layer.decoration("accounts")
    assert isinstance(decoration, CardDecorationItem)

    # Then everything it draws stays within the card (a hair of border aside), so neither
    # the card below nor the card's own edge can cut it
    drawn = decoration.mapRectToParent(decoration.boundingRect())
    card_rect = card.boundingRect()
    assert drawn.top() >= card_rect.top() - 4 and drawn.bottom() <= card_rect.bottom() + 4
    assert drawn.left() >= card_rect.left() - 4 and drawn.right() <= card_rect.right() + 4


def test_the_path_a_run_took_is_drawn_above_the_condition_labels(canvas):
    # Given the flow the run took out of a decision, which carries a condition label
    layer = DecorationLayer(canvas.scene)
    taken = ("laptop_needed", "equipment")
    flow = canvas.scene.flow_item(*taken)
    on_line = flow.label_rect()
    assert flow.line().intersects(on_line)  # as designed, the label sits on the line

    # When the run overlay marks it taken
    layer.set_looks({taken: Look(color="#188038")})

    # Then the bold line is above its flow (and the flow above the other flows) and the
    # label has moved beside the line, off it
    decoration = layer.decoration(taken)
    assert isinstance(decoration, FlowDecorationItem)
    assert not decoration.flags() & decoration.GraphicsItemFlag.ItemStacksBehindParent
    other = canvas.scene.flow_item("laptop_needed", "first_week")
    assert flow.zValue() > other.zValue()
    assert not flow.line().intersects(flow.label_rect())
    ends = (flow.line().pointAtPercent(0), flow.line().pointAtPercent(1))
    assert all(decoration.boundingRect().contains(end) for end in ends)  # follows the route

    # And back in design mode everything is as it was
    layer.clear()
    assert flow.zValue() == other.zValue() and flow.label_rect() == on_line


def test_hovering_a_flow_shows_its_whole_condition(canvas):
    # Given the reject flow, whose label is longer than the room it has
    flow = canvas.scene.flow_item("contract_ok", "withdrawn")
    condition = "contract.decision == 'reject'"

    # Then its tooltip holds the whole condition, in design mode and on a run's overlay
    assert condition in flow.toolTip()
    definition = load_definition(ONBOARDING)
    state = OverlayState(path=["paperwork", "contract_ok", "withdrawn"])
    looks = looks_for(definition, state)
    assert condition in looks[("contract_ok", "withdrawn")].tooltip


def test_a_status_disc_never_covers_the_step_name_at_any_zoom(canvas):
    from designer.canvas.items.stage import NAME_LEFT

    # Given completed and waiting steps in a run's overlay
    layer = DecorationLayer(canvas.scene)
    layer.set_looks(
        {
            "contract": Look(color="#188038", status="completed"),
            "accounts": Look(color="#e8a317", status="waiting"),
        }
    )
    for zoom in (0.25, 0.41, 0.55, 1.0):  # fitted at 1024x700 with a dock open, and up
        canvas.view.resetTransform()
        canvas.view.scale(zoom, zoom)
        for step in ("contract", "accounts"):
            card, decoration = canvas.scene.card_item(step), layer.decoration(step)
            decoration.painted_glyph = None
            canvas.view.centerOn(card)
            canvas.view.grab()

            # Then the disc is drawn left of where the name starts (enlarged or not)
            name_left = NAME_LEFT if card.name_enlarged(zoom) else 40
            assert decoration.painted_glyph is not None
            assert decoration.painted_glyph.right() <= name_left, (zoom, step)


def test_every_heat_level_and_status_leaves_a_cards_text_readable_in_both_themes():
    from PySide6.QtGui import QColor

    from designer.canvas import theme
    from designer.canvas.overlay.heatmap import (
        BOTTLENECK_COLOR,
        HeatCell,
        HeatmapData,
        heat_looks,
    )
    from designer.canvas.overlay.looks import status_look
    from designer.runs.formatting import STATUS_COLORS

    # Given every look a card can get: the heat at each twentieth of the scale (as the
    # heatmap makes them), the bottleneck, and each step status of a run
    cells = {f"s{n}": HeatCell(value=float(n), label="", tooltip="") for n in range(21)}
    heat = heat_looks(HeatmapData(title="", cells=cells, bottleneck=None))
    looks = [*heat.values(), *(status_look(s) for s in STATUS_COLORS)]
    looks.append(Look(color=BOTTLENECK_COLOR, tint=90))
    assert len({look.tint for look in heat.values()}) > 10  # the whole scale is covered
    hottest, coolest = heat["s20"], heat["s0"]
    try:
        for dark in (False, True):
            theme.apply(dark)
            for look in looks:
                if not look.tint:
                    continue
                # When the card is washed with it (under its text)
                alpha = theme.readable_wash_alpha(look.color, look.tint)
                back = theme.blend(QColor(theme.SURFACE), QColor(look.color), alpha)

                # Then the name and the second line both read at 4.5:1 or better
                for text in (theme.TEXT, theme.second_line_color(back)):
                    ratio = theme.contrast(QColor(text), back)
                    assert ratio >= 4.5, (dark, look.color, look.tint, text.name(), ratio)
            # And the heat still shows: the hottest wash is stronger than the coolest
            hot = theme.readable_wash_alpha(hottest.color, hottest.tint)
            assert hot > theme.readable_wash_alpha(coolest.color, coolest.tint), dark
    finally:
        theme.apply(False)


def test_a_hot_cards_name_is_drawn_in_the_text_colour_not_washed_over(qtbot, canvas):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from designer.canvas import theme
    from designer.canvas.overlay.heatmap import heat_color

    # Given the hottest heat on the contract card
    layer = DecorationLayer(canvas.scene)
    hot = heat_color(1.0).name()
    layer.set_looks({"contract": Look(color=hot, tint=130)})
    card = canvas.scene.card_item("contract")

    # When the card is painted at full size
    area = card.mapRectToScene(QRectF(40, 4, 120, 18))  # the name's line
    image = QImage(area.size().toSize() * 2, QImage.Format.Format_ARGB32)
    image.fill(QColor(theme.SURFACE))
    painter = QPainter(image)
    canvas.scene.render(painter, QRectF(image.rect()), area)
    painter.end()

    # Then the darkest pixel of the name is the text colour (grey-blue), not a red mix
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    darkest = min(pixels, key=lambda c: c.lightness())
    assert darkest.blue() >= darkest.red(), darkest.name()
    assert theme.contrast(darkest, QColor(theme.TEXT)) < 1.3

    # And once the overlay is cleared the card is plain again
    layer.clear()
    assert card.wash is None


def test_a_waiting_pill_never_covers_an_enlarged_step_name(canvas):
    # Given a waiting step with who and since when in its pill
    layer = DecorationLayer(canvas.scene)
    layer.set_looks({"contract": Look(color="#e8a317", status="waiting", label="hr · 3 h")})
    card, decoration = canvas.scene.card_item("contract"), layer.decoration("contract")
    assert isinstance(decoration, CardDecorationItem)
    seen = set()
    for zoom in (0.62, 0.7, 0.8, 1.0):  # a deal desk fitted at 1440x900 opened at 62 %
        canvas.view.resetTransform()
        canvas.view.scale(zoom, zoom)
        canvas.view.centerOn(card)
        decoration.painted_pill = None
        canvas.view.grab()

        # Then the pill shows only where the name keeps its own line (the pill covers the
        # second line there); where the name is enlarged over the card, it is left out
        seen.add(card.name_enlarged(zoom))
        if card.name_enlarged(zoom):
            assert decoration.painted_pill is None, zoom
        else:
            assert decoration.painted_pill is not None, zoom
            assert decoration.painted_pill.top() >= 24, zoom  # below the name's line
    assert seen == {True, False}  # both layouts were painted
