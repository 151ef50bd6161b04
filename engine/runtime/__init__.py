"""The local runtime: runs orchestration definitions durably, one transaction per call.

Semantics (the contract of DESIGN.md "Run semantics", as implemented here):

* A run starts at the node after the start node. Entering a stage counts a visit (a stage
  with `max_visits` entered once more fails the run with that reason), resets its steps to
  `not_started`, and starts every step whose `after` steps are all finished (completed,
  skipped or canceled). A step's `condition` is evaluated once, when it becomes ready:
  false skips it (DESIGN says "starts when it becomes true"; the format fixes "evaluated
  once", which is what runs here).
* Interactive steps open a work item for `user:`, `group:` or `queue:` and wait. Only the
  assignee, a member, or an admin may complete it; outputs are checked against the
  declared type, `choices` and `required`, and a refusal changes nothing. Completing twice
  names who completed it and when. `due` marks the item overdue at that time (logged) and
  `escalate_to` then reassigns it (logged, actor `system`).
* Background steps call their action at once, inside the call that started them. An
  exception is an attempt failed; `retry.attempts` bounds the tries, `retry.delay` waits on
  the engine clock (a timer) between them; the last failure fails the step and the run with
  the error. Writes an action made through its context are undone when it raises.
* Wait steps subscribe to an event name with a correlation key (evaluated at start) and/or
  set a timeout timer; the event completes them with its data as outputs, the timeout with
  `timed_out = true`.
* A stage exits when every step is finished, or as soon as its `exit_condition` holds (the
  unfinished steps are canceled, their items withdrawn). Then the stage's flow is followed;
  a decision takes the first flow whose condition holds, in document order, else its
  default. An end node completes the run; a child run's end completes its parent's step
  with the child's variables as outputs.
* Expressions read variables, step outputs (`step.field`), `record` (the triggering record
  as it is now in the record store) and `run`. An expression error fails the run, naming
  the element.
* Paused runs record what people and events complete but start nothing new until resumed.
  Canceling withdraws open items, drops waits and timers and cancels child runs.
* Transactions: every engine call (start, complete an item, an event, a record change, a
  timer firing, an operator action) moves the affected runs until they wait again or end,
  appends their events and updates the query tables in one commit. A crash mid-call rolls
  the whole call back, so a run is always before or after a transition; background steps
  run since the last commit run again (at-least-once; `send_email` is idempotent).
* Several processes (desktops, `baton worker`s) may share one database. A call locks each
  run it moves (`SELECT ... FOR UPDATE` where the database has row locks; SQLite has one
  writer at a time) and writes it back only if its `rev` is unchanged; a work item is
  completed or reassigned only while still open and with the assignee the call checked;
  timers, schedule slots and notices are claimed by a conditional delete/update. A call
  that loses a race is rolled back whole and redone on fresh state, so it either succeeds
  or reports what the winner did ("already completed by X at T").
* Roles (engine.runtime.permissions): admins activate definitions and manage users,
  operators cancel/pause/resume/retry/skip/reassign; enforced on shared databases.
* Time comes from an injected `Clock`; `Engine.tick()` fires due timers and schedules,
  `Engine.advance(until)` walks a `VirtualClock` through them in order.

How it is built (docs/architecture.md): a pure core and shells around it. The core's
decisions (`interpreter`, `steps` — one behaviour per step type —, `commands`, `basics`)
read a run's `RunState` and emit events (`events.EventType`) through a `Turn`;
`fold.apply(state, event)` is the only place state changes, and `replay` is the same fold
over a stored log. A decision that needs a background action yields an `ActionRequest`
and receives its outcome. The SQL shell (`engine`, `unit`, `writes`, `execute` and the
command shells `workitems`, `timers`, `operations`, `triggers`, `links`) locks and loads
runs, runs actions, and writes the log and the query tables from the folded states in one
transaction; simulation drives the same `Engine`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.runtime.clock import Clock, VirtualClock, WallClock
    from engine.runtime.context import ActionContext
    from engine.runtime.engine import Engine

# Imported on first use, not with the package: a command that only reads rows (`baton runs`,
# `engine.runtime.reader`) must not pay for the interpreter, triggers and definitions that
# importing `Engine` brings in (most of a read command's start-up; benchmarks/cli_startup.py).
_LAZY = {
    "ActionContext": "engine.runtime.context",
    "Clock": "engine.runtime.clock",
    "Engine": "engine.runtime.engine",
    "VirtualClock": "engine.runtime.clock",
    "WallClock": "engine.runtime.clock",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = ["ActionContext", "Clock", "Engine", "VirtualClock", "WallClock"]
