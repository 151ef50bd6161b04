"""What starts runs: manual starts with inputs, child runs, record changes, schedules.

Record triggers: creating a record starts every active orchestration on that object whose
`on` includes `created` and whose condition holds. An update starts those with `updated`
whose condition holds now and did not hold before the update, so a run is not started again
by every later edit of a record that already qualified; a trigger with `every_update` starts
one on every update after which its condition holds. Runs started by record changes that
other runs made carry the chain of orchestrations that led to them; an orchestration never
re-triggers itself through that chain, and chains stop at `MAX_TRIGGER_DEPTH`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.errors import BatonError, NotFound
from engine.expressions import Namespace, evaluate
from engine.runtime import events as ev
from engine.runtime import ids, interpreter, recheck
from engine.runtime.state import RunState
from engine.runtime.values import check_inputs, coerce
from engine.store import definitions as definition_store
from engine.store import format_time, parse_time
from engine.store import records as record_store

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from engine.runtime.plan import Plan
    from engine.runtime.unit import Unit

MAX_TRIGGER_DEPTH = 8
log = logging.getLogger(__name__)


RANDOM = random.SystemRandom()
"""Where run ids come from (a test may put a seeded generator here to force a repeat)."""


def new_run_id() -> str:
    """A random run id: `run-` and 13 characters of base 32 (65 bits, see `ids`)."""
    return "run-" + ids.spell(RANDOM.getrandbits(ids.RUN_ID_BITS))


def start(
    unit: Unit,
    definition_id: str,
    inputs: dict[str, Any] | None = None,
    *,
    trigger: str = "manual",
    record: tuple[str, str] | None = None,
    chain: list[str] | None = None,
    parent: tuple[str, str] | None = None,
    enforce_required: bool = True,
) -> RunState:
    """Create a run of the active version of an orchestration and queue its first move.

    Raises:
        NotFound: no active version of that id.
        InvalidInput: inputs missing or mistyped (no run is created).
    """
    version = definition_store.active_version(unit.conn, definition_id)
    if version is None:
        raise NotFound(
            f"no active orchestration {definition_id!r}",
            hint="activate it first with `baton activate FILE`",
        )
    plan = unit.engine.plan(definition_id, version, unit.conn)
    variables = check_inputs(
        plan.definition.variables, inputs or {}, enforce_required=enforce_required
    )
    run = RunState(
        id=new_run_id(),
        definition_id=definition_id,
        definition_version=version,
        status="not_started",
        started_at=unit.now,
    )
    unit.add_run(run)
    unit.emit(
        run,
        ev.RunStarted(
            definition=definition_id,
            version=version,
            trigger=trigger,
            inputs=inputs or {},
            variables=variables,
            record=list(record) if record else None,
            parent=list(parent) if parent else None,
            chain=list(chain) if chain else None,
        ),
    )
    unit.queue.append(lambda: unit.drive(run, interpreter.begin(unit, run)))
    return run


def start_child(
    unit: Unit, parent: RunState, step_id: str, definition_id: str, inputs: dict[str, Any]
) -> str:
    """Start a child run for a `start_orchestration` step."""
    child = start(
        unit,
        definition_id,
        inputs,
        trigger="parent",
        chain=parent.chain,
        parent=(parent.id, step_id),
    )
    return child.id


# --- records ---------------------------------------------------------------------------


def create_record(
    unit: Unit, object_name: str, fields: dict[str, Any], chain: list[str] | None = None
) -> str:
    """Store a new record and start the orchestrations it triggers; returns its id."""
    record_id = record_store.new_record_id()
    record_store.insert(unit.conn, object_name, record_id, fields, unit.now)
    unit.forget_record(object_name, record_id)
    _fire(unit, object_name, record_id, "created", None, fields, list(chain or []))
    return record_id


def update_record(
    unit: Unit,
    object_name: str,
    record_id: str,
    changes: dict[str, Any],
    chain: list[str] | None = None,
) -> dict[str, Any]:
    """Change fields of a record and start the orchestrations the change triggers."""
    before = record_store.get(unit.conn, object_name, record_id)
    if before is None:
        raise NotFound(f"no {object_name} record with id {record_id!r}")
    after = {**before, **changes}
    record_store.replace_fields(unit.conn, object_name, record_id, after, unit.now)
    unit.forget_record(object_name, record_id)
    _fire(unit, object_name, record_id, "updated", before, after, list(chain or []))
    recheck.queue_record_runs(unit, object_name, record_id)
    return after


def _holds(condition: str | None, fields: dict[str, Any] | None) -> bool:
    if fields is None:
        return False
    if not condition:
        return True
    return bool(evaluate(condition, {"record": Namespace(fields)}))


@dataclass(frozen=True)
class RecordStart:
    """A run a record change starts: which orchestration, its inputs (the record's fields
    that match its input variables) and the trigger chain it carries."""

    definition_id: str
    inputs: dict[str, Any]
    chain: list[str]


def record_starts(
    conn: Connection,
    plan_of: Callable[[str, int], Plan],
    object_name: str,
    record_id: str,
    event: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    chain: list[str],
) -> list[RecordStart]:
    """The runs a record change starts (see the module docstring); every runtime starts
    these the same way (the local one below, Temporal's in `engine.temporal`)."""
    candidates = definition_store.active_record_triggered(conn, object_name)
    return record_starts_among(
        candidates, plan_of, object_name, record_id, event, before, after, chain
    )


def record_starts_among(
    candidates: Iterable[tuple[str, int]],
    plan_of: Callable[[str, int], Plan],
    object_name: str,
    record_id: str,
    event: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    chain: list[str],
) -> list[RecordStart]:
    """`record_starts` among given (id, version)s of the active orchestrations triggered
    by records of this object (for a shell keeping its definitions without a database:
    the simulation's)."""
    found = []
    for definition_id, version in candidates:
        plan = plan_of(definition_id, version)
        trigger = plan.definition.trigger
        if event not in trigger.on:
            continue
        if definition_id in chain or len(chain) >= MAX_TRIGGER_DEPTH:
            log.warning(
                "record %s/%s did not start %s: trigger chain %s would recurse",
                object_name,
                record_id,
                definition_id,
                " > ".join(chain),
            )
            continue
        try:
            if not _holds(trigger.condition, after):
                continue
            # Unless every update counts, an update must make the condition hold.
            changed_only = event == "updated" and not trigger.every_update
            if changed_only and _holds(trigger.condition, before):
                continue
        except BatonError as exc:
            log.warning("record trigger of %s: %s", definition_id, exc)
            continue
        inputs = {}
        for var in plan.definition.variables:
            if var.input and var.name in after:
                try:
                    inputs[var.name] = coerce(after[var.name], var.type)
                except ValueError:
                    continue
        found.append(RecordStart(definition_id, inputs, [*chain, definition_id]))
    return found


def _fire(
    unit: Unit,
    object_name: str,
    record_id: str,
    event: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    chain: list[str],
) -> None:
    starts = record_starts(
        unit.conn,
        lambda d, v: unit.engine.plan(d, v, unit.conn),
        object_name,
        record_id,
        event,
        before,
        after,
        chain,
    )
    for found in starts:
        start(
            unit,
            found.definition_id,
            found.inputs,
            trigger=f"record:{event}",
            record=(object_name, record_id),
            chain=found.chain,
            enforce_required=False,
        )


# --- schedules -------------------------------------------------------------------------


def next_fire_time(cron: str, after: str) -> str:
    """The first cron slot strictly after a stored time (cron fields are read in UTC)."""
    # Imported here: croniter brings dateutil (about 7 ms), and every command that opens an
    # `Engine` imports this module, while only schedules need it.
    from croniter import croniter

    return format_time(croniter(cron, parse_time(after)).get_next(datetime))
