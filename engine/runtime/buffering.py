"""Event buffering: an event sent before its wait step opens (`buffer:` on the step).

By default an event that reaches no waiting run is gone: a run that starts waiting for it
a minute later waits on. A wait step with `buffer: "PT1H"` accepts an event of its name
(and key) sent up to an hour before it opened. So an event that reaches no run is kept when
some active orchestration has a wait step for that name with a buffer, for the longest such
buffer; a wait that opens takes the oldest kept match sent within its own buffer, and that
event is then gone (a kept event is delivered once; a live one reaches every waiting run).

The SQL shell's half (keeping, pruning); the decision's half is `WaitBehaviour.start`,
which asks `Turn.buffered_event`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from engine.runtime.plan import duration
from engine.store import buffered
from engine.store import definitions as definition_store

if TYPE_CHECKING:
    from engine.runtime.plan import Plan
    from engine.runtime.unit import Unit


@dataclass
class SentEvent:
    """What sending an event did: the runs it reached, or until when it is kept."""

    runs: list[str] = field(default_factory=list)
    kept_until: str | None = None


def longest_buffer(unit: Unit, event: str) -> timedelta | None:
    """The longest `buffer` of the active orchestrations' wait steps for `event`."""
    active = definition_store.active_versions(unit.conn)
    return longest_buffer_among(
        (unit.engine.plan(definition_id, version, unit.conn) for definition_id, version in active),
        event,
    )


def longest_buffer_among(plans: Iterable[Plan], event: str) -> timedelta | None:
    """The longest `buffer` of these plans' wait steps for `event` (None: no wait step
    keeps it)."""
    longest: timedelta | None = None
    for plan in plans:
        for step in plan.steps.values():
            if step.type == "wait" and step.event == event and step.buffer:
                span = duration(step.buffer)
                longest = span if longest is None or span > longest else longest
    return longest


def keep_unclaimed(unit: Unit, event: str, key: Any, data: dict[str, Any]) -> str | None:
    """Keep an event that reached no run, if a wait step buffers it; returns until when."""
    buffered.prune(unit.conn, unit.now)
    span = longest_buffer(unit, event)
    if span is None:
        return None
    until = unit.later(span)
    buffered.keep(unit.conn, event, key, data, unit.now, until, unit.actor)
    return until
