"""How runs affect each other: a child run ending moves its parent; a parent step or run
canceled cancels its child runs. Part of the SQL shell (a decision sees one run only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.runtime import commands, operations
from engine.runtime.state import RUN_TERMINAL

if TYPE_CHECKING:
    from engine.runtime.state import RunState
    from engine.runtime.unit import Unit


def child_finished(unit: Unit, child: RunState) -> None:
    """A child run ended: its parent's step completes (or fails) and the parent moves on."""
    parent = unit.run(child.parent_run_id or "")
    unit.drive(parent, commands.child_finished(unit, parent, child.parent_step_id or "", child))


def cancel_child(unit: Unit, child_id: str, reason: str) -> None:
    """Cancel a child run because its parent step was canceled or skipped."""
    child = unit.run(child_id)
    if child.status not in RUN_TERMINAL:
        child.notify_parent = False  # the parent already knows
        operations.cancel_run(unit, child, f"parent step canceled: {reason}")
