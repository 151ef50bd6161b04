"""Fixtures: an engine on a fresh database of each backend (SQLite and PostgreSQL), a
virtual clock and the people the onboarding example assigns work to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.runtime import Engine, VirtualClock


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def engine(db_url, tmp_path, clock) -> Iterator[Engine]:
    eng = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    eng.add_user("alice", groups=["hr", "security"])
    eng.add_user("bob", groups=["it"], queues=["it_service_desk"])
    eng.add_user("manager")
    eng.add_user("root", admin=True)
    yield eng
    eng.close()
