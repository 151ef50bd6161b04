"""Run and work filters, and why nobody can work an item, on both runtimes: `baton runs
--assignee`, `baton work list --orchestration/--version/--stage/--created-*` and the items'
`problem` give the same answers on Temporal as locally."""

from __future__ import annotations

from engine.definition import save_definition
from tests.engine.runtime.builders import interactive, orchestration, stage, var


def _ids(result) -> list[str]:
    assert result.code == 0, result.err
    return sorted(r["id"] for r in result.json())


def test_runs_by_assignee_lists_the_runs_with_an_open_item_for_exactly_them(baton):
    # given two reviews for hr, one of whose items goes to bob
    first = baton("start", "review", "--input", "title=Q3").out.strip()
    second = baton("start", "review", "--input", "title=Q4").out.strip()
    item = baton("show", second, "--format", "json").json()["open_items"][0]["id"]
    assert baton("work", "reassign", item, "--to", "user:bob").code == 0
    # when runs are listed by assignee
    # then each assignee's runs are listed, and a user of hr is not the group itself
    assert _ids(baton("runs", "--assignee", "group:hr", "--format", "json")) == [first]
    assert _ids(baton("runs", "--assignee", "user:bob", "--format", "json")) == [second]
    assert _ids(baton("runs", "--assignee", "user:alice", "--format", "json")) == []
    # when bob leaves, his run is stuck, and the stuck list by assignee names it alone
    assert baton("users", "deactivate", "bob").code == 0
    stuck = baton("runs", "--stuck", "--assignee", "user:bob", "--format", "json")
    assert _ids(stuck) == [second]
    assert stuck.json()[0]["reasons"] == [f"work item {item} (approve): user 'bob' is inactive"]


def test_work_list_filters_by_the_runs_orchestration_version_stage_and_creation(baton):
    # given an open review item
    run_id = baton("start", "review", "--input", "title=Q3").out.strip()

    def listed(*filters: str) -> list[str]:
        found = baton("work", "list", *filters, "--format", "json")
        assert found.code == 0, found.err
        return [i["run"] for i in found.json()]

    # then the filters that match it list it, and the others do not
    assert listed("--orchestration", "review", "--version", "1", "--stage", "check") == [run_id]
    assert listed("--orchestration", "other") == []
    assert listed("--version", "2") == []
    assert listed("--stage", "notify") == []
    assert listed("--created-after", "2000-01-01T00:00:00Z") == [run_id]
    assert listed("--created-before", "2000-01-01T00:00:00Z") == []
    assert listed("--created-after", "2999-01-01T00:00:00Z") == []


def test_work_items_say_why_nobody_can_complete_them(baton):
    # given an open review item for hr
    run_id = baton("start", "review", "--input", "title=Q3").out.strip()
    [item] = baton("work", "list", "--format", "json").json()
    # then someone can complete it
    assert item["problem"] is None
    # when alice, hr's only member, leaves
    assert baton("users", "deactivate", "alice").code == 0
    # then the list and the run both say why nobody can
    [item] = baton("work", "list", "--format", "json").json()
    assert item["problem"] == "group 'hr' has no active member"
    shown = baton("show", run_id, "--format", "json").json()
    assert [i["problem"] for i in shown["open_items"]] == ["group 'hr' has no active member"]


def test_an_item_whose_assignee_from_named_nobody_says_so(baton, tmp_path):
    # given an orchestration whose step takes its assignee from an input
    path = tmp_path / "handoff.baton.json"
    step = interactive("handle", None, assignee_from="owner")
    save_definition(
        orchestration("handoff", stage("s", step), variables=[var("owner", input=True)]), path
    )
    assert baton("activate", str(path)).code == 0
    # when a run starts with an owner that is no user, group or queue
    run_id = baton("start", "handoff", "--input", "owner=Ann Smith").out.strip()
    # then its item, the run and the stuck list all say why nobody can complete it
    why = "assignee_from 'owner' gave 'Ann Smith', which is no user, group or queue name"
    [item] = baton("work", "list", "--format", "json").json()
    assert item["run"] == run_id and item["problem"].startswith(why)
    assert item["problem"].endswith("; reassign the item to someone")
    shown = baton("show", run_id, "--format", "json").json()
    assert shown["open_items"][0]["problem"] == item["problem"]
    [stuck] = baton("runs", "--stuck", "--format", "json").json()
    assert stuck["reasons"] == [f"work item {item['id']} (handle): {item['problem']}"]
