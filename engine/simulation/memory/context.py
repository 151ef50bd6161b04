"""What a simulated action sees of the in-memory engine (as `ActionContext` of the live one).

Its run, variables, records (the real `create_record` and `update_record` built-ins write
them here) and child runs (a background step's simulated duration is a child run); what a
failed action set in motion is undone from the mark taken when it was called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.runtime import events as ev

if TYPE_CHECKING:
    from engine.runtime.state import RunState
    from engine.simulation.memory.call import MemoryCall


class MemoryContext:
    """What a simulated action sees: the part of `ActionContext` stand-ins and the real
    built-ins they run (`set_variables`, `log`, `create_record`, `update_record`) use."""

    def __init__(self, call: MemoryCall, run: RunState, step_id: str, attempt: int) -> None:
        self._call = call
        self._run = run
        self.run_id = run.id
        self.definition_id = run.definition_id
        self.step_id = step_id
        self.attempt = attempt
        self.now = call.moment
        visit = run.stages.get(run.steps[step_id]["stage"], {}).get("visits", 1)
        self.idempotency_key = f"{run.id}-{step_id}-{visit}"
        self.record_object = run.record_object
        self.record_id = run.record_id
        self.variables_set: dict[str, Any] = {}
        self.child_run_id: str | None = None
        self._mark = call.mark()

    def set_variables(self, values: dict[str, Any]) -> None:
        """Set run variables (applied when the action returns normally)."""
        self.variables_set.update(values)

    def log(self, message: str, data: dict[str, Any] | None = None) -> None:
        """Append a `log` event to the run's log."""
        self._call.emit(
            self._run, ev.Log(step=self.step_id, message=message, data=dict(data or {}))
        )

    def record(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        """A record's fields as they are now."""
        return self._call.record(object_name, record_id)

    def create_record(self, object_name: str, fields: dict[str, Any]) -> str:
        """Create a record (may start record-triggered orchestrations); returns its id."""
        return self._call.create_record(object_name, fields, chain=self._chain())

    def update_record(self, object_name: str, record_id: str, fields: dict[str, Any]) -> None:
        """Change fields of a record (may start record-triggered orchestrations)."""
        self._call.update_record(object_name, record_id, fields, chain=self._chain())

    def _chain(self) -> list[str]:
        return [*self._run.chain, self._run.definition_id]

    def start_orchestration(self, definition_id: str, inputs: dict[str, Any]) -> str:
        """Start a child run; the step then waits until the child ends."""
        child = self._call.start(
            definition_id,
            inputs,
            trigger="parent",
            parent=(self._run.id, self.step_id),
            chain=self._run.chain,
        )
        self.child_run_id = child.id
        return child.id

    def failed(self) -> None:
        """Undo what the action set in motion."""
        self._call.rollback(self._mark)
        self.child_run_id = None
        self.variables_set.clear()
