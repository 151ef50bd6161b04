"""The events of a run's log: one `EventType` each, with a typed payload.

A run's state changes only by folding these into it (`engine.runtime.fold.apply`); the
engine's decisions return them and the shells store them. This module is the one place an
event's name is spelled: everything else compares against `EventType`.

A payload's object (`to_dict`) is what the log shows and what `from_dict` reads; the
`events.payload` column keeps it compactly (engine.runtime.eventrows: fields may only be
added at a payload's end). A field that is None is left out of the object unless the
payload lists it in `_KEEP` (so the shape stays what readers of older logs expect), and
`from_dict` ignores keys it does not know, so a log written by another version still folds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, ClassVar, TypeVar


class EventType(StrEnum):
    """Every kind of event a run's log holds (the stored `events.type`)."""

    RUN_STARTED = "run_started"
    RUN_COMPLETED = "run_completed"
    RUN_FAILED = "run_failed"
    RUN_CANCELED = "run_canceled"
    RUN_PAUSED = "run_paused"
    RUN_RESUMED = "run_resumed"
    RUN_RECOVERED = "run_recovered"
    RUN_MIGRATED = "run_migrated"
    STAGE_ENTERED = "stage_entered"
    STAGE_COMPLETED = "stage_completed"
    STAGE_FAULTED = "stage_faulted"
    DECISION_TAKEN = "decision_taken"
    STEP_STARTED = "step_started"
    STEP_COMPLETED = "step_completed"
    STEP_SKIPPED = "step_skipped"
    STEP_CANCELED = "step_canceled"
    STEP_FAILED = "step_failed"
    STEP_ATTEMPT_FAILED = "step_attempt_failed"
    STEP_RETRY_SCHEDULED = "step_retry_scheduled"
    STEP_RETRIED = "step_retried"
    CHILD_STARTED = "child_started"
    VARIABLES_SET = "variables_set"
    ITEM_CREATED = "item_created"
    ITEM_COMPLETED = "item_completed"
    ITEM_WITHDRAWN = "item_withdrawn"
    ITEM_REASSIGNED = "item_reassigned"
    ITEM_OVERDUE = "item_overdue"
    EVENT_RECEIVED = "event_received"
    TIMER_FIRED = "timer_fired"
    LOG = "log"
    VARIABLES_EDITED = "variables_edited"


STEP_ENDED = frozenset(
    {
        EventType.STEP_COMPLETED,
        EventType.STEP_SKIPPED,
        EventType.STEP_CANCELED,
        EventType.STEP_FAILED,
    }
)
"""Events after which a step is finished or failed (it holds no timers or waits)."""

ITEM_EVENTS = frozenset(
    {
        EventType.ITEM_CREATED,
        EventType.ITEM_COMPLETED,
        EventType.ITEM_REASSIGNED,
        EventType.ITEM_WITHDRAWN,
        EventType.ITEM_OVERDUE,
    }
)
"""Events that change a work item."""

RUN_ENDED = frozenset({EventType.RUN_COMPLETED, EventType.RUN_FAILED, EventType.RUN_CANCELED})
"""Events after which a run is no longer active (a parent waiting on it is told)."""


P = TypeVar("P", bound="Payload")


class Payload:
    """Base of the typed payloads; subclasses are dataclasses with a `TYPE`."""

    TYPE: ClassVar[EventType]
    # The stored `events.type` as a plain str (what the database driver is given).
    NAME: ClassVar[str]
    _KEEP: ClassVar[frozenset[str]] = frozenset()
    _NAMES: ClassVar[tuple[str, ...]] = ()
    # Fields that may be None and are then left out of the stored object.
    _OPTIONAL: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        """The stored JSON object (None fields left out unless kept)."""
        data = vars(self).copy()
        for name in self._OPTIONAL:
            if data[name] is None:
                del data[name]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Payload:
        """A payload from its stored object (unknown keys ignored, missing ones None:
        a log written by hand or by another version still folds)."""
        return cls(**{k: data.get(k) for k in cls._NAMES if k in data or k not in cls._OPTIONAL})


def _register(cls: type[P]) -> type[P]:
    declared = fields(cls)  # type: ignore[arg-type]
    cls.NAME = cls.TYPE.value
    cls._NAMES = tuple(f.name for f in declared)
    cls._OPTIONAL = tuple(f.name for f in declared if f.name not in cls._KEEP and f.default is None)
    PAYLOADS[cls.TYPE] = cls
    return cls


PAYLOADS: dict[EventType, type[Payload]] = {}
"""The payload class of each event type."""


@_register
@dataclass
class RunStarted(Payload):
    """A run was created: its definition version, what started it, its variables."""

    TYPE = EventType.RUN_STARTED
    _KEEP = frozenset({"record", "parent"})

    definition: str
    version: int
    trigger: str
    inputs: dict[str, Any]
    variables: dict[str, Any]
    record: list[str] | None = None
    parent: list[str] | None = None
    # Orchestrations that led to this run through record triggers (recursion guard).
    chain: list[str] | None = None


@_register
@dataclass
class RunCompleted(Payload):
    """The run reached an end node; `outcome` is the end's (left out when `completed`,
    as in logs written before ends had outcomes)."""

    TYPE = EventType.RUN_COMPLETED

    end: str
    outcome: str | None = None


@_register
@dataclass
class RunFailed(Payload):
    """The run cannot go on; `resume_from` is the node to leave again when resumed."""

    TYPE = EventType.RUN_FAILED

    reason: str
    resume_from: str | None = None


@_register
@dataclass
class RunCanceled(Payload):
    """An operator (or a canceled parent) canceled the run."""

    TYPE = EventType.RUN_CANCELED

    reason: str


@_register
@dataclass
class RunPaused(Payload):
    """No new step starts until the run is resumed."""

    TYPE = EventType.RUN_PAUSED

    reason: str | None = None


@_register
@dataclass
class RunResumed(Payload):
    """A paused run, or one failed on an expression, goes on (the operator's reason)."""

    TYPE = EventType.RUN_RESUMED

    reason: str | None = None


@_register
@dataclass
class RunRecovered(Payload):
    """The last failed step was retried or skipped, so the run is no longer failed."""

    TYPE = EventType.RUN_RECOVERED


@_register
@dataclass
class RunMigrated(Payload):
    """The run moved to another version of its orchestration (`baton migrate apply`): ids
    renamed (`stages`, `steps`: old -> new), step records `dropped`, steps `added` to the
    current stage (id -> stage), new `variables` with their defaults."""

    TYPE = EventType.RUN_MIGRATED

    from_version: int
    to_version: int
    reason: str = ""
    # What the operator asked for (`--map old=new`), kept for the audit trail.
    mapping: dict[str, str] = field(default_factory=dict)
    # Everything the fold changes is spelled out, so replaying the log needs no diffing.
    stages: dict[str, str] = field(default_factory=dict)
    steps: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    added: dict[str, str] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)


@_register
@dataclass
class StageEntered(Payload):
    """A stage was entered (its steps reset); `visit` counts entries."""

    TYPE = EventType.STAGE_ENTERED

    stage: str
    visit: int


@_register
@dataclass
class StageCompleted(Payload):
    """A stage was left along its flow."""

    TYPE = EventType.STAGE_COMPLETED

    stage: str


@_register
@dataclass
class StageFaulted(Payload):
    """The run left a stage along its fault route, to `to`, instead of failing.

    Either a step of the stage failed for good (`step`, its `error` and `attempts`), or
    entering the stage again would have exceeded its `max_visits` (no `step`; `attempts`
    is the visits it had). Later expressions read it as `fault.step`, `fault.error`,
    `fault.attempts` and `fault.stage`.
    """

    TYPE = EventType.STAGE_FAULTED

    stage: str
    to: str
    error: str
    step: str | None = None
    attempts: int | None = None


@_register
@dataclass
class DecisionTaken(Payload):
    """A decision chose a flow: the first whose condition held, or the default."""

    TYPE = EventType.DECISION_TAKEN

    decision: str
    to: str
    condition: str | None = None
    default: bool | None = None


@_register
@dataclass
class StepStarted(Payload):
    """A step started; a wait step's correlation `key` and `timeout_at` come with it."""

    TYPE = EventType.STEP_STARTED

    step: str
    key: Any = None
    timeout_at: str | None = None


@_register
@dataclass
class StepCompleted(Payload):
    """A step completed with outputs; `attempt` is a background action's try number."""

    TYPE = EventType.STEP_COMPLETED
    _KEEP = frozenset({"outputs"})

    step: str
    outputs: dict[str, Any] = field(default_factory=dict)
    attempt: int | None = None


@_register
@dataclass
class StepSkipped(Payload):
    """A step was skipped (its condition was false, or by an operator, with outputs)."""

    TYPE = EventType.STEP_SKIPPED

    step: str
    reason: str
    outputs: dict[str, Any] | None = None


@_register
@dataclass
class StepCanceled(Payload):
    """An unfinished step was canceled (stage exit condition, run canceled)."""

    TYPE = EventType.STEP_CANCELED

    step: str
    reason: str


@_register
@dataclass
class StepFailed(Payload):
    """A step failed for good; the run fails with it, unless its stage has a fault route."""

    TYPE = EventType.STEP_FAILED

    step: str
    error: str
    attempt: int | None = None


@_register
@dataclass
class StepAttemptFailed(Payload):
    """One try of a background action raised."""

    TYPE = EventType.STEP_ATTEMPT_FAILED

    step: str
    attempt: int
    error: str


@_register
@dataclass
class StepRetryScheduled(Payload):
    """The next try waits for a retry timer due `at`."""

    TYPE = EventType.STEP_RETRY_SCHEDULED

    step: str
    at: str


@_register
@dataclass
class StepRetried(Payload):
    """An operator retried a failed background step (a fresh set of attempts)."""

    TYPE = EventType.STEP_RETRIED

    step: str
    reason: str | None = None


@_register
@dataclass
class ChildStarted(Payload):
    """A background step started a child run and waits for it to end."""

    TYPE = EventType.CHILD_STARTED

    step: str
    child: str
    attempt: int | None = None


@_register
@dataclass
class VariablesSet(Payload):
    """A background action set run variables."""

    TYPE = EventType.VARIABLES_SET

    step: str
    values: dict[str, Any]


@_register
@dataclass
class ItemCreated(Payload):
    """A work item was opened for an interactive step."""

    TYPE = EventType.ITEM_CREATED
    _KEEP = frozenset({"due_at"})

    item: str
    step: str
    assignee: str
    due_at: str | None = None
    # Why the item has no assignee: its step's `assignee_from` named nobody valid.
    unassigned: str | None = None


@_register
@dataclass
class ItemCompleted(Payload):
    """Someone completed a work item (the event's actor) with outputs."""

    TYPE = EventType.ITEM_COMPLETED
    _KEEP = frozenset({"outputs"})

    item: str
    step: str
    outputs: dict[str, Any] = field(default_factory=dict)


@_register
@dataclass
class ItemWithdrawn(Payload):
    """An open work item was withdrawn: its step will not finish through it."""

    TYPE = EventType.ITEM_WITHDRAWN

    item: str
    step: str
    reason: str


@_register
@dataclass
class ItemReassigned(Payload):
    """An open work item moved to another assignee (`from` in the stored object)."""

    TYPE = EventType.ITEM_REASSIGNED

    item: str
    step: str
    from_: str
    to: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The stored object, with `from_` written as `from`."""
        return {
            "item": self.item,
            "step": self.step,
            "from": self.from_,
            "to": self.to,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Payload:
        """A payload from its stored object."""
        return cls(
            item=data["item"],
            step=data["step"],
            from_=data.get("from", ""),
            to=data["to"],
            reason=data.get("reason", ""),
        )


@_register
@dataclass
class ItemOverdue(Payload):
    """An open work item passed its due time."""

    TYPE = EventType.ITEM_OVERDUE

    item: str
    step: str
    assignee: str


@_register
@dataclass
class EventReceived(Payload):
    """A named event reached a wait step."""

    TYPE = EventType.EVENT_RECEIVED
    _KEEP = frozenset({"key"})

    step: str
    event: str
    key: Any = None
    # Set when the event was sent before the wait opened and kept for it (`buffer:`):
    # the buffered entry's id and when the event was sent.
    buffered: int | None = None
    sent_at: str | None = None


@_register
@dataclass
class TimerFired(Payload):
    """A retry or timeout timer of a step fired."""

    TYPE = EventType.TIMER_FIRED

    step: str
    kind: str


@_register
@dataclass
class Log(Payload):
    """A message an action logged; `data` is stored flat beside `step` and `message`."""

    TYPE = EventType.LOG

    step: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The stored object: step, message and the data's keys."""
        return {"step": self.step, "message": self.message, **self.data}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Payload:
        """A payload from its stored object."""
        rest = {k: v for k, v in data.items() if k not in ("step", "message")}
        return cls(step=data.get("step", ""), message=data.get("message", ""), data=rest)


@_register
@dataclass
class VariablesEdited(Payload):
    """An operator changed run variables by hand: new `values`, the `previous` ones, why."""

    TYPE = EventType.VARIABLES_EDITED

    values: dict[str, Any]
    previous: dict[str, Any]
    reason: str = ""


@dataclass(slots=True)
class Event:
    """One entry of a run's log: its place, time, who caused it, and the payload."""

    seq: int
    time: str
    actor: str | None
    data: Payload

    @property
    def type(self) -> EventType:
        """The event's type (its payload's)."""
        return self.data.TYPE

    @classmethod
    def from_log(cls, entry: Mapping[str, Any]) -> Event | None:
        """An event from `Engine.log`'s shape; None for a type this version does not know."""
        try:
            kind = EventType(entry["type"])
        except ValueError:
            return None
        return cls(
            seq=entry["seq"],
            time=entry["time"],
            actor=entry.get("actor"),
            data=PAYLOADS[kind].from_dict(entry.get("payload") or {}),
        )
