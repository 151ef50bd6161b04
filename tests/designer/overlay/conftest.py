"""Overlay, heatmap and simulation tests: offscreen Qt, a real SQLite file, a virtual clock."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported anywhere

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from designer.canvas import DiagramScene, DiagramView
from designer.document import Document
from designer.live.bridge import EngineBridge
from designer.selection import Selection
from engine.definition import Orchestration, load_definition
from engine.runtime import Engine, VirtualClock

ROOT = Path(__file__).parents[3]
ONBOARDING = ROOT / "resources/examples/employee_onboarding.baton.json"
ARTIFACTS = ROOT / "tests/artifacts"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def onboarding() -> Orchestration:
    return load_definition(ONBOARDING)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'baton.db'}"


@pytest.fixture
def engine(db_url: str, clock: VirtualClock, onboarding: Orchestration) -> Iterator[Engine]:
    """The test's own engine: a second writer (another window, the CLI) on the same file."""
    eng = Engine(db_url, clock=clock)
    eng.add_user("alice", groups=["hr"])
    eng.add_user("bob", groups=["it"])
    eng.add_user("dan", queues=["it_service_desk"])
    eng.add_user("manager")
    eng.activate(onboarding)
    yield eng
    eng.close()


@pytest.fixture
def bridge(engine: Engine, db_url: str, clock: VirtualClock, qtbot) -> Iterator[EngineBridge]:
    live = EngineBridge(db_url, clock=clock, poll_ms=100)
    yield live
    live.close()


class Canvas:
    """A document drawn in a scene and view, with its own undo stack (as the main window)."""

    def __init__(self, definition: Orchestration) -> None:
        self.document = Document(definition)
        self.undo_stack = QUndoStack()
        self.selection = Selection()
        self.scene = DiagramScene(self.document, self.undo_stack, self.selection)
        self.view = DiagramView(self.scene)
        self.view.resize(1500, 640)


@pytest.fixture
def canvas(qtbot, onboarding: Orchestration) -> Iterator[Canvas]:
    drawn = Canvas(onboarding)
    qtbot.addWidget(drawn.view)
    drawn.view.show()
    yield drawn
    drawn.scene.detach()


def start_onboarding(engine: Engine, employee: str = "Ann Lee", laptop: bool = True) -> str:
    """A run of the onboarding example, waiting on HR's contract check."""
    email = employee.lower().replace(" ", ".") + "@example.com"
    inputs = {"employee": employee, "email": email, "needs_laptop": laptop}
    return engine.start("employee_onboarding", inputs)


def item_of(engine: Engine, run_id: str, step: str) -> str:
    """The open work item of a step."""
    return next(i["id"] for i in engine.run(run_id)["open_items"] if i["step"] == step)


CONTRACT_OK = {"decision": "approve", "start_date": "2026-02-02"}
