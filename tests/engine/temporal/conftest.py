"""Fixtures: a Temporal dev server for the session, a worker per test, a `TemporalEngine`
over a fresh catalogue with the usual people, and `baton` on both runtimes with the review
orchestration (a module with other needs defines its own `baton` over `cli`).

The shared ones live in `fixtures.py` (the designer's Temporal tests use them too).
Without the SDK or the server the tests skip locally and FAIL under CI=true.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from engine.definition import save_definition
from engine.runtime import Engine
from tests.engine.clirunner import Result
from tests.engine.runtime.builders import background, interactive, orchestration, stage, var, wait
from tests.engine.temporal import fixtures

collect_ignore_glob = fixtures.without_sdk("tests/engine/temporal")

# The shared fixtures, under the names tests ask for.
temporal_server = fixtures.temporal_server
task_queue = fixtures.task_queue
temporal_worker = fixtures.temporal_worker
cli = fixtures.cli

APPROVAL = [
    {"name": "decision", "type": "text", "choices": ["approve", "reject"], "required": True}
]


@pytest.fixture
def catalogue(tmp_path) -> Iterator[Engine]:
    """A fresh catalogue database (definitions, users) with the usual people."""
    eng = Engine(str(tmp_path / "catalogue.db"), outbox=tmp_path / "outbox")
    eng.add_user("alice", groups=["hr"])
    eng.add_user("bob", groups=["it"])
    eng.add_user("carol", groups=["hr"])
    eng.add_user("root", admin=True)
    yield eng


@pytest.fixture
def tengine(catalogue, temporal_server, temporal_worker, task_queue, tmp_path, monkeypatch):
    """A `TemporalEngine`: runs on the dev server, the catalogue in SQLite."""
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("BATON_DB", str(tmp_path / "catalogue.db"))  # the worker's actions'
    eng = TemporalEngine(TemporalAddress(temporal_server.target, "default", task_queue), catalogue)
    yield eng
    eng.close()


@pytest.fixture
def baton(cli, tmp_path) -> Callable[..., Result]:
    """`cli` with tester (admin), alice (hr) and bob (it), and the review orchestration
    active: hr approves, then the run waits for `badge_printed` keyed by its title."""
    for args in (
        ("users", "add", "tester", "--role", "admin"),
        ("users", "add", "alice", "--group", "hr"),
        ("users", "add", "bob", "--group", "it"),
    ):
        assert cli(*args).code == 0
    path = tmp_path / "review.baton.json"
    save_definition(
        orchestration(
            "review",
            stage(
                "check",
                interactive("approve", "group:hr", outputs=APPROVAL),
                wait("badge", event="badge_printed", key="title"),
            ),
            stage("notify", background("note", inputs={"message": "'reviewed ' + title"})),
            variables=[var("title", input=True, required=True)],
        ),
        path,
    )
    assert cli("activate", str(path)).code == 0
    return cli
