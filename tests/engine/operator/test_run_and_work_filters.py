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


def test_runs_filter_by_the_assignee_of_an_open_item_stuck_ones_too(engine):
    runs = _start_hourly(engine, "review", 3)
    engine.complete_item(engine.open_item_ids(runs[0])[0], "ann")  # now waits on user:alice

    on_alice = engine.runs(assignee="user:alice")
    on_hr = engine.runs(assignee="group:hr", orchestration="review")
    stuck_on_alice = engine.runs(stuck=True, assignee="user:alice")  # alice is unknown

    assert [r["id"] for r in on_alice] == [runs[0]]
    assert [r["id"] for r in on_hr] == [runs[2], runs[1]]
    assert [r["id"] for r in stuck_on_alice] == [runs[0]]


def test_work_items_filter_by_orchestration_stage_and_creation_time(engine):
    runs = _start_hourly(engine, "review", 4)
    engine.complete_item(engine.open_item_ids(runs[0])[0], "ann")  # its item is in "second"

    in_second = engine.work_items(stage="second")
    of_review = engine.work_items(orchestration="review", version=1)
    late = engine.work_items(
        created_after=T0 + timedelta(hours=3), created_before=T0 + timedelta(hours=5)
    )

    assert [i["run"] for i in in_second] == [runs[0]]
    assert sorted(i["run"] for i in of_review) == sorted(runs)
    # (runs[0]'s second item was created at the fourth hour, when its first was completed)
    assert sorted(i["run"] for i in late) == sorted([runs[2], runs[3], runs[0]])
    assert engine.work_items(orchestration="broken") == []


def test_the_cli_filters_work_and_runs_by_these_too(engine, capsys):
    runs = _start_hourly(engine, "review", 3)
    engine.complete_item(engine.open_item_ids(runs[0])[0], "ann")
    db = engine.store.url
    capsys.readouterr()

    assert main(["work", "list", "--stage", "first", "-q", "--db", db]) == 0
    first_items = capsys.readouterr().out.split()
    assert main(["work", "list", "--created-after", "2026-03-02T11:30Z", "-q", "--db", db]) == 0
    late_items = capsys.readouterr().out.split()
    assert main(["runs", "--assignee", "user:alice", "-q", "--db", db]) == 0
    on_alice = capsys.readouterr().out.split()
    assert main(["work", "list", "--created-before", "soon", "--db", db]) == 2

    assert len(first_items) == 2 and len(late_items) == 2  # runs[2]'s, runs[0]'s second
    assert on_alice == [runs[0]]
    assert "is not an ISO time" in capsys.readouterr().err
