"""Lists read again query only the runs that moved: a run's detail is kept with its last
event number, and a listing whose `BatonSeq` shows nothing newer reuses it (the designer's
Runs, Inbox and Heatmap re-list after every change anywhere)."""

from __future__ import annotations

from pathlib import Path

from engine.definition import load_definition

ONBOARDING = Path(__file__).parents[3] / "resources/examples/employee_onboarding.baton.json"
APPROVE = {"decision": "approve", "start_date": "2026-02-02"}


def _start(engine, employee: str) -> str:
    email = employee.lower() + "@example.com"
    return engine.start("employee_onboarding", {"employee": employee, "email": email})


def _counting_detail_queries(engine, monkeypatch) -> list[str]:
    """The run ids of detail queries the engine sends to Temporal from now on (the real
    queries still go out; this only counts them)."""
    from engine.temporal.workflow import BatonRun

    sent: list[str] = []
    query = engine._query

    async def counted(run_id, what, *args):
        if what is BatonRun.detail:
            sent.append(run_id)
        return await query(run_id, what, *args)

    monkeypatch.setattr(engine, "_query", counted)
    return sent


def test_listing_again_queries_only_the_runs_that_moved(tengine, monkeypatch):
    tengine.activate(load_definition(ONBOARDING))
    ada, bo, cy = (_start(tengine, name) for name in ("Ada", "Bo", "Cy"))
    sent = _counting_detail_queries(tengine, monkeypatch)

    # Given the stuck runs and alice's work listed once (each run read once)
    first_stuck = tengine.runs(stuck=True)
    first_items = tengine.work_items(user="alice")
    assert sorted(set(sent)) == sorted([ada, bo, cy])

    # When nothing moved, listing again reads no run
    sent.clear()
    assert tengine.runs(stuck=True) == first_stuck
    assert tengine.work_items(user="alice") == first_items
    assert sent == []

    # When Ada's contract is approved, the next listings read Ada's run only
    ada_item = next(i["id"] for i in first_items if i["run"] == ada)
    tengine.complete_item(ada_item, "alice", APPROVE)
    sent.clear()
    items = tengine.work_items(user="alice")
    stuck = tengine.runs(stuck=True)
    assert set(sent) == {ada}

    # And what they say is what a fresh look at every run says
    monkeypatch.undo()
    tengine._details.clear()
    assert items == tengine.work_items(user="alice")
    assert stuck == tengine.runs(stuck=True)
    assert ada not in {i["run"] for i in items}
