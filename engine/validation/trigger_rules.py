"""The `trigger-invalid` rule: a record trigger needs an object and events, a schedule a
valid five-field cron expression."""

from __future__ import annotations

from collections.abc import Iterator

from engine.definition import RecordTrigger, ScheduleTrigger
from engine.validation.context import Index, error
from engine.validation.diagnostics import Diagnostic


def check_trigger(index: Index) -> Iterator[Diagnostic]:
    """Report a trigger that could never start a run."""
    trigger = index.definition.trigger
    if isinstance(trigger, RecordTrigger):
        if not trigger.object.strip():
            yield error(
                "trigger-invalid",
                None,
                "trigger.object",
                "the record trigger names no object; set the record type whose changes "
                "start a run (e.g. 'Employee')",
            )
        if not trigger.on:
            yield error(
                "trigger-invalid",
                None,
                "trigger.on",
                "the record trigger listens to no event; set 'on' to created, updated or both",
            )
    elif isinstance(trigger, ScheduleTrigger):
        problem = _cron_problem(trigger.cron)
        if problem:
            yield error("trigger-invalid", None, "trigger.cron", problem)


def _cron_problem(cron: str) -> str | None:
    example = "e.g. '0 9 * * 1' for Mondays at 09:00"
    if not cron.strip():
        return f"the schedule trigger has no cron expression; set one ({example})"
    fields = cron.split()
    if len(fields) != 5:
        return (
            f"the cron expression {cron!r} has {len(fields)} fields; write five (minute hour "
            f"day-of-month month day-of-week), {example}"
        )
    from croniter import croniter  # here: it costs ~35 ms to import, and few triggers are schedules

    if not croniter.is_valid(cron):
        return f"the cron expression {cron!r} is not valid; {example}"
    return None
