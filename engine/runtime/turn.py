"""What the engine's decisions need from the shell running them, and what they hand back.

Decisions (`engine.runtime.interpreter`, `steps`, `commands`) are functions of a run's
state, its definition, a command or timer, and the time of the call. They reach the world
only through a `Turn`: they read the time and records from it and emit events into it.
They never call an action: a decision that needs one *yields* an `ActionRequest`; the
shell runs the action (in the local engine: at once, in the same transaction; on
Temporal: as an activity) and sends the `ActionOutcome` back into the generator, which
goes on deciding. A decision with no action to run simply returns.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from engine.runtime.events import Payload
    from engine.runtime.state import RunState


class Turn(Protocol):
    """One engine call as a decision sees it.

    Attributes:
        now: the call's time, as stored (fixed-width UTC text).
    """

    now: str

    def emit(self, run: RunState, data: Payload, actor: str | None = None) -> None:
        """Append an event to the run's log and fold it into the run's state."""
        ...

    def later(self, delta: timedelta) -> str:
        """The stored form of the call's time plus `delta` (for timers)."""
        ...

    def record(self, object_name: str | None, record_id: str | None) -> dict[str, Any] | None:
        """A record's fields as they are now (expressions may read `record`)."""
        ...

    def buffered_event(self, event: str, key: str | None, since: str) -> dict[str, Any] | None:
        """The oldest event of this name kept for a wait that opens later (`buffer:`), sent
        at or after `since`, with exactly this key (any key when None); None if there is
        none. `{"id", "key", "data", "sent_at"}`; emitting `EventReceived` with its `id` as
        `buffered` takes it. A shell that reads no store within a turn (Temporal's
        workflow) sets `claims_kept_events` instead, and is asked by a `KeptEventRequest`."""
        ...


@dataclass(frozen=True)
class KeptEventRequest:
    """A wait with a `buffer` opens in a turn whose shell reads no store itself (a Turn
    with `claims_kept_events` true): the shell claims the oldest kept event (as
    `Turn.buffered_event` finds it) and sends it back, or None."""

    run_id: str
    step_id: str
    event: str
    key: str | None
    since: str


@dataclass(frozen=True)
class ActionRequest:
    """A background step's action to run: the shell runs it and sends the outcome back."""

    run_id: str
    step_id: str
    action: str
    attempt: int
    inputs: dict[str, Any]


@dataclass
class ActionOutcome:
    """What an action did: outputs and variables, a child run it started, or an error."""

    outputs: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    child_run_id: str | None = None
    error: str | None = None


Moves = Generator[ActionRequest | KeptEventRequest, ActionOutcome | dict[str, Any] | None, Any]
"""A decision that may need actions: it yields requests and receives their outcomes (for
a `KeptEventRequest`, the kept event or None)."""


class RunFailure(Exception):
    """A run cannot go on (an expression error, a dead end); the run fails with it.

    Attributes:
        resume_from: the node whose flow failed, to leave again when the run is resumed.
    """

    def __init__(self, message: str, resume_from: str | None = None) -> None:
        super().__init__(message)
        self.resume_from = resume_from
