"""Every example element gets a form; the panels are saved as PNGs to look at.

The images land in tests/artifacts/ (git-ignored) for a person to check the look.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from designer.dialogs.find import FindElementDialog
from designer.document import Document
from designer.panels.inspector import InspectorPanel
from designer.panels.problems import ProblemsPanel
from designer.selection import Selection
from engine.definition import load_definition
from engine.validation import Diagnostic, validate

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.baton.json"))
ARTIFACTS = ROOT / "tests" / "artifacts"


def save(widget, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert widget.grab().save(str(path))
    return path


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_every_element_of_an_example_gets_a_form(qtbot, qapp, example):
    document = Document(load_definition(example))
    selection = Selection()
    panel = InspectorPanel(document, QUndoStack(), selection)
    qtbot.addWidget(panel)
    panel.resize(360, 1000)
    panel.show()
    keys = [
        None,
        *document.element_ids(),
        *((f.source, f.target) for f in document.definition.flows),
    ]

    for key in keys:
        selection.set([] if key is None else [key])
        qapp.processEvents()
        assert panel.current_form() is not None, key
        assert panel.header.title.text()

    if example.name.startswith("employee"):
        panel.set_diagnostics(
            [
                Diagnostic("warning", "inactive-assignee", "contract", "escalate_to",
                           "user:hr_lead is marked inactive; escalations would reach nobody."),
            ]
        )  # fmt: skip
        for key, name in (
            (None, "orchestration"),
            ("contract", "interactive"),
            ("payroll", "background"),
            ("badge", "wait"),
            ("equipment", "stage"),
            ("laptop_needed", "decision"),
            (("laptop_needed", "equipment"), "flow"),
        ):
            selection.set([] if key is None else [key])
            qtbot.wait(30)  # nested layouts settle over a few event-loop passes
            save(panel, f"inspector_{name}.png")
        selection.set(["contract", "laptop", ("laptop_needed", "equipment")])
        qtbot.wait(30)
        save(panel, "inspector_several.png")


def test_problems_panel_and_find_dialog_render(qtbot, qapp):
    document = Document(load_definition(EXAMPLES[-1]))
    problems = ProblemsPanel(document=document)
    qtbot.addWidget(problems)
    problems.resize(1000, 220)
    problems.show()
    # Real mistakes, reported by the real validator.
    document.update_step("laptop", {"assignee": None})
    document.update_step("payroll", {"inputs": {"payroll_id": "'P-' + employe"}})
    document.update_flow("laptop_needed", "first_week", {"default": False})
    diagnostics = validate(document.definition)
    assert diagnostics
    problems.set_diagnostics(diagnostics)
    qapp.processEvents()
    save(problems, "problems_panel.png")

    dialog = FindElementDialog(document)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.query, "lap")
    qapp.processEvents()
    save(dialog, "find_dialog.png")
    assert dialog.shown_ids()
