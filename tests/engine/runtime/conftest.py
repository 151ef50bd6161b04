"""Fixtures: an engine on a real SQLite file in tmp_path, with a virtual clock and people."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.runtime import Engine, VirtualClock


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def engine(tmp_path, clock) -> Iterator[Engine]:
    eng = Engine(str(tmp_path / "baton.db"), clock=clock)
    eng.add_user("alice", groups=["hr"])
    eng.add_user("bob", groups=["it"])
    eng.add_user("carol", groups=["hr"])
    eng.add_user("root", admin=True)
    yield eng
    eng.close()
