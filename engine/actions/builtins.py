"""The built-in actions. Each takes `(inputs, context)` and returns its outputs.

They reach the engine only through the context (variables, records, child runs, the
outbox), so they stay free of runtime internals and are written like any plugin.
"""

from __future__ import annotations

from typing import Any

from engine.actions.mail import message_id
from engine.errors import InvalidInput


def set_variables(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    """Assign each input to the run variable of the same name; outputs echo them."""
    context.set_variables(inputs)
    return dict(inputs)


def log(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    """Write `message` (and any other inputs) to the run's event log."""
    context.log(str(inputs.get("message", "")), {k: v for k, v in inputs.items() if k != "message"})
    return {}


def send_email(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    """Send `to`, `subject`, `body` (optional `cc`, `sender`).

    The message joins the outbox with the run's transaction and is delivered after it
    commits: written to the outbox folder as an `.eml` file, or sent by SMTP when a mail
    server is configured (with the file only if `BATON_OUTBOX_COPY` asks for a copy; see
    `engine.runtime.delivery`). The `message_file` output names where that file is or would
    be, whatever the settings, so a run's outputs do not depend on them. It is keyed by run,
    step and stage visit, so a retried step (at-least-once) never sends the same message
    twice.
    """
    to = inputs.get("to")
    if not to:
        raise InvalidInput("send_email needs a `to` address", field="to")
    file = context.send_email(
        to,
        str(inputs.get("subject", "")),
        str(inputs.get("body", "")),
        cc=inputs.get("cc"),
        sender=inputs.get("sender"),
    )
    return {"message_file": str(file), "message_id": message_id(context.idempotency_key)}


def create_record(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    """Create a record of `object` with `fields` (a mapping); outputs its `record_id`."""
    object_name = inputs.get("object")
    if not object_name:
        raise InvalidInput("create_record needs an `object`", field="object")
    record_id = context.create_record(str(object_name), dict(inputs.get("fields") or {}))
    return {"record_id": record_id}


def update_record(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    """Update fields of the record `object`/`id` (default: the run's triggering record)."""
    object_name = inputs.get("object") or context.record_object
    record_id = inputs.get("id") or context.record_id
    if not object_name or not record_id:
        raise InvalidInput("update_record needs `object` and `id` (or a triggering record)")
    context.update_record(str(object_name), str(record_id), dict(inputs.get("fields") or {}))
    return {"record_id": record_id}


def start_orchestration(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    """Start a child run of `orchestration` with `inputs` (a mapping).

    The step waits until the child ends and then has the child's variables as outputs.
    """
    definition_id = inputs.get("orchestration")
    if not definition_id:
        raise InvalidInput(
            "start_orchestration needs `orchestration` (an id)", field="orchestration"
        )
    child_id = context.start_orchestration(str(definition_id), dict(inputs.get("inputs") or {}))
    return {"child_run_id": child_id}


BUILTINS = {
    "set_variables": set_variables,
    "log": log,
    "send_email": send_email,
    "create_record": create_record,
    "update_record": update_record,
    "start_orchestration": start_orchestration,
}
