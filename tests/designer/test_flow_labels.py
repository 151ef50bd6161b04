"""Flow labels stay readable in every example: none is hidden under a node, none covers
another (issue seen on the deal desk: "rejected three times" under its stage, over
"quote.discount > 30")."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from designer.canvas.items import FlowItem, NodeItem
from designer.window import MainWindow

EXAMPLES = sorted((Path(__file__).parents[2] / "resources" / "examples").glob("*.baton.json"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_every_flow_label_is_clear_of_nodes_and_of_other_labels(qtbot, tmp_path, example):
    # Given an example opened in the designer
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    assert window.files.open_file(example)
    QApplication.processEvents()

    # When its flows are routed and labelled
    scene = window.view.scene()
    labels = [
        (f.condition_text(), f.mapRectToScene(f.label_rect()))
        for f in scene.items()
        if isinstance(f, FlowItem) and f.condition_text()
    ]
    nodes = [n for n in scene.items() if isinstance(n, NodeItem) and n.parentItem() is None]

    # Then no label lies under a node (nodes are drawn above flows) ...
    for text, rect in labels:
        for node in nodes:
            box = node.mapRectToScene(node.shape().boundingRect())
            assert not box.intersects(rect), (text, node.node_id)
    # ... and no two labels cover each other
    for (a, ra), (b, rb) in itertools.combinations(labels, 2):
        assert not ra.intersects(rb), (a, b)
