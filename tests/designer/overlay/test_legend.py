"""The legend pinned to the canvas corner keeps its rows when it is refreshed."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView, QLabel

from designer.canvas.overlay.legend import LegendWidget

ROWS = [("#2e7d32", "completed", False), ("#1565c0", "running", False), ("#999", "skipped", True)]


def _shown_texts(legend: LegendWidget) -> list[str]:
    return [
        label.text()
        for label in legend.findChildren(QLabel)
        if label.isVisible() and label is not legend.title
    ]


def test_legend_keeps_its_rows_after_a_second_refresh(qtbot):
    # Given a legend over a shown view, filled once
    view = QGraphicsView(QGraphicsScene())
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    legend = LegendWidget(view)
    legend.show_statuses("Run", ROWS)
    QApplication.processEvents()
    first = legend.size()

    # When a live refresh fills it again with the same rows
    legend.show_statuses("Run", ROWS)
    QApplication.processEvents()

    # Then it still shows every row at the same size
    assert _shown_texts(legend) == ["completed", "running", "skipped"]
    assert legend.size() == first
    assert legend.height() > 60
