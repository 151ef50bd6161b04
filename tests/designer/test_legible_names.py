"""Names stay readable: every example opens legible at 1024x700, and zooming out keeps names.

Items record what they painted and at which on-screen size (`painted_name`); these tests
paint the real canvas and read those records.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from designer.canvas import geometry
from designer.canvas.items import NodeItem, StepCardItem
from designer.canvas.items.legible import MIN_SCREEN_PX, _metrics, wrap
from designer.window import MainWindow
from engine.definition import StageNode, load_definition

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "resources" / "examples"
EXAMPLES = sorted(EXAMPLE_DIR.glob("*.baton.json"))
ONBOARDING = EXAMPLE_DIR / "employee_onboarding.baton.json"


def _window(qtbot, tmp_path: Path, width: int, height: int) -> MainWindow:
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    QApplication.processEvents()
    return window


def _open(window: MainWindow, path: Path) -> None:
    assert window.files.open_file(path)
    for _ in range(3):  # the deferred fit-on-open, then the final layout
        QApplication.processEvents()


def _paint(window: MainWindow) -> None:
    """Paint the canvas as the screen would (every item's `painted_name` is refreshed)."""
    for item in window.scene.items():
        if isinstance(item, NodeItem | StepCardItem):
            item.forget_painted()
    window.view.viewport().grab()


def _named_items(window: MainWindow, definition) -> list[tuple[str, object]]:
    """(name, item) for every node and step of the definition."""
    named = []
    for node in definition.nodes:
        named.append((node.name or node.id, window.scene.node_item(node.id)))
        if isinstance(node, StageNode):
            named += [(s.name or s.id, window.scene.card_item(s.id)) for s in node.steps]
    return named


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_every_example_opens_with_every_name_whole_and_readable_at_1024x700(
    qtbot, tmp_path, example
):
    # Given a small window
    window = _window(qtbot, tmp_path, 1024, 700)

    # When the example is opened and the canvas painted
    _open(window, example)
    _paint(window)

    # Then every stage, step, decision and end shows its whole name at 9 px or more,
    # inside the view
    visible = window.view.visible_scene_rect()
    for name, item in _named_items(window, load_definition(example)):
        painted = item.painted_name
        assert painted is not None, f"{name!r} was not drawn"
        assert painted.text == name and not painted.abbreviated, (name, painted.lines)
        assert painted.screen_px >= MIN_SCREEN_PX, (name, painted.screen_px)
        assert visible.contains(item.sceneBoundingRect()), f"{name!r} is outside the view"


@pytest.mark.parametrize("zoom", [1.0, 0.7, 0.5, 0.35, 0.25])
def test_zooming_out_keeps_every_name_at_nine_pixels(qtbot, tmp_path, zoom):
    # Given the onboarding example in a large window
    window = _window(qtbot, tmp_path, 1440, 900)
    example = ONBOARDING
    _open(window, example)

    # When the view is zoomed out to `zoom` and painted
    window.view.set_zoom(zoom)
    window.view.centerOn(window.scene.diagram_bounds().center())
    _paint(window)

    # Then each name drawn is at least 9 px high on screen (abbreviated if need be)
    visible = window.view.visible_scene_rect()
    for name, item in _named_items(window, load_definition(example)):
        if not visible.contains(item.sceneBoundingRect()):
            continue
        painted = item.painted_name
        assert painted is not None, f"{name!r} vanished at {zoom:.0%}"
        assert painted.screen_px >= MIN_SCREEN_PX, (name, zoom, painted.screen_px)
        assert painted.lines[0][:1] == name[:1]


def test_second_lines_go_before_names_shrink(qtbot, tmp_path):
    # Given the onboarding example at 100 %, where a card shows its name at the canvas font
    window = _window(qtbot, tmp_path, 1440, 900)
    _open(window, ONBOARDING)
    window.view.set_zoom(1.0)
    window.view.center_on_key("contract")
    _paint(window)
    card = window.scene.card_item("contract")
    at_full = card.painted_name

    # When zoomed out to 40 %
    window.view.set_zoom(0.4)
    window.view.center_on_key("contract")
    _paint(window)
    zoomed = card.painted_name

    # Then the name was drawn larger relative to the card (its second line made room)
    assert at_full.screen_px >= 12
    assert zoomed.screen_px >= MIN_SCREEN_PX
    assert zoomed.screen_px / 0.4 > at_full.screen_px  # bigger in scene units than at 100 %


def test_names_stay_on_cards_down_to_where_cards_become_bars(qtbot, tmp_path):
    # Given the onboarding example zoomed out to just above the card-bar level
    window = _window(qtbot, tmp_path, 1440, 900)
    _open(window, ONBOARDING)
    window.view.set_zoom(0.21)
    window.view.centerOn(window.scene.diagram_bounds().center())
    _paint(window)

    # Then every card still carries its name, as large as the card allows
    for name, item in _named_items(window, load_definition(ONBOARDING)):
        assert item.painted_name is not None, f"{name!r} vanished at 21 %"


def test_long_names_wrap_at_spaces_and_hyphens_then_abbreviate(qapp):
    metrics = _metrics(20.0, False)
    assert wrap("Check signed contract", metrics, 150, 2) == ("Check signed", "contract")
    two = wrap("Train the customer-success team", metrics, 200, 2)
    assert two == ("Train the customer-", "success team")
    one = wrap("Train the customer-success team", metrics, 200, 1)
    assert len(one) == 1 and one[0].endswith("…")


def test_minimap_shows_only_when_the_diagram_does_not_fit(qtbot, tmp_path):
    # Given the onboarding example fitted in a large window, minimap wanted (the default)
    window = _window(qtbot, tmp_path, 1440, 900)
    _open(window, ONBOARDING)
    assert window.canvas.minimap_action.isChecked()
    assert not window.view.minimap.isVisible()

    # When the user zooms in so that the diagram overflows the view
    window.view.set_zoom(1.5)
    # Then the minimap appears
    assert window.view.minimap.isVisible()

    # When the user turns it off, it stays off even though the diagram overflows
    window.canvas.minimap_action.trigger()
    assert not window.view.minimap.isVisible()

    # And fitting again with it turned back on hides it: everything is in view
    window.canvas.minimap_action.trigger()
    assert window.view.minimap.isVisible()
    window.view.fit()
    assert not window.view.minimap.isVisible()


DEAL_DESK = EXAMPLE_DIR / "deal_desk_approval.baton.json"


def test_a_long_stage_name_gives_up_the_step_count_before_it_is_cut(qtbot, tmp_path):
    # Given the deal desk at 100 %, whose "Finance and legal review" is wider than the room
    # left beside its step count
    window = _window(qtbot, tmp_path, 1440, 900)
    _open(window, DEAL_DESK)
    window.view.set_zoom(1.0)
    window.view.center_on_key("full_review")

    # When the canvas is painted
    _paint(window)

    # Then the stage shows its whole name, at the canvas font
    painted = window.scene.node_item("full_review").painted_name
    assert painted.text == "Finance and legal review" and not painted.abbreviated
    assert painted.screen_px >= 12


def test_branch_labels_of_a_decision_do_not_cover_each_other_or_names(qtbot, tmp_path):
    # Given the deal desk opened at a readable zoom
    window = _window(qtbot, tmp_path, 1440, 900)
    _open(window, DEAL_DESK)

    # Then the condition pills of each decision's branches are apart from one another
    # and from every decision's and end's name
    flows = [i for i in window.scene.items() if hasattr(i, "label_rect") and i.label_rect()]
    named = [window.scene.node_item(n.id) for n in load_definition(DEAL_DESK).nodes]
    for flow in flows:
        for other in flows:
            if other is not flow and other.source == flow.source:
                assert not flow.label_rect().intersects(other.label_rect()), (flow.key, other.key)
        for node in named:
            assert not node.name_area().intersects(flow.label_rect()), (flow.key, node.node_id)


def _ink_rows(image, left: int, right: int, top: int, bottom: int) -> list[int]:
    """Rows between top and bottom where text (dark ink) is drawn between left and right."""
    return [
        y
        for y in range(top, bottom)
        if any(image.pixelColor(x, y).lightness() < 120 for x in range(left, right))
    ]


@pytest.mark.parametrize("zoom", [0.4, 0.42, 0.44])
def test_two_line_card_names_keep_clear_of_the_cards_edges(qtbot, tmp_path, zoom):
    # Given the onboarding example zoomed out to about 40 %, where names take two lines
    window = _window(qtbot, tmp_path, 1440, 900)
    _open(window, ONBOARDING)
    window.view.set_zoom(zoom)
    window.view.center_on_key("payroll")
    _paint(window)
    image = window.view.viewport().grab().toImage()

    for step in ("contract", "payroll"):
        card = window.scene.card_item(step)
        assert len(card.painted_name.lines) == 2, card.painted_name
        # When we look at the card's name column on screen
        box = window.view.mapFromScene(
            card.mapRectToScene(QRectF(0, 0, card.width, geometry.CARD_HEIGHT))
        ).boundingRect()
        left = box.left() + round(30 * zoom)
        rows = _ink_rows(image, left, box.right() - 3, box.top() + 1, box.bottom())

        # Then the lowest ink (a descender too) leaves a pixel of room above the bottom edge,
        # and the block sits in the middle: no nearer one edge than the other by 2 px or more
        room_above, room_below = rows[0] - box.top(), box.bottom() - rows[-1]
        assert room_below >= 2, (step, zoom, rows[-1], box.bottom())
        assert abs(room_above - room_below) <= 2, (step, zoom, room_above, room_below)


def test_the_minimap_of_a_big_diagram_shows_every_stage(qtbot, tmp_path):
    # Given a diagram too big to render item by item into the minimap, zoomed in
    from gui import open_window
    from PySide6.QtGui import QColor

    from benchmarks.synthetic import generate
    from designer.canvas import theme
    from designer.canvas.minimap import RENDER_LIMIT

    window = open_window(qtbot, tmp_path, generate(60, 10))
    assert sum(window.scene.counts()) > RENDER_LIMIT
    minimap = window.view.minimap

    # When its overview is drawn
    minimap.refresh()

    # Then each stage shows as a shape where it sits in the diagram
    image = minimap.grab().toImage()
    ratio = image.devicePixelRatio()
    blank = QColor(theme.SURFACE).rgb()
    for stage in window.document.definition.stages():
        box = window.scene.node_item(stage.id).box()
        spot = minimap._to_map(box).center()
        assert image.pixel(int(spot.x() * ratio), int(spot.y() * ratio)) != blank, stage.id
    window.undo_stack.setClean()
