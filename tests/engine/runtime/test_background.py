"""Background steps: actions, retries on the engine clock, failure, operator retry/skip."""

from __future__ import annotations

import email
from datetime import timedelta

import pytest

from engine.actions import register_action, unregister_action
from engine.errors import Conflict
from tests.engine.runtime.builders import (
    background,
    interactive,
    items_of,
    orchestration,
    stage,
    step_status,
    var,
)


class Flaky:
    """An action that fails its first `failures` calls, then succeeds."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self, inputs, context):
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"service unavailable (call {self.calls})")
        return {"ok": True, "attempt": context.attempt}


@pytest.fixture
def flaky():
    def install(failures: int) -> Flaky:
        action = Flaky(failures)
        register_action("flaky", action)
        return action

    yield install
    unregister_action("flaky")


def _retrying(engine, attempts=3, delay="PT1M"):
    engine.activate(
        orchestration(
            "retrying",
            stage(
                "s",
                background("call", action="flaky", retry={"attempts": attempts, "delay": delay}),
            ),
        )
    )


def test_a_failing_action_is_retried_after_its_delay_on_the_engine_clock(engine, flaky):
    action = flaky(failures=1)
    _retrying(engine)
    run_id = engine.start("retrying")
    assert step_status(engine, run_id) == {"call": "waiting"} and action.calls == 1

    engine.advance(engine.clock.now() + timedelta(seconds=59))
    assert action.calls == 1

    engine.advance(engine.clock.now() + timedelta(seconds=1))
    run = engine.run(run_id)
    assert run["status"] == "completed"
    assert run["steps"][0]["outputs"] == {"ok": True, "attempt": 2}


def test_an_action_failing_every_attempt_fails_the_step_and_the_run(engine, flaky):
    action = flaky(failures=99)
    _retrying(engine, attempts=3)
    run_id = engine.start("retrying")

    engine.advance(engine.clock.now() + timedelta(minutes=10))

    run = engine.run(run_id)
    assert action.calls == 3
    assert run["status"] == "failed"
    assert run["steps"][0]["status"] == "failed" and run["steps"][0]["attempts"] == 3
    assert "service unavailable (call 3)" in run["error"]
    failures = [e for e in engine.log(run_id) if e["type"] == "step_attempt_failed"]
    assert [e["payload"]["attempt"] for e in failures] == [1, 2, 3]


def test_retries_without_delay_happen_in_the_same_call(engine, flaky):
    flaky(failures=2)
    _retrying(engine, attempts=3, delay="PT0S")
    run_id = engine.start("retrying")
    assert engine.run(run_id)["status"] == "completed"


def test_operator_retry_of_a_failed_step_recovers_the_run(engine, flaky):
    action = flaky(failures=1)
    _retrying(engine, attempts=1)
    run_id = engine.start("retrying")
    assert engine.run(run_id)["status"] == "failed"

    engine.retry(run_id, "call", actor="root")

    assert action.calls == 2
    assert engine.run(run_id)["status"] == "completed"
    assert "step_retried" in [e["type"] for e in engine.log(run_id)]


def test_retrying_a_step_that_did_not_fail_is_refused(engine):
    engine.activate(orchestration("ok", stage("s", interactive("a"))))
    run_id = engine.start("ok")
    with pytest.raises(Conflict, match="only a failed step can be retried"):
        engine.retry(run_id, "a")


def test_operator_skip_gives_outputs_to_later_steps(engine, flaky):
    flaky(failures=99)
    engine.activate(
        orchestration(
            "skipping",
            stage("s", background("call", action="flaky")),
            stage("t", background("use", action="set_variables", inputs={"ref": "call.ref"})),
            variables=[var("ref")],
        )
    )
    run_id = engine.start("skipping")
    assert engine.run(run_id)["status"] == "failed"

    engine.skip(run_id, "call", {"ref": "MANUAL-1"}, actor="root")

    run = engine.run(run_id)
    assert run["status"] == "completed"
    assert run["variables"]["ref"] == "MANUAL-1"
    assert step_status(engine, run_id)["call"] == "skipped"


def test_skipping_an_open_interactive_step_withdraws_its_item(engine):
    engine.activate(orchestration("sk", stage("s", interactive("a"), interactive("b"))))
    run_id = engine.start("sk")
    engine.skip(run_id, "a")
    assert [i["step"] for i in items_of(engine, run_id)] == ["b"]


def test_send_email_writes_one_eml_to_the_outbox_even_when_retried(engine, flaky, tmp_path):
    flaky(failures=99)
    engine.activate(
        orchestration(
            "mail",
            stage(
                "s",
                background(
                    "welcome",
                    action="send_email",
                    inputs={
                        "to": "'ann@example.com'",
                        "subject": "'Welcome'",
                        "body": "'Hi ' + who",
                    },
                ),
                background("then_fail", action="flaky", after=["welcome"]),
            ),
            variables=[var("who", input=True)],
        )
    )
    run_id = engine.start("mail", {"who": "Ann"})
    engine.skip(run_id, "then_fail")
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes())
    assert message["To"] == "ann@example.com" and message["Subject"] == "Welcome"
    assert "Hi Ann" in message.get_payload()


def test_create_and_update_record_actions_write_the_record_store(engine):
    engine.activate(
        orchestration(
            "records",
            stage(
                "s",
                background(
                    "make",
                    action="create_record",
                    inputs={"object": "'Laptop'", "fields": "{'tag': 'A1'}"},
                ),
            ),
            stage(
                "t",
                background(
                    "tag",
                    action="update_record",
                    inputs={
                        "object": "'Laptop'",
                        "id": "make.record_id",
                        "fields": "{'owner': 'ann'}",
                    },
                ),
            ),
        )
    )
    run_id = engine.start("records")
    record_id = engine.run(run_id)["steps"][0]["outputs"]["record_id"]
    assert engine.record("Laptop", record_id) == {"tag": "A1", "owner": "ann"}


def test_a_failed_attempt_leaves_no_record_behind(engine):
    def create_then_fail(inputs, context):
        context.create_record("Ticket", {"n": context.attempt})
        raise RuntimeError("boom")

    register_action("half_done", create_then_fail)
    try:
        engine.activate(orchestration("half", stage("s", background("x", action="half_done"))))
        engine.start("half")
        with engine.store.read() as conn:
            count = conn.exec_driver_sql("SELECT count(*) FROM records").scalar()
        assert count == 0
    finally:
        unregister_action("half_done")


def test_a_child_orchestration_completes_its_parent_step_with_its_variables(engine):
    engine.activate(
        orchestration(
            "child",
            stage(
                "c",
                interactive("approve", "user:bob"),
                background("mark", action="set_variables", inputs={"result": "'done ' + who"}),
            ),
            variables=[var("who", input=True, required=True), var("result")],
        )
    )
    engine.activate(
        orchestration(
            "parent",
            stage(
                "p",
                background(
                    "spawn",
                    action="start_orchestration",
                    inputs={"orchestration": "'child'", "inputs": "{'who': 'ann'}"},
                ),
            ),
            stage(
                "q", background("copy", action="set_variables", inputs={"final": "spawn.result"})
            ),
            variables=[var("final")],
        )
    )
    parent = engine.start("parent")
    assert step_status(engine, parent) == {"spawn": "waiting"}
    child = engine.run(parent)["steps"][0]
    child_runs = [r for r in engine.runs() if r["orchestration"] == "child"]
    assert len(child_runs) == 1 and child["status"] == "waiting"

    engine.complete_item(engine.work_items("bob")[0]["id"], "bob")

    assert engine.run(child_runs[0]["id"])["status"] == "completed"
    run = engine.run(parent)
    assert run["status"] == "completed"
    assert run["variables"]["final"] == "done ann"


def test_canceling_a_parent_cancels_its_child(engine):
    engine.activate(orchestration("kid", stage("c", interactive("wait_here"))))
    engine.activate(
        orchestration(
            "mom",
            stage(
                "p",
                background(
                    "spawn", action="start_orchestration", inputs={"orchestration": "'kid'"}
                ),
            ),
        )
    )
    parent = engine.start("mom")
    engine.cancel(parent, "not needed")
    assert {r["orchestration"]: r["status"] for r in engine.runs()} == {
        "mom": "canceled",
        "kid": "canceled",
    }
    assert engine.work_items() == []
