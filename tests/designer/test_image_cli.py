"""`baton image FILE OUT`: the diagram as a picture from the command line, no window."""

from __future__ import annotations

from pathlib import Path

from builders import two_stages
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage

from designer.canvas.items.flow import route
from engine.cli import main
from engine.definition import save_definition

DEAL_DESK = "resources/examples/deal_desk_approval.baton.json"


def test_the_image_command_writes_png_and_svg(tmp_path: Path, capsys) -> None:
    png, svg = tmp_path / "deal.png", tmp_path / "deal.svg"
    assert main(["image", DEAL_DESK, str(png)]) == 0
    assert main(["image", DEAL_DESK, str(svg)]) == 0
    assert QImage(str(png)).width() > 1000
    assert "Prepare quote" in svg.read_text()
    assert "wrote" in capsys.readouterr().out


def test_the_image_command_reports_a_broken_file_in_one_line(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.baton.json"
    broken.write_text("{")
    assert main(["image", str(broken), str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("baton: error:") and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_a_definition_without_layout_is_laid_out_for_the_picture(tmp_path: Path) -> None:
    bare = two_stages().model_copy(update={"layout": {}})
    source = tmp_path / "bare.baton.json"
    save_definition(bare, source)
    assert main(["image", str(source), str(tmp_path / "bare.png")]) == 0
    assert QImage(str(tmp_path / "bare.png")).width() > 600


def test_a_rework_loop_runs_under_the_nodes_it_skips() -> None:
    from PySide6.QtCore import QRectF

    source, target = QRectF(800, 100, 64, 64), QRectF(100, 100, 260, 150)
    path = route(source, QPointF(864, 132), target, QPointF(100, 122), True, floor=400)
    assert path.boundingRect().bottom() >= 436
    assert path.currentPosition() == QPointF(100, 122)
