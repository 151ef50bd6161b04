"""The current state of one run: the fold of its event log (`engine.runtime.fold.apply`).

It is what the engine's decisions read, what the `runs.state` column stores (one JSON
document per run that can still move; see `STATE_FROM_LOG`), and what the query tables
(stages, steps, work items, timers, waits) are written from. Only `apply` changes it; it
also notes which parts changed, so a shell writes back just those rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.runtime import jsontext

if TYPE_CHECKING:
    from engine.runtime.plan import Plan

RUN_STATUSES = ("running", "waiting", "completed", "failed", "canceled", "paused")
RUN_ACTIVE = frozenset({"running", "waiting"})
RUN_TERMINAL = frozenset({"completed", "failed", "canceled"})
STEP_FINISHED = frozenset({"completed", "skipped", "canceled"})
STEP_OPEN = frozenset({"ready", "running", "waiting"})
STATE_FROM_LOG = frozenset({"completed", "canceled"})
"""Statuses a run never leaves. Such a run's `runs.state` is empty: its state is folded
from its event log when it is read (`engine.runtime.writes.state_from_log`), so a finished
run costs no snapshot that repeats its step and stage rows (most of a run's bytes)."""

_to_json = jsontext.compact


def timer_key(kind: str, step_id: str) -> str:
    """The key of a step's timer in `RunState.timers` (a step has one timer per kind)."""
    return f"{kind}:{step_id}"


@dataclass
class RunState:
    """One run: identity, status, variables, and every stage, step, item, timer and wait.

    A run that is moving is `waiting` between events too: "running" is never folded, so
    the state after any event is what the tables show once that call commits.
    """

    id: str
    definition_id: str
    definition_version: int
    status: str
    started_at: str
    current_stage: str | None = None
    ended_at: str | None = None
    parent_run_id: str | None = None
    parent_step_id: str | None = None
    record_object: str | None = None
    record_id: str | None = None
    error: str | None = None
    # How the run ended at an end node: the end's outcome ("completed", "rejected", ...).
    outcome: str | None = None
    seq: int = 0
    rev: int = 0
    variables: dict[str, Any] = field(default_factory=dict)
    # step id -> {"status", "stage", "outputs", "attempts", "error", "started_at",
    #             "ended_at", "child_run_id"}
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    # stage id -> {"status", "visits", "entered_at", "exited_at"}
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    # item id -> {"step", "assignee", "status", "created_at", "due_at", "overdue",
    #             "completed_by", "completed_at", "outputs"}; stored: open items only
    #             (a state folded from the log has every item, for the history)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    # timer_key(kind, step) -> {"step", "kind", "due_at", "item"}
    timers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # step id -> {"event", "key"} (key as text, or None for any key)
    waits: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Definition ids that led to this run through record triggers (recursion guard).
    chain: list[str] = field(default_factory=list)
    # The node whose outgoing flow failed to lead anywhere (a decision error); resume there.
    resume_from: str | None = None
    # The last fault route taken: {"stage", "step", "error", "attempts"} (`fault.*`).
    fault: dict[str, Any] | None = None
    # The definition version this run executes (not stored; `apply` reads it).
    plan: Plan | None = field(default=None, repr=False, compare=False)
    # --- bookkeeping of the shell holding the state, never stored ---
    is_new: bool = False
    # The `runs` row the state was loaded from: only the columns that differ from it are
    # written back (see `engine.runtime.writes`). None: write them all.
    loaded: Any = field(default=None, repr=False, compare=False)
    # False when the parent itself ended this child (so the parent is not told back).
    notify_parent: bool = True
    # Loaded from a row written before items, timers and waits were kept in the state.
    stored_without_parts: bool = False
    # What `apply` changed since the state was loaded (ordered sets: dict keys).
    new_steps: dict[str, None] = field(default_factory=dict)
    dirty_steps: dict[str, None] = field(default_factory=dict)
    new_stages: dict[str, None] = field(default_factory=dict)
    dirty_stages: dict[str, None] = field(default_factory=dict)
    new_items: dict[str, None] = field(default_factory=dict)
    # item id -> (status, assignee) as loaded: the item row is updated only if unchanged.
    dirty_items: dict[str, tuple[str, str]] = field(default_factory=dict)
    dirty_timers: dict[str, tuple[str, str]] = field(default_factory=dict)
    dirty_waits: dict[str, None] = field(default_factory=dict)
    # Rows to delete (a migration renamed or dropped them), and open items whose step
    # was renamed (their row's step, title and guidance are rewritten).
    removed_steps: dict[str, None] = field(default_factory=dict)
    removed_stages: dict[str, None] = field(default_factory=dict)
    moved_items: dict[str, None] = field(default_factory=dict)

    def state_json(self) -> str:
        """The `runs.state` document ("" once the run is finished: see `STATE_FROM_LOG`)."""
        if self.status in STATE_FROM_LOG:
            return ""
        return _to_json(self.document())

    def document(self) -> dict[str, Any]:
        """What `runs.state` holds for a run that can still move (also what a finished
        run's fold gives readers in its place)."""
        return {
            "variables": self.variables,
            "steps": self.steps,
            "stages": self.stages,
            # Closed items are history (their rows and the log keep them); decisions
            # only ever look at open ones, so the stored state keeps just those.
            "items": {k: v for k, v in self.items.items() if v["status"] == "open"},
            "timers": self.timers,
            "waits": self.waits,
            "chain": self.chain,
            "resume_from": self.resume_from,
            "fault": self.fault,
        }

    @classmethod
    def from_row(cls, row: Any, plan: Plan | None = None) -> RunState:
        """Rebuild from a `runs` row (with the plan its run executes, for `apply`)."""
        state = json.loads(row.state)
        return cls(
            id=row.id,
            definition_id=row.definition_id,
            definition_version=row.definition_version,
            status=row.status,
            started_at=row.started_at,
            current_stage=row.current_stage,
            ended_at=row.ended_at,
            parent_run_id=row.parent_run_id,
            parent_step_id=row.parent_step_id,
            record_object=row.record_object,
            record_id=row.record_id,
            error=row.error,
            seq=row.seq,
            rev=row.rev,
            variables=state["variables"],
            steps=state["steps"],
            stages=state["stages"],
            items=state.get("items", {}),
            timers=state.get("timers", {}),
            waits=state.get("waits", {}),
            chain=state.get("chain", []),
            resume_from=state.get("resume_from"),
            fault=state.get("fault"),
            outcome=getattr(row, "outcome", None),
            plan=plan,
            stored_without_parts="items" not in state,
            loaded=row,
        )

    def row_values(self) -> dict[str, Any]:
        """Column values of the `runs` row (without id and rev)."""
        return {
            "definition_id": self.definition_id,
            "definition_version": self.definition_version,
            "status": self.status,
            "current_stage": self.current_stage,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "parent_run_id": self.parent_run_id,
            "parent_step_id": self.parent_step_id,
            "record_object": self.record_object,
            "record_id": self.record_id,
            "error": self.error,
            "outcome": self.outcome,
            "seq": self.seq,
            "state": self.state_json(),
        }

    def forget_changes(self) -> None:
        """Clear the change notes (after the shell wrote them)."""
        for marks in (
            self.new_steps,
            self.dirty_steps,
            self.new_stages,
            self.dirty_stages,
            self.new_items,
            self.dirty_items,
            self.dirty_timers,
            self.dirty_waits,
            self.removed_steps,
            self.removed_stages,
            self.moved_items,
        ):
            marks.clear()
