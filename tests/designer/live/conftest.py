"""Live panels against a real SQLite file, with a virtual clock and the onboarding example."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported anywhere

from collections.abc import Iterator
from pathlib import Path

import pytest

from designer.live.bridge import EngineBridge
from engine.definition import Orchestration, load_definition
from engine.runtime import Engine, VirtualClock

ROOT = Path(__file__).parents[3]
ONBOARDING = ROOT / "resources/examples/employee_onboarding.baton.json"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def onboarding() -> Orchestration:
    return load_definition(ONBOARDING)


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'baton.db'}"


@pytest.fixture
def engine(db_url, clock, onboarding) -> Iterator[Engine]:
    """The test's own engine: the 'other window' or CLI writing to the same file."""
    eng = Engine(db_url, clock=clock)
    eng.add_user("alice", groups=["hr"])
    eng.add_user("hannah", groups=["hr"])
    eng.add_user("hr_lead", groups=["hr"])
    eng.add_user("bob", groups=["it"])
    eng.add_user("it_lead", groups=["it"])
    eng.add_user("dan", queues=["it_service_desk"])
    eng.add_user("manager")
    eng.add_user("root", admin=True)
    eng.activate(onboarding)
    yield eng
    eng.close()


@pytest.fixture
def bridge(engine, db_url, clock, qtbot) -> Iterator[EngineBridge]:
    live = EngineBridge(db_url, clock=clock, poll_ms=100)
    qtbot.waitUntil(live.is_ready, timeout=10_000)
    yield live
    live.close()
