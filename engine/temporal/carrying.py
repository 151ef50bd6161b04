"""Very long runs: when a `BatonRun`'s Temporal history grows past its limit, the run goes
on as a new execution of the same workflow id, carrying its Baton log. The new execution's
state is the fold of that log (DESIGN rule 5), so only what the fold cannot give is
carried besides: the timers already fired, the run's copy of its record, whether it still
tells its parent that it ended, and the definitions of the versions `migrate` moved it to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from engine.temporal import shapes


@dataclass
class Carried:
    """What one execution of a run hands to the next (`RunStart.carried`, packed)."""

    log: list[dict[str, Any]]
    spent: set[tuple[str, str]]
    record: dict[str, Any] | None
    notify_parent: bool
    # Definitions of the versions the run was moved to, by number (as text).
    bodies: dict[str, str] = field(default_factory=dict)

    def pack(self) -> str:
        """As `RunStart.carried` text (compressed JSON)."""
        return shapes.carry(
            {
                "log": self.log,
                "spent": sorted(self.spent),
                "record": self.record,
                "notify_parent": self.notify_parent,
                "bodies": self.bodies,
            }
        )

    @classmethod
    def unpack(cls, text: str) -> Carried:
        """What `pack` wrote; runs continued before migration carried no `bodies`."""
        state = shapes.uncarry(text)
        return cls(
            log=state["log"],
            spent={(key, due) for key, due in state["spent"]},
            record=state["record"],
            notify_parent=state["notify_parent"],
            bodies=state.get("bodies") or {},
        )


def too_long(limit: int) -> bool:
    """Whether the current execution's history reached `limit` events (0: no limit)."""
    return bool(limit) and workflow.info().get_current_history_length() >= limit
