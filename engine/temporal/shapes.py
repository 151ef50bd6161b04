"""What the Temporal pieces pass each other: workflow inputs, update requests, search
attributes, and the definition versions a workflow executes.

Plain dataclasses (Temporal's JSON converter carries them) and pure helpers: this module
is imported by the workflow (passed through the sandbox) as well as the client and worker.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from engine.definition import loads_definition
from engine.runtime.plan import Plan

WORKFLOW = "BatonRun"
NOTE_SIGNAL = "note"
"""The Signal by which linked runs (parent, children) tell each other what happened."""
ACTION_ACTIVITY = "baton.run_action"
NOTICE_ACTIVITY = "baton.send_notices"
OUTBOX_ACTIVITY = "baton.queue_webhooks"
CLAIM_ACTIVITY = "baton.claim_buffered"
CONSUME_ACTIVITY = "baton.consume_buffered"
RECHECK_ACTIVITY = "baton.recheck_record_runs"

# Visibility: what `baton runs` and `baton work list` filter on. Baton registers these on
# first use (engine.temporal.client.register_search_attributes).
STATUS = SearchAttributeKey.for_keyword("BatonStatus")
ORCHESTRATION = SearchAttributeKey.for_keyword("BatonOrchestration")
VERSION = SearchAttributeKey.for_int("BatonVersion")
STAGE = SearchAttributeKey.for_keyword("BatonStage")
STARTED_AT = SearchAttributeKey.for_keyword("BatonStartedAt")
# Assignees of the run's open work items, e.g. `user:alice`, `group:hr`.
ASSIGNEES = SearchAttributeKey.for_keyword_list("BatonAssignees")
# Every work item id the run ever opened (to find an item's run, open or closed).
ITEMS = SearchAttributeKey.for_keyword_list("BatonItems")
# Open event subscriptions: `name:NAME` for each event waited for, and `any:NAME` (a wait
# that takes any key) or `key:NAME=KEY` to match an event (a namespace allows only three
# keyword-list attributes, so both live in one).
WAITS = SearchAttributeKey.for_keyword_list("BatonWaits")
# The run's last event number: a client waits until visibility shows its own write.
SEQ = SearchAttributeKey.for_int("BatonSeq")
# The record a record trigger started the run for: `OBJECT/ID` (to re-check its runs when
# it changes, and for `baton record create`'s list of the runs it started).
RECORD = SearchAttributeKey.for_keyword("BatonRecord")
# A run row's end: when it ended (completed, canceled or failed), the end's outcome, and
# the error of a failed run (for `baton runs --outcome` and the rows' error column).
ENDED_AT = SearchAttributeKey.for_keyword("BatonEndedAt")
OUTCOME = SearchAttributeKey.for_keyword("BatonOutcome")
ERROR = SearchAttributeKey.for_text("BatonError")
# The memo a run's workflow leaves as it closes: every item it opened (`views.item`'s
# shape without run, orchestration and version, which the row has), so `work list --all`
# reads a finished run's items from the visibility listing, with no query (a query of a
# closed workflow replays its whole history on a worker). A run whose items take more
# than ITEMS_MEMO_CHARS of JSON leaves none, and is queried as before.
ITEMS_MEMO = "items"
ITEMS_MEMO_CHARS = 16_000
ALL_KEYS = (
    STATUS,
    ORCHESTRATION,
    VERSION,
    STAGE,
    STARTED_AT,
    ASSIGNEES,
    ITEMS,
    WAITS,
    SEQ,
    RECORD,
    ENDED_AT,
    OUTCOME,
    ERROR,
)


def record_value(object_name: str, record_id: str) -> str:
    """The `BatonRecord` value of a record."""
    return f"{object_name}/{record_id}"


def wait_value(event: str, key: Any) -> str:
    """The `BatonWaits` value an event with this key matches (key None: a wait for any key)."""
    return f"any:{event}" if key is None else f"key:{event}={key}"


def wait_values(waits: list[dict[str, Any]]) -> list[str]:
    """The `BatonWaits` values of a run's open subscriptions."""
    found = {f"name:{w['event']}" for w in waits} | {
        wait_value(w["event"], w["key"]) for w in waits
    }
    return sorted(found)


HISTORY_LIMIT = 10_000
"""History events after which a run continues as new (Temporal warns at 10,240 and stops
a workflow at 51,200); `BATON_TEMPORAL_HISTORY_LIMIT` sets another."""


@dataclass
class RunStart:
    """A new run: the definition version to execute (its stored JSON) and its inputs."""

    run_id: str
    definition_id: str
    version: int
    body: str
    inputs: dict[str, Any]
    variables: dict[str, Any]
    trigger: str = "manual"
    actor: str | None = None
    # Whether the server has visibility to publish search attributes to (Temporal's
    # time-skipping test server has none).
    visibility: bool = True
    # Seconds without a heartbeat after which a running action counts as lost (its worker
    # died) and is given to another worker (`BATON_TEMPORAL_HEARTBEAT`, default 30).
    heartbeat: float = 30.0
    # A record trigger's record: [object, id], and its fields as the change left them
    # (the workflow reads `record` in expressions from this copy; `record_changed` renews it).
    record: list[str] | None = None
    record_fields: dict[str, Any] | None = None
    # The orchestrations whose record changes led to this run (`triggers.MAX_TRIGGER_DEPTH`).
    chain: list[str] | None = None
    # A child run's parent: [run id, step id].
    parent: list[str] | None = None
    # Temporal history events after which the run continues as a new workflow execution
    # (`BATON_TEMPORAL_HISTORY_LIMIT`); 0: never.
    history_limit: int = 0
    # A run continued as new: what the previous execution held (`carry`/`uncarry`).
    carried: str | None = None


def carry(state: dict[str, Any]) -> str:
    """A continued run's state as compact text (zlib-compressed JSON, base64)."""
    text = json.dumps(state, separators=(",", ":"), sort_keys=True, default=str)
    return base64.b64encode(zlib.compress(text.encode(), 9)).decode()


def uncarry(text: str) -> dict[str, Any]:
    """The state `carry` packed."""
    return json.loads(zlib.decompress(base64.b64decode(text)))


@dataclass
class Command:
    """One command reaching a run (an Update): what, by whom, with which arguments.

    `kind` is one of `complete_item`, `reassign`, `event`, `cancel`, `pause`, `resume`,
    `retry`, `skip`, `record_changed`; `args` holds that command's arguments by name.
    """

    kind: str
    actor: str | None = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Done:
    """What a command did: its result and the run's last event number afterwards, and the
    runs linked to it (parent, children) that the client settles too."""

    seq: int
    status: str
    result: Any = None
    linked: list[str] = field(default_factory=list)


@dataclass
class Note:
    """A linked run's message (a Signal): `child_ended` (a child run completed, failed or
    was canceled) or `parent_canceled` (the step that started this run went)."""

    kind: str
    actor: str | None
    run: str
    step: str | None = None
    status: str = ""
    error: str | None = None
    variables: dict[str, Any] | None = None
    reason: str | None = None


@dataclass
class NoticeCall:
    """Notices to send after a turn: to assignees (`notify`), and a failed run's notice."""

    run_id: str
    definition_id: str
    version: int
    now: str
    notices: list[dict[str, Any]] = field(default_factory=list)
    failure: dict[str, Any] | None = None


@dataclass
class ActionCall:
    """A background step's action to run as an activity."""

    run_id: str
    definition_id: str
    step_id: str
    action: str
    attempt: int
    inputs: dict[str, Any]
    idempotency_key: str
    now: str
    record_object: str | None = None
    record_id: str | None = None
    # The run's trigger chain (record changes it makes start runs that carry it on).
    chain: list[str] | None = None


@dataclass
class ActionDone:
    """An action's outcome, and the log lines it wrote (as `log` events)."""

    outputs: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)
    # Runs the action's record writes trigger, and the child run it started.
    starts: list[RunStart] = field(default_factory=list)
    child: RunStart | None = None
    # The run's own record as the action left it (None: unchanged).
    record_fields: dict[str, Any] | None = None
    # Every record the action updated: {"object", "id", "fields" (all of them, after)}.
    updated_records: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RecordRecheck:
    """Records an action of run `run_id` updated (as `ActionDone.updated_records`): their
    other active runs are told (`record_changed`), as a local update re-checks them.
    `key` makes the commands of one turn distinct, so a repeated attempt sends none twice."""

    run_id: str
    actor: str | None
    key: str
    records: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BufferClaim:
    """A wait with a `buffer` that opened: claim the oldest kept event of its name (and
    key) sent since `since`, under `token` (the same token finds the same event again)."""

    event: str
    key: str | None
    since: str
    token: str


@dataclass
class OutboxBatch:
    """Events of one turn that raise webhooks (`run_completed`, `run_failed`,
    `item_created`), for the activity that queues their deliveries in the catalogue."""

    run_id: str
    definition_id: str
    version: int
    # Each as `Engine.log` gives it: seq, time, type, actor, payload.
    events: list[dict[str, Any]]


@dataclass
class Migration:
    """Move a run to another version of its orchestration (the `migrate` Update)."""

    from_version: int
    to_version: int
    # The target version's stored definition JSON (the workflow reads no database).
    body: str
    mapping: dict[str, str]
    reason: str
    actor: str | None = None


def start_attributes(start: RunStart) -> TypedSearchAttributes:
    """The search attributes a new run's workflow starts with (none without visibility)."""
    if not start.visibility:
        return TypedSearchAttributes([])
    found = [
        SearchAttributePair(ORCHESTRATION, start.definition_id),
        SearchAttributePair(VERSION, start.version),
        SearchAttributePair(STATUS, "running"),
    ]
    if start.record:
        found.append(SearchAttributePair(RECORD, record_value(*start.record)))
    return TypedSearchAttributes(found)


_plans: dict[tuple[str, int, str], Plan] = {}


def plan_for(definition_id: str, version: int, body: str) -> Plan:
    """The prepared definition version, cached per worker. Keyed by the body too: a
    stored version never changes, but one worker may serve clients of two catalogues
    (test suites do) whose `x` v1 differ, and a wrong plan would break replay."""
    key = (definition_id, version, body)
    found = _plans.get(key)
    if found is None:
        found = _plans[key] = Plan.build(
            loads_definition(body, source=f"{definition_id} v{version}")
        )
    return found
