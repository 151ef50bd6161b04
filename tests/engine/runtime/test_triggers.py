"""Record triggers (with the recursion guard), `record` read live, and cron schedules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.engine.runtime.builders import background, interactive, orchestration, stage, var

HIRED = {
    "type": "record",
    "object": "Employee",
    "on": ["created", "updated"],
    "condition": "record.status == 'hired'",
}


def _onboarding(engine):
    engine.activate(
        orchestration(
            "onboard",
            stage("s", interactive("welcome")),
            variables=[var("name", input=True, required=True)],
            trigger=HIRED,
        )
    )


def test_creating_a_matching_record_starts_a_run_with_its_fields_as_inputs(engine):
    _onboarding(engine)
    record_id = engine.create_record("Employee", {"name": "Ann", "status": "hired"})
    (run,) = engine.runs()
    detail = engine.run(run["id"])
    assert detail["record"] == {"object": "Employee", "id": record_id}
    assert detail["variables"]["name"] == "Ann"


def test_a_record_that_does_not_match_starts_nothing(engine):
    _onboarding(engine)
    engine.create_record("Employee", {"name": "Ann", "status": "candidate"})
    engine.create_record("Customer", {"name": "Acme", "status": "hired"})
    assert engine.runs() == []


def test_an_update_that_makes_the_condition_true_starts_one_run(engine):
    _onboarding(engine)
    record_id = engine.create_record("Employee", {"name": "Ann", "status": "candidate"})

    engine.update_record("Employee", record_id, {"status": "hired"})
    engine.update_record("Employee", record_id, {"phone": "123"})

    assert len(engine.runs()) == 1


def test_record_in_expressions_reads_the_record_as_it_is_now(engine):
    engine.activate(
        orchestration(
            "live",
            stage("s", interactive("wait_a_bit")),
            stage("t", background("read", action="set_variables", inputs={"seen": "record.phone"})),
            variables=[var("seen")],
            trigger={"type": "record", "object": "Employee", "on": ["created"]},
        )
    )
    record_id = engine.create_record("Employee", {"phone": "old"})
    (run,) = engine.runs()
    engine.update_record("Employee", record_id, {"phone": "new"})

    engine.complete_item(engine.work_items()[0]["id"], "alice")

    assert engine.run(run["id"])["variables"]["seen"] == "new"


def test_a_run_updating_its_own_record_does_not_trigger_itself_again(engine):
    engine.activate(
        orchestration(
            "selfish",
            stage(
                "s",
                background(
                    "touch",
                    action="update_record",
                    inputs={"fields": "{'status': 'hired', 'n': 1}"},
                ),
            ),
            trigger={"type": "record", "object": "Employee", "on": ["created", "updated"]},
        )
    )
    engine.create_record("Employee", {"status": "new"})
    runs = engine.runs()
    assert len(runs) == 1 and runs[0]["status"] == "completed"


def test_a_schedule_starts_a_run_at_each_cron_slot_on_the_virtual_clock(engine, clock):
    engine.activate(
        orchestration(
            "weekly",
            stage("s", background("report")),
            trigger={"type": "schedule", "cron": "0 9 * * 1"},
        )
    )
    # clock starts Monday 2026-01-05 09:00; the next slots are the 12th and the 19th.
    engine.advance(datetime(2026, 1, 20, tzinfo=UTC))
    started = sorted(r["started_at"] for r in engine.runs())
    assert started == ["2026-01-12T09:00:00.000000Z", "2026-01-19T09:00:00.000000Z"]


def test_a_deactivated_schedule_starts_nothing(engine, clock):
    engine.activate(
        orchestration(
            "daily",
            stage("s", background("report")),
            trigger={"type": "schedule", "cron": "0 * * * *"},
        )
    )
    engine.deactivate("daily")
    engine.advance(clock.now() + timedelta(days=1))
    assert engine.runs() == []
