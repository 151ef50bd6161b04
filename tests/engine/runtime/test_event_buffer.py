"""Event buffering: `buffer:` on a wait step keeps an event sent before the wait opened."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.cli import main
from engine.definition import from_dict
from engine.errors import DefinitionLoadError
from engine.validation import validate
from tests.engine.runtime.builders import interactive, orchestration, stage, wait


def _contract(buffer: str | None) -> object:
    extra = {"buffer": buffer} if buffer else {}
    return orchestration(
        "contract",
        stage("prepare", interactive("draft", "user:alice")),
        stage("signing", wait("signed", event="contract_signed", key="customer", **extra)),
        variables=[{"name": "customer", "type": "text", "input": True}],
    )


def _waiting_for_signature(engine, customer: str) -> str:
    run_id = engine.start("contract", {"customer": customer})
    (item,) = engine.run(run_id)["open_items"]
    engine.complete_item(item["id"], "alice")
    return run_id


def _signed(engine, run_id: str) -> dict:
    return next(s for s in engine.run(run_id)["steps"] if s["id"] == "signed")


def test_without_a_buffer_an_event_sent_before_the_wait_opens_is_lost(engine):
    engine.activate(_contract(None))
    run_id = engine.start("contract", {"customer": "Acme"})

    sent = engine.publish("contract_signed", "Acme", {"envelope": "e-1"})
    _waiting_for_signature_of(engine, run_id)

    assert sent.runs == [] and sent.kept_until is None
    assert _signed(engine, run_id)["status"] == "waiting"


def _waiting_for_signature_of(engine, run_id: str) -> None:
    (item,) = engine.run(run_id)["open_items"]
    engine.complete_item(item["id"], "alice")


def test_a_buffered_event_is_delivered_when_the_wait_opens_within_the_buffer(engine, clock):
    engine.activate(_contract("PT1H"))
    run_id = engine.start("contract", {"customer": "Acme"})
    sent = engine.publish("contract_signed", "Acme", {"envelope": "e-1"}, actor="esign")

    clock.advance(timedelta(minutes=30))
    _waiting_for_signature_of(engine, run_id)

    assert sent.runs == [] and sent.kept_until is not None
    signed = _signed(engine, run_id)
    assert signed["status"] == "completed"
    assert signed["outputs"] == {"envelope": "e-1", "timed_out": False}
    assert engine.run(run_id)["status"] == "completed"
    (received,) = [e for e in engine.log(run_id) if e["type"] == "event_received"]
    assert received["payload"]["key"] == "Acme" and received["payload"]["sent_at"]


def test_a_kept_event_is_delivered_once(engine):
    engine.activate(_contract("PT1H"))
    first = engine.start("contract", {"customer": "Acme"})
    second = engine.start("contract", {"customer": "Acme"})
    engine.send_event("contract_signed", "Acme")

    _waiting_for_signature_of(engine, first)
    _waiting_for_signature_of(engine, second)

    assert _signed(engine, first)["status"] == "completed"
    assert _signed(engine, second)["status"] == "waiting"


def test_an_event_older_than_the_buffer_is_not_delivered(engine, clock):
    engine.activate(_contract("PT1H"))
    run_id = engine.start("contract", {"customer": "Acme"})
    engine.send_event("contract_signed", "Acme")

    clock.advance(timedelta(hours=2))
    _waiting_for_signature_of(engine, run_id)

    assert _signed(engine, run_id)["status"] == "waiting"


def test_a_kept_event_reaches_only_a_wait_with_its_key(engine):
    engine.activate(_contract("PT1H"))
    globex = engine.start("contract", {"customer": "Globex"})
    acme = engine.start("contract", {"customer": "Acme"})
    engine.send_event("contract_signed", "Acme")

    _waiting_for_signature_of(engine, globex)
    _waiting_for_signature_of(engine, acme)

    assert _signed(engine, globex)["status"] == "waiting"
    assert _signed(engine, acme)["status"] == "completed"


def test_an_event_that_reaches_a_waiting_run_is_not_kept(engine):
    engine.activate(_contract("PT1H"))
    waiting = _waiting_for_signature(engine, "Acme")
    later = engine.start("contract", {"customer": "Acme"})

    sent = engine.publish("contract_signed", "Acme")
    _waiting_for_signature_of(engine, later)

    assert sent.runs == [waiting] and sent.kept_until is None
    assert _signed(engine, later)["status"] == "waiting"


def test_replaying_a_run_that_took_a_kept_event_gives_its_live_state(engine):
    engine.activate(_contract("PT1H"))
    run_id = engine.start("contract", {"customer": "Acme"})
    engine.send_event("contract_signed", "Acme", {"envelope": "e-9"})
    _waiting_for_signature_of(engine, run_id)

    replayed = engine.replay(run_id)

    assert replayed["status"] == "completed"
    assert replayed["steps"]["signed"]["outputs"]["envelope"] == "e-9"


def test_a_buffer_on_a_wait_without_an_event_is_a_validation_error():
    definition = from_dict(
        {
            "schema": "baton/1",
            "id": "bad",
            "name": "Bad",
            "trigger": {"type": "manual"},
            "nodes": [
                {"id": "start", "type": "start"},
                {
                    "id": "s",
                    "type": "stage",
                    "steps": [{"id": "w", "type": "wait", "timeout": "P1D", "buffer": "PT1H"}],
                },
                {"id": "end", "type": "end"},
            ],
            "flows": [{"from": "start", "to": "s"}, {"from": "s", "to": "end"}],
        }
    )

    (found,) = [d for d in validate(definition) if d.code == "wait-invalid"]

    assert found.element == "w" and found.field == "buffer"
    assert "buffers events but waits for none" in found.message


@pytest.mark.parametrize("buffer", ["1 hour", "PT"])
def test_a_buffer_that_is_not_a_duration_is_refused_when_the_file_loads(buffer):
    with pytest.raises(DefinitionLoadError, match=r"\.buffer: .* not an ISO 8601 duration"):
        _contract(buffer)


def test_baton_event_send_says_until_when_an_event_is_kept(engine, db_url, capsys):
    engine.activate(_contract("PT2H"))

    code = main(["event", "send", "contract_signed", "--key", "Acme", "--db", db_url])

    err = capsys.readouterr().err
    assert code == 0 and "kept until" in err and "buffer" in err
