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


def test_a_hot_cards_name_stays_readable_under_its_wash_in_both_themes():
    from PySide6.QtGui import QColor

    from designer.canvas import theme
    from designer.canvas.overlay.decorations import card_wash_alpha
    from designer.canvas.overlay.heatmap import heat_color

    def over(base: QColor, wash: QColor, alpha: int) -> QColor:
        a = alpha / 255
        return QColor.fromRgbF(*(b * (1 - a) + w * a for b, w in zip(
            (base.redF(), base.greenF(), base.blueF()),
            (wash.redF(), wash.greenF(), wash.blueF()), strict=True)))  # fmt: skip

    def luminance(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    hottest = QColor(heat_color(1.0))
    try:
        for dark in (False, True):
            theme.apply(dark)
            alpha = card_wash_alpha(45 + 85)  # the heatmap's strongest wash
            text = over(QColor(theme.TEXT), hottest, alpha)
            card = over(QColor(theme.SURFACE), hottest, alpha)
            high, low = sorted((luminance(text), luminance(card)), reverse=True)
            assert (high + 0.05) / (low + 0.05) >= 4.5, dark
    finally:
        theme.apply(False)
