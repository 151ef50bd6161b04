"""Engine tests run without Qt (DESIGN rule 1), in their own pytest process (scripts/test.sh)."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(scope="session", autouse=True)
def _engine_tests_import_no_qt(request: pytest.FixtureRequest):
    yield
    # Only meaningful in the engine-only run, where pytest-qt is switched off; a combined
    # run has the designer tests (and pytest-qt itself) import Qt first.
    if request.config.pluginmanager.hasplugin("pytest-qt"):
        return
    # The CLI may load the designer's small plugin modules (entry points), never Qt itself.
    leaked = sorted(m for m in sys.modules if m.startswith("PySide6"))
    assert not leaked, f"engine tests imported Qt: {leaked[:5]}"
