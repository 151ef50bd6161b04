"""What importing the model layers loads, checked in a fresh interpreter.

import-linter (pyproject.toml) sees PySide6 as one package, so it cannot tell QtGui's
QUndoCommand (the seam commands are built on) from widgets; this checks the difference.
"""

from __future__ import annotations

import json
import subprocess
import sys


def _modules_loaded_by(module: str) -> set[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout))


def test_the_document_loads_no_qt_at_all():
    loaded = _modules_loaded_by("designer.document")

    assert not {m for m in loaded if m.startswith("PySide6")}


def test_commands_load_qtgui_for_qundocommand_but_no_widgets():
    loaded = _modules_loaded_by("designer.commands")

    assert "PySide6.QtGui" in loaded
    assert "PySide6.QtWidgets" not in loaded
