"""The current state of one run, as kept in the `runs.state` column and the query tables.

The event log is the history; this is the fold of it the engine needs to decide the next
move. It is read and written whole (one JSON document per run), and the step and stage
rows that the CLI and designer query are written from the parts that changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

RUN_STATUSES = ("running", "waiting", "completed", "failed", "canceled", "paused")
RUN_ACTIVE = frozenset({"running", "waiting"})
RUN_TERMINAL = frozenset({"completed", "failed", "canceled"})
STEP_FINISHED = frozenset({"completed", "skipped", "canceled"})
STEP_OPEN = frozenset({"ready", "running", "waiting"})


@dataclass
class RunState:
    """One run: identity, status, variables and the state of every stage and step visited."""

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
    seq: int = 0
    rev: int = 0
    variables: dict[str, Any] = field(default_factory=dict)
    # step id -> {"status", "stage", "outputs", "attempts", "error", "started_at", "ended_at"}
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    # stage id -> {"status", "visits", "entered_at", "exited_at"}
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Definition ids that led to this run through record triggers (recursion guard).
    chain: list[str] = field(default_factory=list)
    # The node whose outgoing flow failed to lead anywhere (a decision error); resume there.
    resume_from: str | None = None
    # Bookkeeping for the flush, never stored.
    is_new: bool = False
    # False when the parent itself ended this child (so the parent is not told back).
    notify_parent: bool = True
    new_steps: set[str] = field(default_factory=set)
    dirty_steps: set[str] = field(default_factory=set)
    new_stages: set[str] = field(default_factory=set)
    dirty_stages: set[str] = field(default_factory=set)

    def state_json(self) -> str:
        """The `runs.state` document."""
        return json.dumps(
            {
                "variables": self.variables,
                "steps": self.steps,
                "stages": self.stages,
                "chain": self.chain,
                "resume_from": self.resume_from,
            },
            separators=(",", ":"),
            default=str,
        )

    @classmethod
    def from_row(cls, row: Any) -> RunState:
        """Rebuild from a `runs` row."""
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
            chain=state.get("chain", []),
            resume_from=state.get("resume_from"),
        )

    def touch_step(self, step_id: str) -> dict[str, Any]:
        """A step's state, marked as changed in this transaction."""
        if step_id not in self.new_steps:
            self.dirty_steps.add(step_id)
        return self.steps[step_id]

    def touch_stage(self, stage_id: str) -> dict[str, Any]:
        """A stage's state, marked as changed in this transaction."""
        if stage_id not in self.new_stages:
            self.dirty_stages.add(stage_id)
        return self.stages[stage_id]

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
            "seq": self.seq,
            "state": self.state_json(),
        }
