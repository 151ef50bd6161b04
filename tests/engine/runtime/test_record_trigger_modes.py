"""A record trigger's update mode: only when an update makes the condition hold (the
default), or on every update after which it holds (`every_update`, Salesforce's
`doesRequireRecordChangedToMeetCriteria` false)."""

from __future__ import annotations

from tests.engine.runtime.builders import interactive, orchestration, stage


def _escalations(engine, every_update: bool) -> None:
    trigger = {
        "type": "record",
        "object": "Case",
        "on": ["updated"],
        "condition": "record.priority == 'high'",
    }
    if every_update:
        trigger["every_update"] = True
    engine.activate(orchestration("esc", stage("s", interactive("call")), trigger=trigger))


def _three_updates_of_a_high_priority_case(engine) -> None:
    case = engine.create_record("Case", {"priority": "low"})
    engine.update_record("Case", case, {"priority": "high"})
    engine.update_record("Case", case, {"note": "customer called again"})
    engine.update_record("Case", case, {"note": "and again"})


def test_by_default_only_the_update_that_makes_the_condition_hold_starts_a_run(engine):
    _escalations(engine, every_update=False)

    _three_updates_of_a_high_priority_case(engine)

    assert len(engine.runs()) == 1


def test_every_update_mode_starts_a_run_on_each_update_after_which_the_condition_holds(engine):
    _escalations(engine, every_update=True)

    _three_updates_of_a_high_priority_case(engine)

    assert len(engine.runs()) == 3
    [(record_run)] = {tuple(engine.run(r["id"])["record"].values()) for r in engine.runs()}
    assert record_run[0] == "Case"


def test_every_update_mode_starts_nothing_on_updates_where_the_condition_fails(engine):
    _escalations(engine, every_update=True)
    case = engine.create_record("Case", {"priority": "low"})

    engine.update_record("Case", case, {"note": "still low"})

    assert engine.runs() == []
