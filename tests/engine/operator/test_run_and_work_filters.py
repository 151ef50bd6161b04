"""Filters and keyset pages on runs and work items, in the engine and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from engine.cli import main
from engine.runtime import Engine, VirtualClock
from tests.engine.runtime.builders import background, interactive, orchestration, stage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url, tmp_path):
    clock = VirtualClock(T0)
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    engine.add_user("ann", groups=["hr"])
    engine.add_user("bob")
    engine.activate(
        orchestration(
            "review",
            stage("first", interactive("a", "group:hr")),
            stage("second", interactive("b")),
        )
    )
    engine.activate(orchestration("broken", stage("s", background("make", "create_record"))))
    yield engine
    engine.close()


def _start_hourly(engine, definition_id, count):
    started = []
    for _ in range(count):
        engine.clock.set(engine.clock.now() + timedelta(hours=1))
        started.append(engine.start(definition_id))
    return started


def test_runs_filter_by_orchestration_stage_and_start_time(engine):
    reviews = _start_hourly(engine, "review", 4)
    _start_hourly(engine, "broken", 2)
    engine.complete_item(engine.open_item_ids(reviews[0])[0], "ann")  # now in "second"

    in_first = engine.runs(orchestration="review", stage="first")
    late = engine.runs(
        orchestration="review",
        started_after=T0 + timedelta(hours=3),
        started_before=T0 + timedelta(hours=5),
    )

    assert [r["id"] for r in in_first] == reviews[:0:-1]
    assert [r["id"] for r in late] == [reviews[3], reviews[2]]
    assert {r["id"] for r in engine.runs(version=1, orchestration="broken")} == {
        r["id"] for r in engine.runs(status="failed")
    }


def test_runs_come_a_page_at_a_time_newest_first_without_gaps(engine):
    started = _start_hourly(engine, "review", 7)

    pages, after = [], None
    while True:
        page = engine.runs(orchestration="review", after=after, limit=3)
        if not page:
            break
        pages.append([r["id"] for r in page])
        after = (page[-1]["started_at"], page[-1]["id"])

    assert pages == [started[6:3:-1], started[3:0:-1], started[0:1]]


def test_stuck_runs_include_failed_runs_with_their_error(engine):
    (failed,) = _start_hourly(engine, "broken", 1)
    _start_hourly(engine, "review", 1)

    (stuck,) = engine.runs(stuck=True)

    assert stuck["id"] == failed and stuck["reasons"][0].startswith("failed: ")


def test_work_items_page_oldest_first_and_filter_by_assignee(engine):
    runs = _start_hourly(engine, "review", 5)
    engine.complete_item(engine.open_item_ids(runs[0])[0], "ann")  # its next is alice's

    first = engine.work_items("ann", limit=2)
    rest = engine.work_items("ann", after=(first[-1]["created_at"], first[-1]["id"]))
    direct = engine.work_items(assignee="user:alice")

    assert [i["run"] for i in first + rest] == runs[1:]
    assert [i["run"] for i in direct] == [runs[0]]


def test_the_cli_filters_runs_and_says_when_there_are_more(engine, capsys):
    _start_hourly(engine, "review", 3)
    capsys.readouterr()
    db = engine.store.url

    code = main(
        ["runs", "--orchestration", "review", "--limit", "2", "--format", "json", "--db", db]
    )
    shown = capsys.readouterr()

    assert code == 0 and len(json.loads(shown.out)) == 2
    assert main(["runs", "--orchestration", "review", "--limit", "2", "--db", db]) == 0
    more = capsys.readouterr().err
    assert "(more: repeat with --after " in more
    cursor = more.split("--after ")[1].split(")")[0]
    args = ["runs", "--orchestration", "review", "--limit", "2", "--after", cursor]
    assert main([*args, "--format", "json", "--db", db]) == 0
    rest = capsys.readouterr()
    assert len(json.loads(rest.out)) == 1 and rest.err == ""
    first, second = json.loads(shown.out), json.loads(rest.out)
    assert {r["id"] for r in first}.isdisjoint(r["id"] for r in second)
    assert main(["runs", "--started-after", "yesterday", "--db", db]) == 2  # a usage mistake
    assert "is not an ISO time" in capsys.readouterr().err


def test_baton_log_and_definitions_page_with_after_and_limit(db_url, capsys):
    engine = Engine(db_url)
    engine.add_user("root", role="admin")
    for name in ("alpha", "beta", "gamma"):
        engine.activate(orchestration(name, stage("s", interactive("a", "user:root"))))
    run_id = engine.start("alpha")
    engine.close()

    first = main(["definitions", "--limit", "2", "--format", "json", "--db", db_url])
    page_one = capsys.readouterr()
    second = main(["definitions", "--after", "beta:1", "--format", "json", "--db", db_url])
    page_two = json.loads(capsys.readouterr().out)
    logged = main(
        ["log", run_id, "--after", "1", "--limit", "2", "--format", "json", "--db", db_url]
    )
    events = json.loads(capsys.readouterr().out)

    assert first == second == logged == 0
    assert [d["id"] for d in json.loads(page_one.out)] == ["alpha", "beta"]
    assert "next page: --after beta:1" in page_one.err
    assert [d["id"] for d in page_two] == ["gamma"]
    assert [e["seq"] for e in events] == [2, 3]
