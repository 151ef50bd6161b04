"""Fixtures for the panel tests: an offscreen Qt, a small onboarding document, a stack."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from panel_builders import onboarding
from PySide6.QtGui import QUndoStack

from designer.document import Document
from designer.selection import Selection


@pytest.fixture
def document() -> Document:
    return Document(onboarding())


@pytest.fixture
def stack(qapp) -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def selection(qapp) -> Selection:
    return Selection()


@pytest.fixture
def inspector(qtbot, document, stack, selection):
    from designer.panels.inspector import InspectorPanel

    panel = InspectorPanel(document, stack, selection)
    qtbot.addWidget(panel)
    panel.resize(360, 900)
    panel.show()
    qtbot.waitExposed(panel)
    return panel
