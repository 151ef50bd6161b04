"""How a run's events are kept in the `events` table, and read back as the log shows them.

A log repeats the same few event names and the same call time in every row, so the table
keeps each name as a small integer code (`CODES`) and each time as whole microseconds
since 1970 (UTC). Readers get the event exactly as it was emitted: the name and the
fixed-width time text, so `baton log`, the API and the history views never see the codes.

`CODES` only grows: a code, once written to a database, names its event type for good.
Codes 0 and 1 take no bytes at all in a SQLite record, so the two commonest events have them.

A payload whose keys are the first fields of its type, in declaration order (nearly all
of them: None fields are left out at the end), is kept as the JSON array of its values,
`["b_0_0",{"x":1},1]` for `{"step":"b_0_0","outputs":{"x":1},"attempt":1}`; any other
payload (a log message with data, one written by another version) as its JSON object.
Reading zips an array with the same field names, so both read back as the same object.
A payload class may therefore add fields only at its end, never reorder or rename them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

from engine.runtime import jsontext
from engine.runtime.events import PAYLOADS, EventType, Payload
from engine.store.times import micros_time, time_micros

CODES: dict[EventType, int] = {
    EventType.STEP_STARTED: 0,
    EventType.STEP_COMPLETED: 1,
    EventType.VARIABLES_SET: 2,
    EventType.STAGE_ENTERED: 3,
    EventType.STAGE_COMPLETED: 4,
    EventType.RUN_STARTED: 5,
    EventType.RUN_COMPLETED: 6,
    EventType.ITEM_CREATED: 7,
    EventType.ITEM_COMPLETED: 8,
    EventType.EVENT_RECEIVED: 9,
    EventType.TIMER_FIRED: 10,
    EventType.DECISION_TAKEN: 11,
    EventType.STEP_SKIPPED: 12,
    EventType.STEP_CANCELED: 13,
    EventType.STEP_FAILED: 14,
    EventType.STEP_ATTEMPT_FAILED: 15,
    EventType.STEP_RETRY_SCHEDULED: 16,
    EventType.STEP_RETRIED: 17,
    EventType.CHILD_STARTED: 18,
    EventType.ITEM_WITHDRAWN: 19,
    EventType.ITEM_REASSIGNED: 20,
    EventType.ITEM_OVERDUE: 21,
    EventType.RUN_FAILED: 22,
    EventType.RUN_CANCELED: 23,
    EventType.RUN_PAUSED: 24,
    EventType.RUN_RESUMED: 25,
    EventType.RUN_RECOVERED: 26,
    EventType.RUN_MIGRATED: 27,
    EventType.STAGE_FAULTED: 28,
    EventType.LOG: 29,
    EventType.VARIABLES_EDITED: 30,
}
"""The stored code of every event type (append only: see the module docstring)."""

_NAMES: dict[int, str] = {code: kind.value for kind, code in CODES.items()}
_BY_NAME: dict[str, int] = {kind.value: code for kind, code in CODES.items()}


def _keys(kind: EventType) -> tuple[str, ...]:
    # The stored object's keys in order: the fields, `from_` written as `from` (a keyword).
    return tuple(name.rstrip("_") for name in PAYLOADS[kind]._NAMES)


KEYS: dict[str, tuple[str, ...]] = {kind.value: _keys(kind) for kind in CODES}
"""The keys of each event type's payload, in the order its array keeps the values."""
_KEYS_BY_CODE: dict[int, tuple[str, ...]] = {CODES[kind]: KEYS[kind.value] for kind in CODES}


_to_json = jsontext.compact


def code(kind: EventType) -> int:
    """The stored code of an event type (for a query on `events.type`)."""
    return CODES[kind]


def stored(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `events` rows for events as the engine emits them (name and time as text, the
    payload as a `Payload`, an object, or already as its stored text)."""
    times: dict[str, int] = {}  # the events of one call share its time: convert it once
    rows = []
    for event in events:
        moment = event["time"]
        micros = times.get(moment)
        if micros is None:
            micros = times[moment] = time_micros(moment)
        payload = event["payload"]
        if isinstance(payload, Payload):
            payload = payload_text(payload)
        elif isinstance(payload, dict):
            payload = compact(event["type"], payload)
        rows.append({**event, "time": micros, "type": _BY_NAME[event["type"]], "payload": payload})
    return rows


def payload_text(data: Payload) -> str:
    """The stored text of a payload: `compact(type, data.to_dict())`, without building the
    object first (35 times in a background run)."""
    shape = _SHAPES.get(type(data))
    if shape is None:
        shape = _SHAPES[type(data)] = _Shape(type(data))
    return shape.text(data)


class _Shape:
    """How one payload class is stored (see `payload_text`)."""

    def __init__(self, cls: type[Payload]) -> None:
        names = cls._NAMES
        # Only a class whose object is its fields in order, under their own names (not
        # ItemReassigned's `from`), can skip the object; the rest take the long way.
        self.direct = cls.to_dict is Payload.to_dict and KEYS[cls.NAME] == names
        # attrgetter answers a tuple only for two names or more
        self.values: Callable[[Payload], tuple[Any, ...]] = (
            attrgetter(*names) if len(names) > 1 else lambda d: tuple(getattr(d, n) for n in names)
        )
        self.optional = tuple(i for i, name in enumerate(names) if name in cls._OPTIONAL)
        self.size = len(names)

    def text(self, data: Payload) -> str:
        if not self.direct:
            return compact(data.NAME, data.to_dict())
        values = self.values(data)
        optional = self.optional
        end = self.size
        # `to_dict` leaves out optional fields that are None: at the end, the array is just
        # shorter; anywhere else the payload needs its keys (the object form).
        while end and (end - 1) in optional and values[end - 1] is None:
            end -= 1
        for index in optional:
            if index >= end:
                break
            if values[index] is None:
                return compact(data.NAME, data.to_dict())
        return _to_json(values[:end])


_SHAPES: dict[type[Payload], _Shape] = {}


def compact(kind: str, payload: dict[str, Any]) -> str:
    """The stored text of a payload: its values as an array when its keys are the first
    keys of its type in order, else the object itself (see the module docstring)."""
    keys = tuple(payload)
    if keys == KEYS[kind][: len(keys)]:
        return _to_json(list(payload.values()))
    return _to_json(payload)


def payload(kind: EventType, text: str) -> dict[str, Any]:
    """A stored payload of one event type as its object (for a query that reads the
    `payload` column of events it selected by type)."""
    return _payload(CODES[kind], text)


def _payload(code: int, text: str) -> dict[str, Any]:
    data = json.loads(text)
    if isinstance(data, list):
        return dict(zip(_KEYS_BY_CODE[code], data, strict=False))
    return data


def shown(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Events as the log shows them, from `events` rows (seq, time, type, actor, payload)."""
    times: dict[int, str] = {}
    found = []
    for row in rows:
        micros = row.time
        moment = times.get(micros)
        if moment is None:
            moment = times[micros] = micros_time(micros)
        found.append(
            {
                "seq": row.seq,
                "time": moment,
                "type": _NAMES[row.type],
                "actor": row.actor,
                "payload": _payload(row.type, row.payload),
            }
        )
    return found
