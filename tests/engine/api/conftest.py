"""The API tests talk HTTP to a real `baton serve` subprocess, once per backend.

One server per test module and backend (starting one costs about a second); tests share
its database, so each starts its own runs and asserts only about those.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from engine.api.tokens import create_token
from engine.runtime import Engine
from tests.engine.api.server_process import ServerProcess
from tests.engine.runtime.builders import (
    background,
    interactive,
    orchestration,
    stage,
    var,
    wait,
)

PEOPLE = {
    # name: (role, groups)
    "root": ("admin", []),
    "olivia": ("operator", []),
    "ann": ("assignee", ["hr"]),
    "ben": ("assignee", ["hr"]),
    "carl": ("assignee", ["it"]),
    "esign": ("assignee", []),
}


def definitions() -> list:
    """approval (an hr item with a decision), badge (a wait for an event by key),
    hire (record-triggered), broken (a background step that always fails)."""
    decision = {"name": "decision", "choices": ["approve", "reject"], "required": True}
    return [
        orchestration(
            "approval",
            stage("review", interactive("approve", "group:hr", outputs=[decision])),
            variables=[var("amount", "number", input=True, required=True)],
        ),
        orchestration(
            "badge",
            stage("s", wait("printed", event="badge_printed", key="employee", timeout="P5D")),
            variables=[var("employee", input=True)],
        ),
        orchestration(
            "hire",
            stage("welcome", interactive("greet", "user:carl")),
            variables=[var("name", input=True)],
            trigger={
                "type": "record",
                "object": "Employee",
                "on": ["created", "updated"],
                "condition": "record.status == 'hired'",
            },
        ),
        orchestration(
            "nda",
            stage("s", wait("signed", event="nda_signed", key="ref", buffer="PT1H")),
            variables=[var("ref", input=True)],
        ),
        orchestration(
            "broken",
            stage("s", background("make", action="create_record", inputs={})),
        ),
    ]


@dataclass
class Served:
    """A running server and a token per person."""

    server: ServerProcess
    tokens: dict[str, str] = field(default_factory=dict)
    _clients: list[httpx.Client] = field(default_factory=list)

    def as_(self, name: str) -> httpx.Client:
        """A client acting as `name` (their token)."""
        client = self.server.client(self.tokens[name])
        self._clients.append(client)
        return client

    def anonymous(self) -> httpx.Client:
        """A client sending no token."""
        client = self.server.client()
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self.server.stop()


def prepare(db: str) -> dict[str, str]:
    """Users, definitions and one token per user in a fresh database."""
    engine = Engine(db)
    try:
        for name, (role, groups) in PEOPLE.items():
            engine.add_user(name, groups=groups, role=role)
        for definition in definitions():
            engine.activate(definition)
        return {name: create_token(engine, name, "tests").secret for name in PEOPLE}
    finally:
        engine.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory) -> Iterator[Served]:
    """`baton serve` on a fresh, prepared database of each backend."""
    if request.param == "sqlite":
        db = str(tmp_path_factory.mktemp("api") / "baton.db")
    else:
        db = request.getfixturevalue("pg_server").fresh_database()
    tokens = prepare(db)
    outbox = str(tmp_path_factory.mktemp("outbox"))
    result = Served(ServerProcess(db, env={"BATON_OUTBOX": outbox}), tokens)
    try:
        yield result
    finally:
        result.close()
