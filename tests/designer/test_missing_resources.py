"""An installation that lost its examples or icons says so, and never crashes.

`baton export --to png` from a wheel without its resources used to end in a segmentation
fault: a step card's paint() raised FileNotFoundError for its icon inside
QGraphicsScene.render(), which PySide cannot unwind through.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gui import open_window
from PySide6.QtGui import QImage

from designer.canvas import theme
from engine import resources
from engine.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "resources/examples/deal_desk_approval.baton.json"


@pytest.fixture
def without_resources(monkeypatch):
    """As if the `baton_resources` package were not installed; rendered icons forgotten."""
    monkeypatch.setattr(resources, "PACKAGE", "baton_resources_not_installed")
    theme.forget_rendered()
    yield
    monkeypatch.undo()
    theme.forget_rendered()  # later tests draw with the real icons again


def test_png_export_without_icons_still_draws_the_diagram(without_resources, tmp_path, capsys):
    output = tmp_path / "deal.png"

    code = main(["export", str(EXAMPLE), "--to", "png", "-o", str(output)])

    assert code == 0, capsys.readouterr().err
    image = QImage(str(output))
    assert not image.isNull() and image.width() > 400


def test_the_window_opens_without_icons(without_resources, qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)

    nodes, cards, _flows = window.scene.counts()
    assert nodes > 0 and cards > 0


def test_selftest_without_its_example_fails_with_one_line_saying_what_is_missing(
    without_resources, capsys
):
    code = main(["selftest"])

    out = capsys.readouterr().out
    assert code == 1
    assert (
        "baton selftest: FAILED: open: the bundled example employee_onboarding.baton.json"
        " is missing from this installation" in out
    )
