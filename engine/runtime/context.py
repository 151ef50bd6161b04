"""What an action sees of the engine: its run, variables, records, child runs, the outbox."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.runtime import events as ev
from engine.runtime import triggers

if TYPE_CHECKING:
    from engine.runtime.state import RunState
    from engine.runtime.unit import Unit


class ActionContext:
    """Passed to every action call (second argument).

    Writes an action makes through the context (records, child runs) are undone when the
    action raises, so a failed attempt leaves nothing behind; variables set by an action
    apply only when it succeeds.

    Attributes:
        run_id: the run executing the step.
        step_id: the background step.
        attempt: 1 for the first try, 2 for the first retry, ...
        now: the engine clock's time for this call.
        outbox: folder where emails are written as `.eml` files.
        idempotency_key: the same for every attempt of one step visit; use it to make
            outside effects happen once under at-least-once execution.
    """

    def __init__(self, unit: Unit, run: RunState, step_id: str, attempt: int) -> None:
        self._unit = unit
        self._run = run
        self.run_id = run.id
        self.definition_id = run.definition_id
        self.step_id = step_id
        self.attempt = attempt
        self.now: datetime = unit.moment
        self.outbox: Path = unit.engine.outbox
        visit = run.stages.get(run.steps[step_id]["stage"], {}).get("visits", 1)
        self.idempotency_key = f"{run.id}-{step_id}-{visit}"
        self.record_object = run.record_object
        self.record_id = run.record_id
        self.variables_set: dict[str, Any] = {}
        self.child_run_id: str | None = None
        self._mark = unit.mark()

    def _write_guard(self) -> None:
        self._mark.guard_writes()

    def set_variables(self, values: dict[str, Any]) -> None:
        """Set run variables (applied when the action returns normally)."""
        self.variables_set.update(values)

    def log(self, message: str, data: dict[str, Any] | None = None) -> None:
        """Append a `log` event to the run's log."""
        self._unit.emit(
            self._run, ev.Log(step=self.step_id, message=message, data=dict(data or {}))
        )

    def record(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        """A record's fields as they are now."""
        return self._unit.record(object_name, record_id)

    def create_record(self, object_name: str, fields: dict[str, Any]) -> str:
        """Create a record (may start record-triggered orchestrations); returns its id."""
        self._write_guard()
        return triggers.create_record(
            self._unit, object_name, fields, chain=[*self._run.chain, self._run.definition_id]
        )

    def update_record(self, object_name: str, record_id: str, fields: dict[str, Any]) -> None:
        """Change fields of a record (may start record-triggered orchestrations)."""
        self._write_guard()
        triggers.update_record(
            self._unit,
            object_name,
            record_id,
            fields,
            chain=[*self._run.chain, self._run.definition_id],
        )

    def send_email(
        self,
        to: str | list[str],
        subject: str,
        body: str,
        cc: str | None = None,
        sender: str | None = None,
    ) -> Path:
        """Queue an email, sent once per step visit after this call commits.

        Returns the `.eml` file it is written to in the outbox folder (right after the
        commit; by SMTP too, by `baton worker`, when configured).
        """
        from engine.runtime import delivery

        self._write_guard()
        message = {"to": to, "subject": subject, "body": body, "cc": cc, "sender": sender}
        return delivery.queue_message(self._unit, self.idempotency_key, self.run_id, message)

    def start_orchestration(self, definition_id: str, inputs: dict[str, Any]) -> str:
        """Start a child run; the step then waits until the child ends."""
        self._write_guard()
        self.child_run_id = triggers.start_child(
            self._unit, self._run, self.step_id, definition_id, inputs
        )
        return self.child_run_id

    def succeeded(self) -> None:
        """Keep the action's writes."""
        self._unit.release(self._mark)

    def failed(self) -> None:
        """Undo the action's writes and anything they set in motion."""
        self._unit.rollback(self._mark)
        self.child_run_id = None
        self.variables_set.clear()
