"""Event buffering (`buffer:` on a wait step) driven from the command line, on the local
runtime and on Temporal side by side: an event sent before its wait opens is kept in the
catalogue, and the wait that opens within its buffer takes it, once."""

from __future__ import annotations

import time

import pytest

from engine.definition import save_definition
from tests.engine.runtime.builders import interactive, orchestration, stage, var, wait


def _signing(name: str, event: str, **buffer: str):
    # Draft first (so the wait opens only when alice says so), then wait for the event.
    return orchestration(
        name,
        stage("prepare", interactive("draft", "user:alice")),
        stage("signing", wait("signed", event=event, key="customer", **buffer)),
        variables=[var("customer", input=True, required=True)],
    )


@pytest.fixture
def baton(cli, tmp_path):
    """`cli` (on both runtimes) with orchestrations whose waits buffer for an hour, for a
    second, and not at all."""
    assert cli("users", "add", "tester", "--role", "admin").code == 0
    assert cli("users", "add", "alice").code == 0
    for definition in (
        _signing("contract", "signed", buffer="PT1H"),
        _signing("quick", "quick_signed", buffer="PT1S"),
        _signing("plain", "plain_signed"),
        _signing("keeper", "plain_signed", buffer="PT1H"),
    ):
        path = tmp_path / f"{definition.id}.baton.json"
        save_definition(definition, path)
        assert cli("activate", str(path)).code == 0
    return cli


def _start(baton, name: str, customer: str) -> str:
    started = baton("start", name, "--input", f"customer={customer}")
    assert started.code == 0, started.err
    return started.out.strip()


def _draft_done(baton, run_id: str) -> None:
    """alice completes the draft: the run's signing wait opens now."""
    items = baton("work", "list", "--as", "alice", "--format", "json").json()
    (item,) = [i["id"] for i in items if i["run"] == run_id]
    assert baton("work", "complete", item, "--as", "alice").code == 0


def _signed(baton, run_id: str) -> dict:
    shown = baton("show", run_id, "--format", "json").json()
    return next(s for s in shown["steps"] if s["id"] == "signed")


def _send(baton, event: str, key: str, data: str = "{}") -> dict:
    sent = baton("event", "send", event, "--key", key, "--data", data, "--format", "json")
    assert sent.code == 0, sent.err
    return sent.json()


def test_an_event_sent_before_the_wait_opens_is_taken_within_the_buffer_once(baton):
    # given a run still drafting, and the signature sent already
    first = _start(baton, "contract", "Acme")
    sent = _send(baton, "signed", "Acme", '{"envelope": "e-1"}')
    assert sent["runs"] == [] and sent["kept_until"] is not None
    # when its wait opens (within the hour)
    _draft_done(baton, first)
    # then it took the kept event: the run is done, the event's data the wait's outputs
    shown = baton("show", first, "--format", "json").json()
    assert shown["status"] == "completed"
    assert _signed(baton, first)["outputs"] == {"envelope": "e-1", "timed_out": False}
    # and a second run's wait for the same key does not take it again
    second = _start(baton, "contract", "Acme")
    _draft_done(baton, second)
    assert _signed(baton, second)["status"] == "waiting"


def test_an_event_older_than_the_buffer_is_not_taken(baton):
    run_id = _start(baton, "quick", "Acme")
    assert _send(baton, "quick_signed", "Acme")["kept_until"] is not None
    time.sleep(1.5)  # past the one-second buffer (later still on a loaded machine)
    _draft_done(baton, run_id)
    assert _signed(baton, run_id)["status"] == "waiting"


def test_a_wait_without_a_buffer_does_not_take_a_kept_event(baton):
    # given an event kept for `keeper`'s buffered wait
    plain = _start(baton, "plain", "Acme")
    assert _send(baton, "plain_signed", "Acme")["kept_until"] is not None
    # when a wait without a buffer opens, it waits on
    _draft_done(baton, plain)
    assert _signed(baton, plain)["status"] == "waiting"
    # while a buffered wait opening next still takes it
    keeper = _start(baton, "keeper", "Acme")
    _draft_done(baton, keeper)
    assert _signed(baton, keeper)["status"] == "completed"
