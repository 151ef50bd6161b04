"""File ▸ Import… and File ▸ Export ▸ BPMN / Salesforce from the designer's menus."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from designer.window import MainWindow
from engine.definition import dumps_definition, load_definition, to_dict

EXAMPLE = Path(__file__).resolve().parents[2] / "resources/examples/deal_desk_approval.baton.json"


def open_example(qtbot, tmp_path: Path) -> MainWindow:
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    assert window.files.open_file(EXAMPLE)
    return window


def test_the_file_menu_offers_import_and_both_exports(qtbot, tmp_path):
    window = open_example(qtbot, tmp_path)

    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    texts = [a.text() for a in file_menu.actions()]
    export_menu = next(a.menu() for a in file_menu.actions() if a.text() == "&Export")
    exports = [a.text() for a in export_menu.actions()]

    assert "&Import BPMN or Salesforce…" in texts
    assert "&BPMN 2.0…" in exports and "&Salesforce Orchestrator…" in exports


def test_a_bpmn_export_imports_back_as_the_same_orchestration_unsaved(qtbot, tmp_path, monkeypatch):
    # given the deal desk exported to BPMN through the menu's save dialog
    window = open_example(qtbot, tmp_path)
    target = tmp_path / "deal.bpmn"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.interchange.export_bpmn_action.trigger()
    assert target.exists()

    # when the admin imports it again
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    assert window.interchange.import_dialog()

    # then the same orchestration is open as a new, unsaved document
    assert to_dict(window.document.definition) == to_dict(load_definition(EXAMPLE))
    assert window.files.path is None and window.files.is_dirty()


def test_a_salesforce_export_writes_orchestrator_metadata(qtbot, tmp_path, monkeypatch):
    window = open_example(qtbot, tmp_path)
    target = tmp_path / "Deal_Desk.flow-meta.xml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    window.interchange.export_salesforce_action.trigger()

    text = target.read_text(encoding="utf-8")
    assert "<processType>Orchestrator</processType>" in text
    assert "ActionInput__RecordId" in text


def test_importing_a_broken_file_says_why_and_changes_nothing(qtbot, tmp_path, dialogs):
    window = open_example(qtbot, tmp_path)
    before = dumps_definition(window.document.definition)
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<definitions><process", encoding="utf-8")

    assert not window.interchange.import_path(broken)

    assert dialogs[-1][0] == "critical" and "broken.bpmn" in dialogs[-1][1]
    assert dumps_definition(window.document.definition) == before
    assert window.files.path == EXAMPLE.resolve()


def test_image_exports_from_the_menu_write_png_and_svg(qtbot, tmp_path, monkeypatch):
    window = open_example(qtbot, tmp_path)
    actions = window.interchange
    for suffix, action in (("png", actions.export_png_action), ("svg", actions.export_svg_action)):
        target = tmp_path / f"deal.{suffix}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))

        action.trigger()

        assert target.stat().st_size > 1000
