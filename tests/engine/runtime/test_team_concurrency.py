"""Several desktops and workers on one database: every transition happens exactly once.

Real processes (spawned, each with its own Engine and connections) race on the same rows,
on SQLite and on PostgreSQL. A barrier before every attempt makes the calls overlap.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.runtime import Engine, VirtualClock
from tests.engine.runtime.builders import interactive, orchestration, stage, wait
from tests.engine.runtime.racers import race

REPO = Path(__file__).resolve().parents[3]
ROUNDS = 12


def _race(db_url: str, first: tuple, second: tuple, rounds: int) -> list[tuple]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=race, args=(db_url, barrier, results, *args)) for args in (first, second)
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * rounds)]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    return outcomes


def _assert_logs_gap_free(engine: Engine, run_ids: list[str]) -> None:
    for run_id in run_ids:
        seqs = [e["seq"] for e in engine.log(run_id)]
        assert seqs == list(range(1, len(seqs) + 1))


@pytest.fixture
def team(db_url, clock):
    engine = Engine(db_url, clock=clock)
    engine.add_user("alice", groups=["hr"])
    engine.add_user("carol", groups=["hr"])
    engine.add_user("bob")
    engine.add_user("olga", role="operator")
    engine.add_user("root", admin=True)
    yield engine
    engine.close()


def _runs_with_one_item(engine: Engine, assignee: str, rounds: int) -> tuple[list, list]:
    engine.activate(
        orchestration(
            "race",
            stage("signing", interactive("sign", assignee)),
            stage("filing", interactive("f")),
        )
    )
    runs = [engine.start("race") for _ in range(rounds)]
    return runs, [engine.open_item_ids(r)[0] for r in runs]


@pytest.mark.slow
def test_two_users_completing_one_item_at_once_exactly_one_wins(team, db_url):
    runs, items = _runs_with_one_item(team, "group:hr", ROUNDS)

    outcomes = _race(
        db_url,
        ("a", "complete", items, "alice"),
        ("c", "complete", items, "carol"),
        ROUNDS,
    )

    per_item = Counter(o[1] for o in outcomes if o[2] == "ok")
    assert per_item == Counter(items)  # exactly one success per item
    losers = [o for o in outcomes if o[2] != "ok"]
    assert len(losers) == ROUNDS
    for _, item, kind, text in losers:
        assert kind == "Conflict"
        assert f"work item {item} was already completed by " in text and " at 20" in text
    for run_id in runs:
        completed = [e for e in team.log(run_id) if e["type"] == "item_completed"]
        assert len(completed) == 1
        assert team.run(run_id)["stage"] == "filing"
    _assert_logs_gap_free(team, runs)


@pytest.mark.slow
def test_reassign_racing_complete_one_of_them_happens_never_both(team, db_url):
    runs, items = _runs_with_one_item(team, "user:alice", ROUNDS)

    outcomes = _race(
        db_url,
        ("op", "reassign", items, "olga", "user:bob"),
        ("a", "complete", items, "alice"),
        ROUNDS,
    )

    by_item: dict[str, dict[str, str]] = {}
    for name, item, kind, _ in outcomes:
        by_item.setdefault(item, {})[name] = kind
    for run_id, item in zip(runs, items, strict=True):
        kinds = by_item[item]
        types = [e["type"] for e in team.log(run_id)]
        if kinds["a"] == "ok":  # completed first: the reassignment was refused
            assert kinds["op"] == "Conflict"
            assert "item_reassigned" not in types and types.count("item_completed") == 1
        else:  # reassigned first: alice no longer may complete it
            assert kinds == {"op": "ok", "a": "PermissionDenied"}
            assert "item_completed" not in types and types.count("item_reassigned") == 1
    _assert_logs_gap_free(team, runs)


@pytest.mark.slow
def test_cancel_racing_complete_leaves_each_run_consistent(team, db_url):
    runs, items = _runs_with_one_item(team, "user:alice", ROUNDS)

    outcomes = _race(
        db_url,
        ("op", "cancel", runs, "olga"),
        ("a", "complete", items, "alice"),
        ROUNDS,
    )

    completes = {o[1]: o for o in outcomes if o[0] == "a"}
    assert all(o[2] == "ok" for o in outcomes if o[0] == "op")  # a run can always be canceled
    for run_id, item in zip(runs, items, strict=True):
        types = [e["type"] for e in team.log(run_id)]
        assert team.run(run_id)["status"] == "canceled"
        assert types.count("run_canceled") == 1
        if completes[item][2] == "ok":  # completed, then the next stage's item withdrawn
            assert types.index("item_completed") < types.index("run_canceled")
        else:  # canceled first: the item was withdrawn, the completion refused
            assert completes[item][2] == "Conflict" and "was withdrawn" in completes[item][3]
            assert "item_completed" not in types
    _assert_logs_gap_free(team, runs)


def _baton() -> list[str]:
    script = Path(sys.executable).parent / "baton"
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli.app"]


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="stops workers with SIGTERM")
def test_two_workers_fire_each_timer_exactly_once(db_url):
    # given runs whose timeouts fell due long ago (started on a virtual clock in 2020)
    engine = Engine(db_url, clock=VirtualClock(datetime(2020, 1, 1, 9, tzinfo=UTC)))
    engine.add_user("alice")
    engine.activate(
        orchestration(
            "timed",
            stage("hold", wait("cool", timeout="PT1H"), wait("settle", timeout="PT2H")),
            stage("filing", interactive("file")),
        )
    )
    runs = [engine.start("timed") for _ in range(30)]

    # when two `baton worker` processes work the same database
    env = {**os.environ, "BATON_DB": db_url, "PYTHONPATH": str(REPO)}
    workers = [
        subprocess.Popen(
            [*_baton(), "worker", "--poll", "0.2"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        # both are up (each prints its banner once its signal handlers are set)
        banners = [w.stderr.readline() for w in workers]
        assert all(b.startswith("baton worker on ") for b in banners), banners
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if all(engine.run(r)["stage"] == "filing" for r in runs):
                break
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        errors = [w.communicate(timeout=30)[1] for w in workers]

    # then every timer fired once, and both workers exited cleanly
    assert [w.returncode for w in workers] == [0, 0], errors
    for run_id in runs:
        log = engine.log(run_id)
        fired = Counter(e["payload"]["step"] for e in log if e["type"] == "timer_fired")
        assert fired == {"cool": 1, "settle": 1}, run_id
        assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
        assert len(engine.open_item_ids(run_id)) == 1
    engine.close()
