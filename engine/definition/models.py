"""The orchestration definition: pydantic models of the `.baton.json` format (schema baton/1).

The models check structure (types, required fields, enumerations, durations). Meaning
(references, graph shape, expressions) is checked by `engine.validation.validate`, so that a
draft with mistakes still loads into the designer and every mistake is reported at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter

from engine.definition.durations import parse_duration

SCHEMA_PREFIX = "baton/"
SCHEMA_VERSION = 1
SCHEMA = f"{SCHEMA_PREFIX}{SCHEMA_VERSION}"


def _check_duration(value: str) -> str:
    parse_duration(value)
    return value


Duration = Annotated[str, AfterValidator(_check_duration)]
"""An ISO 8601 duration such as `P2D` or `PT30M`."""

Expression = str
"""A Python-like expression evaluated by `engine.expressions` (never by `eval`)."""

VariableType = Literal["text", "number", "boolean", "date", "datetime", "json"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)


# --- trigger -------------------------------------------------------------------------------


class ManualTrigger(_Model):
    """A run is started by hand (designer, CLI) with input values."""

    type: Literal["manual"]


class RecordTrigger(_Model):
    """A run starts when a record of `object` is created/updated and `condition` holds
    (on an update: only when the update made it hold, unless `every_update`)."""

    type: Literal["record"]
    object: str = ""
    on: list[Literal["created", "updated"]] = Field(default_factory=lambda: ["created"])
    condition: Expression | None = None
    every_update: bool = False
    """False: an update starts a run only when it makes `condition` hold (it did not before).
    True: every update after which `condition` holds starts a run (Salesforce's
    `doesRequireRecordChangedToMeetCriteria` false)."""


class ScheduleTrigger(_Model):
    """A run starts on a cron schedule (five-field cron, e.g. `0 9 * * 1`)."""

    type: Literal["schedule"]
    cron: str = ""


Trigger = Annotated[ManualTrigger | RecordTrigger | ScheduleTrigger, Field(discriminator="type")]


# --- variables -----------------------------------------------------------------------------


class Variable(_Model):
    """A run variable; `input` variables are given when the run starts."""

    name: str
    type: VariableType = "text"
    input: bool = False
    required: bool = False
    default: Any = None
    description: str = ""


# --- steps ---------------------------------------------------------------------------------


class Output(_Model):
    """A value the assignee of an interactive step must (or may) provide."""

    name: str
    type: VariableType = "text"
    choices: list[str] | None = None
    required: bool = False
    label: str = ""


class RetryPolicy(_Model):
    """How often a failing background action is tried, and how long to wait between tries."""

    attempts: int = Field(default=1, ge=1, le=100)
    delay: Duration = "PT0S"


class _StepBase(_Model):
    id: str
    name: str = ""
    after: list[str] = Field(default_factory=list)
    condition: Expression | None = None


class NoticeTemplate(_Model):
    """The email sent to an item's assignees when it is assigned, reassigned, overdue or
    escalated. `{placeholders}`: run, orchestration, step, title, guidance, due, assignee,
    item, reason. An empty field keeps Baton's default text."""

    subject: str = ""
    body: str = ""


AssigneeKind = Literal["user", "group", "queue"]


class InteractiveStep(_StepBase):
    """Creates a work item for `user:NAME`, `group:NAME` or `queue:NAME` (`assignee`), or
    for whoever `assignee_from` names when the step starts (a dynamic assignee).

    `assignee_from` is an expression such as `record.Owner.Username` or `intake.reviewer`;
    its value is either a whole `user:`/`group:`/`queue:` text or a bare name of kind
    `assignee_kind`. When it names nobody the work item is opened unassigned and the run
    shows as stuck with the reason until an operator reassigns the item.
    """

    type: Literal["interactive"]
    assignee: str | None = None
    assignee_from: Expression | None = None
    assignee_kind: AssigneeKind = "user"
    guidance: str = ""
    outputs: list[Output] = Field(default_factory=list)
    due: Duration | None = None
    escalate_to: str | None = None
    notice: NoticeTemplate | None = None


class BackgroundStep(_StepBase):
    """Runs a registered action with inputs computed from expressions."""

    type: Literal["background"]
    action: str = ""
    inputs: dict[str, Expression] = Field(default_factory=dict)
    retry: RetryPolicy | None = None


class WaitStep(_StepBase):
    """Holds until event `event` arrives with a matching `key`, or `timeout` passes.

    `buffer`: an event of that name and key sent up to this long before the step opened
    is kept and delivered when it opens (without it, an event nobody waits for is lost).
    """

    type: Literal["wait"]
    event: str | None = None
    key: Expression | None = None
    timeout: Duration | None = None
    buffer: Duration | None = None


Step = Annotated[InteractiveStep | BackgroundStep | WaitStep, Field(discriminator="type")]


# --- nodes and flows -----------------------------------------------------------------------


class StartNode(_Model):
    """Where every run begins; exactly one per orchestration."""

    id: str
    type: Literal["start"]
    name: str = ""


OUTCOMES = ("completed", "rejected", "failed")
"""The outcomes an end offers by name; any other short name may be given too."""


class EndNode(_Model):
    """Reaching an end node completes the run with the end's `outcome`.

    The outcome says how the business process ended (`completed`, `rejected`, `failed`, or
    a name of the admin's own such as `withdrawn`); the run itself is `completed` either
    way, because it reached an end. It is recorded on the run and counted by simulation.
    """

    id: str
    type: Literal["end"]
    name: str = ""
    outcome: str = "completed"


class StageNode(_Model):
    """A phase whose steps run in parallel (subject to `after` and `condition`)."""

    id: str
    type: Literal["stage"]
    name: str = ""
    steps: list[Step] = Field(default_factory=list)
    exit_condition: Expression | None = None
    max_visits: int | None = Field(default=None, ge=1)


class DecisionNode(_Model):
    """Routes to the first outgoing flow whose condition holds, else the default flow."""

    id: str
    type: Literal["decision"]
    name: str = ""


Node = Annotated[StartNode | StageNode | DecisionNode | EndNode, Field(discriminator="type")]


class Flow(_Model):
    """A connection between two nodes; conditions only on flows leaving a decision.

    A flow leaving a decision is one of its outcomes; `id` and `name` keep the outcome's API
    name and label when it came from (or goes to) a tool that names outcomes, such as a
    Salesforce decision rule or a BPMN sequence flow. Both are optional and change nothing
    about how a run goes.

    A `fault` flow leaves a stage when one of its steps fails for good (after its retries)
    or when entering the stage again would exceed its `max_visits`: the run follows it to
    a remedy stage, a decision or an end instead of failing. A stage has at most one; its
    other flow is the ordinary way on.
    """

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    condition: Expression | None = None
    default: bool = False
    fault: bool = False
    id: str | None = None
    name: str = ""


class Position(_Model):
    """Where a node sits on the canvas. Layout never changes meaning."""

    x: int | float = 0
    y: int | float = 0


# --- the document --------------------------------------------------------------------------


class Orchestration(_Model):
    """A versioned orchestration definition: the document an admin draws and saves."""

    schema_: str = Field(default=SCHEMA, alias="schema")
    id: str
    name: str = ""
    version: int = Field(default=1, ge=1)
    description: str = ""
    trigger: Trigger = Field(default_factory=lambda: ManualTrigger(type="manual"))
    variables: list[Variable] = Field(default_factory=list)
    nodes: list[Node] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    layout: dict[str, Position] = Field(default_factory=dict)
    # Keys the file gave twice (engine.definition.json_keys.RepeatedKey); validation warns
    # about them. Not part of the document: never saved, gone once the file is rewritten.
    _repeated_keys: tuple[Any, ...] = PrivateAttr(default=())

    @property
    def repeated_keys(self) -> tuple[Any, ...]:
        """Keys the loaded file gave twice in one object (the last value was kept)."""
        return self._repeated_keys

    # Lookups used everywhere (validation, runtime, designer); cheap enough to recompute.
    def node(self, node_id: str) -> StartNode | StageNode | DecisionNode | EndNode | None:
        """The node with this id, or None."""
        return next((n for n in self.nodes if n.id == node_id), None)

    def stages(self) -> list[StageNode]:
        """All stage nodes, in document order."""
        return [n for n in self.nodes if isinstance(n, StageNode)]

    def steps(self) -> list[tuple[StageNode, InteractiveStep | BackgroundStep | WaitStep]]:
        """Every (stage, step) pair, in document order."""
        return [(stage, step) for stage in self.stages() for step in stage.steps]

    def outgoing(self, node_id: str, *, faults: bool = False) -> list[Flow]:
        """Flows leaving a node, in document order (the order decisions evaluate them).

        Fault flows are left out unless `faults` is true (`fault_flow` finds a stage's one),
        so a reader that knows nothing of them sees the ordinary way on.
        """
        return [f for f in self.flows if f.source == node_id and (faults or not f.fault)]

    def fault_flow(self, node_id: str) -> Flow | None:
        """The fault flow leaving a stage, or None."""
        return next((f for f in self.flows if f.source == node_id and f.fault), None)


AnyStep = InteractiveStep | BackgroundStep | WaitStep
AnyNode = StartNode | StageNode | DecisionNode | EndNode


# One adapter each: building a TypeAdapter is costly, and the document, the clipboard and
# the commands all turn plain data into nodes and steps.
_NODE_ADAPTER: TypeAdapter[AnyNode] = TypeAdapter(Node)
_STEP_ADAPTER: TypeAdapter[AnyStep] = TypeAdapter(Step)


def parse_node(data: Mapping[str, Any]) -> AnyNode:
    """A node from its JSON data; `type` picks the class.

    Raises:
        pydantic.ValidationError: the data is not a valid node (its `loc` names the field).
    """
    return _NODE_ADAPTER.validate_python(data)


def parse_step(data: Mapping[str, Any]) -> AnyStep:
    """A step from its JSON data; `type` picks the class.

    Raises:
        pydantic.ValidationError: the data is not a valid step (its `loc` names the field).
    """
    return _STEP_ADAPTER.validate_python(data)
