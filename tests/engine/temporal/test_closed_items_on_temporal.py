"""Closed work items and finished commands on both runtimes: `baton work list --all` lists
completed and withdrawn items with the same filters and pages on Temporal as locally, and an
in-process command leaves no Temporal client thread behind."""

from __future__ import annotations

import threading

import pytest


def _rows(result) -> list[tuple]:
    assert result.code == 0, result.err
    return [
        (i["run"], i["step"], i["assignee"], i["status"], i["completed_by"], i["problem"])
        for i in result.json()
    ]


def test_work_list_all_shows_completed_and_withdrawn_items_beside_open_ones(baton):
    # given three reviews: one approved by alice, one canceled, one still open
    done, gone, waiting = (
        baton("start", "review", "--input", f"title={t}").out.strip() for t in ("A", "B", "C")
    )
    item = baton("show", done, "--format", "json").json()["open_items"][0]["id"]
    approved = baton("work", "complete", item, "--as", "alice", "--output", "decision=approve")
    assert approved.code == 0, approved.err
    assert baton("cancel", gone, "--reason", "duplicate").code == 0

    # when the work list is read with and without --all
    everything = baton("work", "list", "--all", "--format", "json")
    open_only = baton("work", "list", "--format", "json")

    # then --all shows all three, oldest first, each with its status; only the open one is
    # in the plain list
    assert _rows(everything) == [
        (done, "approve", "group:hr", "completed", "alice", None),
        (gone, "approve", "group:hr", "withdrawn", None, None),
        (waiting, "approve", "group:hr", "open", None, None),
    ]
    assert [r[0] for r in _rows(open_only)] == [waiting]
    # and the text table says which is which
    table = baton("work", "list", "--all").out.splitlines()
    assert table[0].split()[:5] == ["ITEM", "RUN", "STEP", "STATUS", "ASSIGNEE"]
    assert [line.split()[3] for line in table[1:]] == ["completed", "withdrawn", "open"]


def test_work_list_all_keeps_the_filters_and_pages_of_open_items(baton):
    # given a review approved by alice and a second one still open
    first = baton("start", "review", "--input", "title=A").out.strip()
    second = baton("start", "review", "--input", "title=B").out.strip()
    item = baton("show", first, "--format", "json").json()["open_items"][0]["id"]
    approved = baton("work", "complete", item, "--as", "alice", "--output", "decision=approve")
    assert approved.code == 0, approved.err
    created = baton("work", "list", "--all", "--format", "json").json()

    def runs_listed(*args: str) -> list[str]:
        return [r[0] for r in _rows(baton("work", "list", "--all", *args, "--format", "json"))]

    # then whose items, which orchestration and when they were made narrow closed ones too
    assert runs_listed("--as", "alice") == [first, second]
    assert runs_listed("--as", "bob") == []
    assert runs_listed("--assignee", "group:hr") == [first, second]
    assert runs_listed("--orchestration", "review", "--version", "1") == [first, second]
    assert runs_listed("--orchestration", "other") == []
    assert runs_listed("--created-after", created[1]["created_at"]) == [second]
    assert runs_listed("--created-before", created[1]["created_at"]) == [first]
    # and a page of one names the next page, which holds the other
    page = baton("work", "list", "--all", "--limit", "1", "--format", "json")
    assert [i["run"] for i in page.json()] == [first]
    cursor = page.err.split("--after ")[1].split(")")[0]
    rest = baton("work", "list", "--all", "--after", cursor, "--format", "json")
    assert [i["run"] for i in rest.json()] == [second]


def _temporal_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "baton-temporal"]


def test_a_command_leaves_no_client_thread_behind(baton):
    # given the Temporal client threads running before (none of the fixture's commands)
    before = _temporal_threads()
    # when commands run in this process, one of them refused
    assert baton("start", "review", "--input", "title=A").code == 0
    assert baton("runs", "--format", "json").code == 0
    assert baton("show", "run-0000000000").code != 0
    # then each closed its engine: no Temporal client thread is left running
    assert _temporal_threads() == before


@pytest.mark.parametrize("cli", ["temporal"], indirect=True)
def test_finished_runs_items_are_listed_from_their_memo_with_no_worker_running(
    baton, temporal_worker
):
    # given a review approved by alice whose run then completed, and one canceled
    done = baton("start", "review", "--input", "title=A").out.strip()
    gone = baton("start", "review", "--input", "title=B").out.strip()
    item = baton("show", done, "--format", "json").json()["open_items"][0]["id"]
    approved = baton("work", "complete", item, "--as", "alice", "--output", "decision=approve")
    assert approved.code == 0, approved.err
    assert baton("event", "send", "badge_printed", "--key", "A").code == 0
    assert baton("show", done, "--format", "json").json()["status"] == "completed"
    assert baton("cancel", gone, "--reason", "duplicate").code == 0
    # and no worker left to answer a query (a closed run's query replays it on a worker)
    temporal_worker.stop()

    # when the work list is read with --all
    listed = baton("work", "list", "--all", "--format", "json")

    # then both closed items come from what the runs left in visibility as they ended
    assert _rows(listed) == [
        (done, "approve", "group:hr", "completed", "alice", None),
        (gone, "approve", "group:hr", "withdrawn", None, None),
    ]
    first = listed.json()[0]
    assert (first["title"], first["orchestration"], first["version"]) == ("Approve", "review", 1)
    assert first["outputs"] == {"decision": "approve"}
