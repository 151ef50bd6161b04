"""`baton export --to svg|png|markdown` and File ▸ Export ▸ Markdown draw what the canvas draws."""

from __future__ import annotations

from pathlib import Path

import defusedxml.ElementTree as SafeTree
import pytest
from gui import open_window
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from designer.canvas.export import MARGIN
from designer.headless import scene_for
from engine.cli import main
from engine.definition import load_definition
from engine.interchange.plain_words import condition_in_words

EXAMPLES = sorted((Path(__file__).parents[2] / "resources" / "examples").glob("*.baton.json"))
ids = [p.name.split(".")[0] for p in EXAMPLES]


def _export(example: Path, fmt: str, output: Path, capsys) -> str:
    code = main(["export", str(example), "--to", fmt, "-o", str(output)])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=ids)
def test_png_export_is_the_whole_diagram_at_twice_its_size(example, tmp_path, capsys):
    output = tmp_path / "diagram.png"

    _export(example, "png", output, capsys)

    # every item counts: a rework loop is routed below the lowest node
    bounds = scene_for(load_definition(example)).itemsBoundingRect()
    image = QImage(str(output))
    assert (image.width(), image.height()) == (
        int((bounds.width() + 2 * MARGIN) * 2),
        int((bounds.height() + 2 * MARGIN) * 2),
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=ids)
def test_svg_export_is_xml_that_names_every_stage(example, tmp_path, capsys):
    output = tmp_path / "diagram.svg"

    _export(example, "svg", output, capsys)

    root = SafeTree.parse(output).getroot()
    texts = {"".join(e.itertext()).strip() for e in root.iter() if e.tag.endswith("text")}
    for stage in load_definition(example).stages():
        # Long names are elided on the canvas ("Finance and legal re…"), and so in the image.
        assert any(
            t == stage.name or (t.endswith("…") and stage.name.startswith(t[:-1])) for t in texts
        ), stage.name


@pytest.mark.parametrize("example", EXAMPLES, ids=ids)
def test_markdown_export_writes_the_document_and_its_svg_beside_it(example, tmp_path, capsys):
    output = tmp_path / "process.md"

    out = _export(example, "markdown", output, capsys)

    definition = load_definition(example)
    text = output.read_text(encoding="utf-8")
    assert f"wrote {output}" in out and f"wrote {tmp_path / 'process.svg'}" in out
    assert "(process.svg)" in text and (tmp_path / "process.svg").stat().st_size > 1000
    for node, step in definition.steps():
        assert f" {node.name}\n" in text and f" {step.name}\n" in text
    for flow in definition.flows:
        if flow.condition:
            assert f"If {condition_in_words(flow.condition)} → " in text


def test_markdown_export_says_the_deal_desk_decisions_in_words(tmp_path, capsys):
    deal_desk = next(p for p in EXAMPLES if p.name.startswith("deal_desk"))
    output = tmp_path / "deal.md"

    _export(deal_desk, "markdown", output, capsys)

    text = output.read_text(encoding="utf-8")
    assert "If `quote.discount` is more than 30 → **Finance and legal review**" in text
    assert "Otherwise → **Close the deal**" in text


def test_file_export_markdown_writes_the_document_of_the_open_definition(
    qtbot, tmp_path, monkeypatch
):
    window = open_window(qtbot, tmp_path)
    target = tmp_path / "exported.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    export_menu = next(
        a.menu() for a in window.menuBar().actions()[0].menu().actions() if a.text() == "&Export"
    )

    assert window.interchange.export_markdown_action in export_menu.actions()
    window.interchange.export_markdown_action.trigger()

    assert target.read_text(encoding="utf-8").startswith("# Sample")
    assert (tmp_path / "exported.svg").is_file()
