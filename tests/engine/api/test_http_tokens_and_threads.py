"""Tokens against the running server (revoked, inactive user), the default loopback bind,
and a call stuck on the database not holding up anyone else."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from engine.cli import main


def test_the_server_binds_to_loopback_by_default(served):
    assert served.server.url.startswith("http://127.0.0.1:")


def test_a_revoked_token_is_refused_from_the_next_request_on(served, capsys):
    assert main(["tokens", "create", "--user", "esign", "--db", served.server.db]) == 0
    token = capsys.readouterr().out.strip()
    client = served.server.client(token)
    assert client.get("/v1/me").status_code == 200
    token_id = token.split("_")[1]

    assert main(["tokens", "revoke", token_id, "--as", "root", "--db", served.server.db]) == 0

    refused = client.get("/v1/me")
    client.close()
    assert refused.status_code == 401
    assert f"the API token {token_id} was revoked at" in refused.json()["message"]


def test_a_token_of_a_deactivated_user_is_refused_with_403(served, capsys):
    assert main(["users", "add", "temp", "--as", "root", "--db", served.server.db]) == 0
    capsys.readouterr()
    assert main(["tokens", "create", "--user", "temp", "--db", served.server.db]) == 0
    client = served.server.client(capsys.readouterr().out.strip())
    assert main(["users", "deactivate", "temp", "--as", "root", "--db", served.server.db]) == 0

    refused = client.get("/v1/runs")
    client.close()

    assert refused.status_code == 403
    assert refused.json()["message"].startswith("user 'temp' is inactive")


@contextmanager
def _writes_locked(db: str) -> Iterator[None]:
    """Hold, from another connection, a lock that stops runs being written but not read."""
    if "://" not in db:
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # SQLite's single write lock; WAL readers go on
    else:
        holder = psycopg.connect(db)
        # EXCLUSIVE lets plain SELECTs through and blocks every insert into runs.
        holder.execute("LOCK TABLE runs IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def test_a_call_waiting_on_a_locked_database_does_not_hold_up_other_requests(served):
    result: dict = {}

    def start_run() -> None:
        with served.server.client(served.tokens["esign"]) as client:
            result["start"] = client.post(
                "/v1/runs", json={"orchestration": "badge", "inputs": {"employee": "lock"}}
            )

    starter = threading.Thread(target=start_run)
    # given another process holds a lock that stops runs being written
    with _writes_locked(served.server.db):
        # when a start call begins and waits for that lock
        starter.start()
        starter.join(1.0)
        assert starter.is_alive(), "the start call should be waiting for the lock"

        # then the probes and reads still answer while it waits
        with served.server.client(served.tokens["ann"]) as client:
            health = client.get("/health")
            runs = client.get("/v1/runs", params={"limit": 1})
        assert starter.is_alive(), "the start call should still be waiting for the lock"
    starter.join(60)

    assert health.status_code == 200 and runs.status_code == 200
    # and once the lock is gone the waiting call goes through
    assert result["start"].status_code == 201, result["start"].text
