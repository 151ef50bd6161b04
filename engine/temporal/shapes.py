"""What the Temporal pieces pass each other: workflow inputs, update requests, search
attributes, and the definition versions a workflow executes.

Plain dataclasses (Temporal's JSON converter carries them) and pure helpers: this module
is imported by the workflow (passed through the sandbox) as well as the client and worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from temporalio.common import SearchAttributeKey

from engine.definition import loads_definition
from engine.runtime.plan import Plan

WORKFLOW = "BatonRun"
ACTION_ACTIVITY = "baton.run_action"
OUTBOX_ACTIVITY = "baton.queue_webhooks"

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
)


def wait_value(event: str, key: Any) -> str:
    """The `BatonWaits` value an event with this key matches (key None: a wait for any key)."""
    return f"any:{event}" if key is None else f"key:{event}={key}"


def wait_values(waits: list[dict[str, Any]]) -> list[str]:
    """The `BatonWaits` values of a run's open subscriptions."""
    found = {f"name:{w['event']}" for w in waits} | {
        wait_value(w["event"], w["key"]) for w in waits
    }
    return sorted(found)


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


@dataclass
class Command:
    """One command reaching a run (an Update): what, by whom, with which arguments.

    `kind` is one of `complete_item`, `reassign`, `event`, `cancel`, `pause`, `resume`,
    `retry`, `skip`; `args` holds that command's arguments by name.
    """

    kind: str
    actor: str | None = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Done:
    """What a command did: its result and the run's last event number afterwards."""

    seq: int
    status: str
    result: Any = None


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


@dataclass
class ActionDone:
    """An action's outcome, and the log lines it wrote (as `log` events)."""

    outputs: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)


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


_plans: dict[tuple[str, int, int], Plan] = {}


def plan_for(definition_id: str, version: int, body: str) -> Plan:
    """The prepared definition version (cached per worker: stored versions never change).

    The key includes the body's hash: one process may serve catalogues that reuse an id
    and version for different definitions (the test suite's in-process workers do)."""
    key = (definition_id, version, hash(body))
    found = _plans.get(key)
    if found is None:
        found = _plans[key] = Plan.build(
            loads_definition(body, source=f"{definition_id} v{version}")
        )
    return found
