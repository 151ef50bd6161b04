"""A run's state rebuilt from its event log alone (DESIGN rule 5: the log is the truth).

`replay(plan, events)` is the engine's own fold (`engine.runtime.fold`) over the stored
log, summarised the way the history view and `Engine.replay` show it. The designer
replays a prefix of the log to show the run as it was at any event; tests replay whole
logs to check that the log and the query tables never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.runtime.fold import fold
from engine.runtime.state import RunState

if TYPE_CHECKING:
    # Annotations only: callers build the plan (and the definition models it wraps).
    from engine.runtime.plan import Plan


def replay(
    plan: Plan,
    events: Iterable[Mapping[str, Any]],
    plans: Callable[[int], Plan] | None = None,
) -> dict[str, Any]:
    """The run state after `events` (as returned by `Engine.log`), in order.

    `plans` gives other versions of the orchestration by number, for a run that was
    migrated between versions (see `engine.runtime.fold.fold`).

    Returns:
        `{"status", "stage", "error", "outcome", "fault", "stages", "steps", "variables",
        "items"}` where
        `stages` maps stage id to `{"status", "visits"}`, `steps` maps step id to
        `{"status", "outputs"}` and `items` maps item id to `{"step", "assignee", "status"}`.
        `status` is `not_started` before the first event.
    """
    return summary(fold(plan, "", events, plans))


def summary(state: RunState) -> dict[str, Any]:
    """The replay summary of a folded state."""
    return {
        "status": state.status,
        "stage": state.current_stage,
        "error": state.error,
        "outcome": state.outcome,
        "fault": state.fault,
        "stages": {
            sid: {"status": st["status"], "visits": st["visits"]}
            for sid, st in state.stages.items()
        },
        "steps": {
            sid: {"status": st["status"], "outputs": st.get("outputs")}
            for sid, st in state.steps.items()
        },
        "variables": state.variables,
        "items": {
            iid: {"step": it["step"], "assignee": it["assignee"], "status": it["status"]}
            for iid, it in state.items.items()
        },
    }
