"""`OverlayState`: what the run overlay shows, built from a replayed run (Qt-free).

It is a replayed `RunSnapshot` (designer/runs/moments.py, on the engine's replay) plus
what a picture of the run needs on top: when each step started (for "waiting 2 h") and
the moment the picture is of (now, or the moment the history scrubber points at).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from designer.runs.moments import RunSnapshot, snapshot_at
from engine.runtime.events import EventType
from engine.runtime.plan import Plan
from engine.store import parse_time


@dataclass
class OverlayState:
    """One run at one moment, as the diagram shows it.

    Attributes:
        statuses: stage or step id -> status (`not_started` ... `canceled`).
        current_stage: the stage the run is in.
        run_status: the run's status (`waiting`, `paused`, `completed`...).
        items: open work item id -> {"step", "assignee", "created_at", "due_at", "overdue"}.
        errors: step id -> the error of its last failed attempt.
        path: stages, decisions and the end node the run passed, in order.
        started: step id -> when it last started (stored time text).
        now: the moment shown (ages are measured up to it).
    """

    statuses: dict[str, str] = field(default_factory=dict)
    current_stage: str | None = None
    run_status: str | None = None
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)
    started: dict[str, str] = field(default_factory=dict)
    now: datetime | None = None

    @classmethod
    def from_snapshot(
        cls,
        snapshot: RunSnapshot,
        events: Iterable[Mapping[str, Any]] = (),
        now: datetime | None = None,
    ) -> OverlayState:
        """The state of a replayed run; `events` give step start times, `now` the moment."""
        moment = now or (parse_time(snapshot.time) if snapshot.time else None)
        return cls(
            statuses=snapshot.element_states(),
            current_stage=snapshot.current_stage,
            run_status=snapshot.status,
            items={k: dict(v) for k, v in snapshot.items.items()},
            errors=dict(snapshot.errors),
            path=list(snapshot.path),
            started=step_start_times(events, snapshot.seq),
            now=moment,
        )

    def open_items_of(self, step_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The open work items of a step, oldest first."""
        found = [(i, item) for i, item in self.items.items() if item.get("step") == step_id]
        return sorted(found, key=lambda pair: pair[1].get("created_at") or "")


def step_start_times(
    events: Iterable[Mapping[str, Any]], upto: int | None = None
) -> dict[str, str]:
    """Step id -> the time of its latest `step_started` event at or before seq `upto`."""
    started: dict[str, str] = {}
    for event in events:
        if upto is not None and event["seq"] > upto:
            break
        if event["type"] == EventType.STEP_STARTED and event.get("time"):
            started[(event.get("payload") or {})["step"]] = event["time"]
    return started


def state_of_log(
    events: list[Mapping[str, Any]],
    plan: Plan,
    upto: int | None = None,
    now: datetime | None = None,
) -> OverlayState:
    """Replay a run's log (up to seq `upto`) straight into an overlay state."""
    snapshot = snapshot_at(plan, events, upto)
    return OverlayState.from_snapshot(snapshot, events, now)
