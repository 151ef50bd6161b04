"""The legend pinned to the canvas corner keeps its rows when it is refreshed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
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
    view.resize(600, 600)
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


def test_a_fitted_diagram_makes_room_for_the_legend_at_1024x700(qtbot, tmp_path):
    # Given the onboarding example fitted in a small window
    from pathlib import Path

    from designer.canvas.overlay.run_overlay import LEGEND_ROWS
    from designer.window import MainWindow

    example = Path(__file__).parents[3] / "resources/examples/employee_onboarding.baton.json"
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    assert window.files.open_file(example)
    for _ in range(3):
        QApplication.processEvents()

    # When a run's legend appears in the canvas corner (as selecting a run shows it)
    legend = LegendWidget(window.view)
    legend.show_statuses("Ann Lee · Employee onboarding", LEGEND_ROWS)
    QApplication.processEvents()

    # Then no element lies under the legend, and all are still in view
    covered = legend.geometry()
    for item in window.scene.node_items():
        on_screen = window.view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        assert not on_screen.intersects(covered), item.node_id
        assert window.view.viewport().rect().contains(on_screen), item.node_id

    # And once the legend goes, the diagram takes the room back
    zoom_with_legend = window.view.zoom()
    legend.hide_legend()
    assert window.view.zoom() >= zoom_with_legend


def test_on_a_small_canvas_the_legend_starts_folded_and_unfolds_on_a_click(qtbot):
    # Given a low canvas (a 1024x700 window with a dock open)
    view = QGraphicsView(QGraphicsScene())
    qtbot.addWidget(view)
    view.resize(600, 380)
    view.show()
    legend = LegendWidget(view)

    # When a run's legend appears, it is its title line only
    legend.show_statuses("Ann Lee", ROWS)
    QApplication.processEvents()
    assert legend.folded() and _shown_texts(legend) == []
    assert legend.height() < 50

    # And a click on its arrow shows the rows, which stay shown on the next refresh
    QTest.mouseClick(legend.fold_button, Qt.MouseButton.LeftButton)
    legend.show_statuses("Ann Lee", ROWS)
    QApplication.processEvents()
    assert _shown_texts(legend) == ["completed", "running", "skipped"]
