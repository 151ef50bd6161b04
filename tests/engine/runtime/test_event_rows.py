"""The events table keeps payloads as arrays of values where it can, and every payload
reads back as the very object the engine emitted."""

from __future__ import annotations

import dataclasses
import json

import pytest

from engine.runtime import eventrows
from engine.runtime.events import PAYLOADS, EventType


def _full(kind: EventType) -> dict:
    """A payload of that type with every field set (so none is left out)."""
    cls = PAYLOADS[kind]
    values = {f.name: {"nested": [f.name, 1]} for f in dataclasses.fields(cls)}
    return cls(**values).to_dict()


def _row(kind: EventType, payload: dict) -> dict:
    (row,) = eventrows.stored(
        [
            {
                "run_id": "run-1",
                "seq": 1,
                "time": "2026-01-05T09:00:00.000001Z",
                "type": kind.value,
                "actor": None,
                "payload": payload,
            }
        ]
    )
    return row


def _read(row: dict) -> dict:
    class Row:
        seq, actor = row["seq"], row["actor"]
        time, type, payload = row["time"], row["type"], row["payload"]

    (event,) = eventrows.shown([Row])
    return event


@pytest.mark.parametrize("kind", list(EventType))
def test_every_event_type_reads_back_as_emitted(kind):
    # given a payload of that type with every field set, and one with only its first field
    full = _full(kind)
    first = dict(list(full.items())[:1])

    for payload in (full, first):
        # when it is stored and read back
        row = _row(kind, payload)
        event = _read(row)

        # then it is the same object, keys in the same order, time and type as text
        assert event["payload"] == payload
        assert list(event["payload"]) == list(payload)
        assert event["type"] == kind.value
        assert event["time"] == "2026-01-05T09:00:00.000001Z"


def test_a_payload_is_kept_as_its_values_when_its_keys_lead_its_type():
    row = _row(EventType.STEP_COMPLETED, {"step": "b_0_0", "outputs": {"x": 1}, "attempt": 1})
    assert row["payload"] == '["b_0_0",{"x":1},1]'


def test_a_payload_with_a_field_left_out_in_the_middle_is_kept_as_an_object():
    # given a log message with data beside its step and message (keys its type does not list)
    payload = {"step": "s", "message": "hello", "ticket": 7}

    # when stored, then it stays an object and reads back the same
    row = _row(EventType.LOG, payload)
    assert json.loads(row["payload"]) == payload
    assert _read(row)["payload"] == payload


def test_an_object_written_before_arrays_still_reads():
    row = _row(EventType.STEP_STARTED, {"step": "a"})
    row["payload"] = '{"step":"a","extra":true}'
    assert _read(row)["payload"] == {"step": "a", "extra": True}


@pytest.mark.parametrize("kind", list(EventType))
def test_a_payload_handed_over_as_itself_is_stored_as_its_object_would_be(kind):
    # given payloads of that type with every combination of optional fields left None
    cls = PAYLOADS[kind]
    names = [f.name for f in dataclasses.fields(cls)]
    optional = [n for n in names if n in cls._OPTIONAL] or [None]
    for mask in range(2 ** len(optional)):
        values = {n: {"nested": [n, 1]} for n in names}
        for bit, name in enumerate(optional):
            if name is not None and mask & (1 << bit):
                values[name] = None
        data = cls(**values)

        # when the unit hands the payload itself to the store (as `Unit.emit` does)
        row = _row(kind, data)

        # then the stored text is that of its object, and it reads back as that object
        assert row["payload"] == _row(kind, data.to_dict())["payload"]
        assert _read(row)["payload"] == data.to_dict()
