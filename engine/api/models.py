"""The typed bodies of the HTTP API: what FastAPI checks requests against and what the
OpenAPI schema (and so docs/api-reference.md) describes.

Field names of responses are those of the CLI's `--format json` output.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Request(BaseModel):
    # A misspelt field ("input" for "inputs") is refused, not silently ignored.
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    """Every error response: `message` is the line the CLI prints."""

    error: str = Field(description="The kind of error, e.g. Conflict or NotFound.")
    message: str
    hint: str | None = None
    element: str | None = None
    field: str | None = None
    problems: list[dict[str, str]] | None = Field(
        default=None, description="With 422: each field at fault and why."
    )


class StartRunIn(_Request):
    """Start a run of an orchestration's active version."""

    orchestration: str = Field(min_length=1, description="Orchestration id.")
    inputs: dict[str, Any] = Field(default_factory=dict, description="Input variables.")


class RunStatusOut(BaseModel):
    """Where a run stands after a call moved it."""

    id: str
    orchestration: str
    version: int
    status: str
    stage: str | None


class RunSummaryOut(RunStatusOut):
    """One run in a list."""

    started_at: str
    ended_at: str | None
    error: str | None
    outcome: str | None = Field(
        default=None,
        description="The outcome of the end a completed run reached (completed, rejected, "
        "failed, or the end's own name).",
    )
    reasons: list[str] | None = Field(
        default=None, description="Why the run is stuck (only when listing with stuck=true)."
    )


class RunPageOut(BaseModel):
    """A page of runs, newest first; pass `next_cursor` as `cursor` for the next page."""

    runs: list[RunSummaryOut]
    next_cursor: str | None


class StageOut(BaseModel):
    """A stage the run has entered."""

    model_config = ConfigDict(extra="allow")

    id: str
    status: str
    visits: int | None = None
    entered_at: str | None = None
    exited_at: str | None = None


class StepOut(BaseModel):
    """A step of the run."""

    id: str
    stage: str
    status: str
    attempts: int
    started_at: str | None
    ended_at: str | None
    error: str | None
    outputs: dict[str, Any] | None


class WorkItemOut(BaseModel):
    """A work item."""

    id: str
    run: str
    step: str
    title: str
    guidance: str
    assignee: str
    status: str
    created_at: str
    due_at: str | None
    overdue: bool
    completed_by: str | None
    completed_at: str | None
    outputs: dict[str, Any] | None
    problem: str | None = Field(
        default=None,
        description=(
            "Why nobody can complete this open item (no, unknown or inactive assignee, a "
            "group without an active member), as `baton show` says STUCK; null when someone can."
        ),
    )


class RecordRefOut(BaseModel):
    """The record that triggered a run."""

    object: str
    id: str


class RunDetailOut(RunSummaryOut):
    """A run with its stages, steps, open work items and variables."""

    parent_run: str | None
    record: RecordRefOut | None
    stages: list[StageOut]
    steps: list[StepOut]
    open_items: list[WorkItemOut]
    variables: dict[str, Any]
    fault: dict[str, Any] | None = Field(
        default=None,
        description="The last fault route the run took: stage, step, error, attempts.",
    )


class RunEventOut(BaseModel):
    """One entry of a run's event log."""

    seq: int
    time: str
    type: str
    actor: str | None
    payload: dict[str, Any]


class WorkPageOut(BaseModel):
    """A page of work items, oldest first."""

    items: list[WorkItemOut]
    next_cursor: str | None


class CompleteIn(_Request):
    """Complete a work item with the outputs its step declares."""

    outputs: dict[str, Any] = Field(default_factory=dict)


class CompletedOut(BaseModel):
    """A completed item and where its run went."""

    item: str
    run: str
    status: str
    stage: str | None


class ReassignIn(_Request):
    """Give an open item to someone else."""

    to: str = Field(description="user:NAME, group:NAME or queue:NAME")
    reason: str = ""
    force: bool = Field(
        default=False,
        description="Reassign even when nobody could work for `to` (unknown or inactive "
        "user, group without an active member); the run then shows as stuck.",
    )


class ReassignAllIn(_Request):
    """Move every open item of one assignee (someone left or is away)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    source: str = Field(alias="from", description="The assignee whose items move.")
    to: str
    reason: str = ""
    force: bool = Field(default=False, description="As for one item.")


class ReassignedOut(BaseModel):
    """Items that were reassigned."""

    to: str
    items: list[str]


class ReasonIn(_Request):
    """Why an operator acts (logged with the run)."""

    reason: str = ""


class SkipIn(_Request):
    """Skip a step, giving the outputs later steps read."""

    outputs: dict[str, Any] = Field(default_factory=dict)
    reason: str = ""


class EventIn(_Request):
    """An event from the outside world; wait steps expecting its name and key complete."""

    name: str = Field(min_length=1, description="Event name, e.g. contract_signed.")
    key: str | int | None = Field(default=None, description="Correlation key.")
    data: dict[str, Any] = Field(default_factory=dict, description="The wait step's outputs.")


class EventOut(BaseModel):
    """The runs an event reached."""

    event: str
    key: str | int | None
    runs: list[str]
    kept_until: str | None = Field(
        default=None,
        description="It reached no run and is kept until then for a wait step with a "
        "`buffer` that opens later (null: not kept).",
    )


class RecordIn(_Request):
    """Fields of a record to create, or the fields to change."""

    fields: dict[str, Any]


class RecordOut(BaseModel):
    """A record and all its fields."""

    object: str
    id: str
    fields: dict[str, Any]


class DefinitionOut(BaseModel):
    """One stored version of an orchestration."""

    id: str
    version: int
    active: bool
    name: str
    trigger_type: str
    activated_at: str


class CallerOut(BaseModel):
    """Who the token acts as."""

    name: str
    role: str
    token: str = Field(description="The token's public id.")


class HealthOut(BaseModel):
    """The server process answers."""

    status: str
    version: str


class ReadyOut(BaseModel):
    """Whether the server can reach its database."""

    status: str
    database: str


class WebhookIn(_Request):
    """Register a webhook for one orchestration."""

    orchestration: str = Field(min_length=1)
    url: str = Field(description="Where deliveries are POSTed (https in production).")
    events: list[str] | None = Field(
        default=None, description="run.completed, run.failed, item.created (default: all)."
    )


class WebhookCreatedOut(BaseModel):
    """A new webhook; `secret` signs its deliveries and is shown this once."""

    id: str
    orchestration: str
    secret: str


class WebhookOut(BaseModel):
    """A webhook and how its deliveries went."""

    id: str
    orchestration: str
    url: str
    events: list[str]
    created_at: str
    created_by: str | None
    active: bool
    sent: int
    pending: int
    failed: int


class RunFilterIn(_Request):
    """Which runs a bulk action applies to; every given field must match."""

    orchestration: str | None = None
    version: int | None = None
    status: str | None = None
    stage: str | None = None
    stuck_reason: str | None = Field(
        default=None, description="Only stuck runs with a reason containing this text."
    )


class BulkIn(_Request):
    """A bulk action: a dry run (the default) lists the runs; `dry_run: false` acts."""

    filter: RunFilterIn = Field(default_factory=RunFilterIn)
    reason: str = Field(min_length=1, description="Why (logged on every run).")
    dry_run: bool = True


class RefusedOut(BaseModel):
    """A run the bulk action could not act on, with the engine's message."""

    run: str
    message: str


class BulkOut(BaseModel):
    """The runs a bulk action matched, acted on and could not act on."""

    matched: list[str]
    done: list[str]
    refused: list[RefusedOut]
    dry_run: bool


class AuditEntryOut(BaseModel):
    """One admin action outside runs."""

    id: int
    time: str
    actor: str | None
    action: str
    subject: str
    details: dict[str, Any] | None


class VariablesIn(_Request):
    """Change declared run variables (each checked against its declared type)."""

    values: dict[str, Any] = Field(min_length=1, description="Variable name to new value.")
    reason: str = Field(min_length=1, description="Why (logged with the old values).")


class VariablesOut(RunStatusOut):
    """The run after its variables changed (it is re-checked at once)."""

    variables: dict[str, Any]


class NudgeOut(RunStatusOut):
    """The run after its conditions were evaluated again."""

    moved: bool = Field(description="Whether the re-check moved the run on.")


class EventPageOut(BaseModel):
    """A page of a run's log, oldest first; pass `next_cursor` as `cursor` for more."""

    events: list[RunEventOut]
    next_cursor: str | None


class DefinitionPageOut(BaseModel):
    """A page of stored versions, by id, newest version first per id."""

    definitions: list[DefinitionOut]
    next_cursor: str | None


class WebhookPageOut(BaseModel):
    """A page of webhooks, oldest first."""

    webhooks: list[WebhookOut]
    next_cursor: str | None


class DeliveryOut(BaseModel):
    """One webhook delivery: sent, pending (with its next try) or given up on."""

    number: int
    key: str
    webhook_id: str
    run_id: str | None
    event: str
    created_at: str
    sent_at: str | None
    attempts: int
    next_try_at: str | None
    last_error: str | None
    failed: bool


class DeliveryPageOut(BaseModel):
    """A page of deliveries, oldest first."""

    deliveries: list[DeliveryOut]
    next_cursor: str | None


class AuditPageOut(BaseModel):
    """A page of the audit log, newest first."""

    entries: list[AuditEntryOut]
    next_cursor: str | None


class UserOut(BaseModel):
    """A user of the directory: role, whether active, groups and queues."""

    name: str
    role: str
    active: bool
    groups: list[str] = Field(description="`group:NAME` and `queue:NAME` memberships.")
    email: str | None


class UserPageOut(BaseModel):
    """A page of users, by name."""

    users: list[UserOut]
    next_cursor: str | None


class TokenOut(BaseModel):
    """An API token's facts (never the token or its hash)."""

    id: str
    user: str
    label: str
    created_at: str
    created_by: str | None
    revoked_at: str | None
    revoked_by: str | None


class TokenPageOut(BaseModel):
    """A page of API tokens, oldest first."""

    tokens: list[TokenOut]
    next_cursor: str | None


class OutboxOut(BaseModel):
    """An email or assignment notice not delivered yet, or given up on."""

    kind: str = Field(description="`email` (a send_email step) or `notice` (work arrived).")
    key: str
    about: str | None = Field(description="The run (email) or work item (notice).")
    to: str | None
    created_at: str
    position: str
    attempts: int
    next_try_at: str | None
    failed: bool
    last_error: str | None


class OutboxPageOut(BaseModel):
    """A page of the outbox, oldest first."""

    messages: list[OutboxOut]
    next_cursor: str | None
