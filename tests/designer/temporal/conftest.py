"""The designer against a real Temporal runtime: a dev server started by the tests and a
Baton worker on the test's own task queue (the engine suite's fixtures,
tests/engine/temporal/fixtures.py), and a catalogue database with the onboarding example
and its people.

Without the `temporal` extra these tests skip locally and FAIL under CI=true, as the
engine's Temporal tests do.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported anywhere

import uuid
from pathlib import Path

import pytest
from temporal_helpers import ONBOARDING

from tests.engine.temporal import fixtures

collect_ignore_glob = fixtures.without_sdk("tests/designer/temporal")

# The engine suite's fixtures (its own dev server in this pytest process), by name.
temporal_server = fixtures.temporal_server
temporal_worker = fixtures.temporal_worker


@pytest.fixture
def task_queue(monkeypatch) -> str:
    """A task queue of this test's own (clients read it from BATON_TASK_QUEUE, as the
    CLI's do), so tests never see each other's runs."""
    queue = f"baton-desk-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("BATON_TASK_QUEUE", queue)
    return queue


@pytest.fixture
def runtime(temporal_server) -> str:
    """The `BATON_RUNTIME` value of the dev server."""
    return temporal_server.address()


@pytest.fixture
def catalogue_path(tmp_path) -> Path:
    return tmp_path / "catalogue.db"


@pytest.fixture
def cli(temporal_server, temporal_worker, task_queue, catalogue_path, tmp_path, monkeypatch):
    """The 'CLI' of the walkthrough: a `TemporalEngine` of the test's own on the same
    server and catalogue, with the onboarding example active and its people added."""
    from engine.definition import load_definition
    from engine.runtime import Engine
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    catalogue = Engine(str(catalogue_path))
    for name, groups, queues in (
        ("alice", ["hr"], []),
        ("bob", ["it"], []),
        ("dan", [], ["it_service_desk"]),
        ("manager", [], []),
    ):
        catalogue.add_user(name, groups=groups, queues=queues)
    catalogue.add_user("root", admin=True)
    engine = TemporalEngine(TemporalAddress(temporal_server.target, "default", task_queue),
                            catalogue)  # fmt: skip
    engine.activate(load_definition(ONBOARDING))
    yield engine
    engine.close()


@pytest.fixture
def on_temporal(monkeypatch, runtime, catalogue_path) -> None:
    """The environment the walkthrough sets: runs on the dev server, this catalogue."""
    monkeypatch.setenv("BATON_RUNTIME", runtime)
    monkeypatch.setenv("BATON_DB", str(catalogue_path))
