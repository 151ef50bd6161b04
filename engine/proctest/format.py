"""The process-test file: `NAME.tests.json` beside `NAME.baton.json` (schema baton-tests/1).

A file lists scenarios. Each scenario says how a run starts (input values, or the fields of
the record that triggers it), what then happens, in order (who completes which step with
which outputs, which events arrive, how much time passes), and what must be true at the end
(the stages the run went through, its status and end, variables, the work items it opened,
the emails it sent, the items that went overdue or were escalated). Only the expectations a
scenario writes are checked. The format is JSON like the definition itself, so the two
diff and review the same way; `baton test --schema` prints its JSON Schema.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from engine.definition.models import Duration

TESTS_SCHEMA = "baton-tests/1"
TESTS_SUFFIX = ".tests.json"
DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
"""Where the virtual clock starts unless a file or scenario says otherwise (a Monday, 9:00)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class UserSpec(_Model):
    """A person of the test directory: the groups and queues they work for."""

    groups: list[str] = Field(default_factory=list)
    queues: list[str] = Field(default_factory=list)
    admin: bool = False


class ActionStub(_Model):
    """What a background step's action does in the test instead of its real effect.

    `outputs` are returned as the step's outputs. With `fail`, attempts raise that error:
    all of them, or only the first `fail_times` (the retry policy then applies as live).
    """

    outputs: dict[str, Any] = Field(default_factory=dict)
    fail: str | None = None
    fail_times: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _fail_times_needs_fail(self) -> ActionStub:
        if self.fail_times is not None and self.fail is None:
            raise ValueError("fail_times needs fail (the error the failing attempts raise)")
        return self


class ItemSpec(_Model):
    """A work item as a scenario expects it; fields left out are not compared."""

    step: str | None = None
    assignee: str | None = None


class EmailSpec(_Model):
    """An email as a scenario expects it; fields left out are not compared."""

    to: str | None = None
    subject: str | None = None
    body_contains: str | None = None


class FaultSpec(_Model):
    """A stage the run left along its fault route; `step` is the step that failed for good
    (left out: not compared; a `max_visits` fault has none)."""

    stage: str
    step: str | None = None


class EscalationSpec(_Model):
    """An overdue item handed to its step's `escalate_to`."""

    step: str
    to: str | None = None


StepStatus = Literal[
    "not_started", "ready", "running", "waiting", "completed", "failed", "skipped", "canceled"
]


class Expectations(_Model):
    """What must hold; each field given is checked, the others are not.

    Lists are compared whole and in order (the run's history is deterministic).
    """

    runs: int | None = Field(default=None, ge=0)
    status: Literal["running", "waiting", "completed", "failed", "canceled", "paused"] | None = None
    end: str | None = None
    outcome: str | None = None
    stage: str | None = None
    path: list[str] | None = None
    steps: dict[str, StepStatus] | None = None
    variables: dict[str, Any] | None = None
    work_items: list[ItemSpec] | None = None
    open_items: list[ItemSpec] | None = None
    emails: list[EmailSpec] | None = None
    overdue: list[str] | None = None
    escalated: list[EscalationSpec] | None = None
    faulted: list[FaultSpec] | None = None


# --- the script ----------------------------------------------------------------------------


class CompleteAction(_Model):
    """Someone completes the open work item of an interactive step.

    With `refused`, the engine must refuse it (the person may not complete that item, the
    outputs are wrong): the scenario fails if the completion is accepted, and goes on with
    the item still open if it is refused.
    """

    complete: str
    as_: str | None = Field(default=None, alias="as")
    outputs: dict[str, Any] = Field(default_factory=dict)
    refused: bool = False


class EventAction(_Model):
    """A named event arrives (with a correlation key and data)."""

    event: str
    key: Any = None
    data: dict[str, Any] = Field(default_factory=dict)


class AdvanceAction(_Model):
    """Time passes (an ISO 8601 duration); due dates, escalations and timeouts fire."""

    advance: Duration


class UpdateRecordAction(_Model):
    """Fields of the triggering record change (record-triggered orchestrations)."""

    update_record: dict[str, Any]


class ReassignAction(_Model):
    """An operator reassigns the open work item of a step."""

    reassign: str
    to: str


class ExpectAction(_Model):
    """A checkpoint: these expectations must hold at this point of the script."""

    expect: Expectations


SCRIPT_KINDS = ("complete", "event", "advance", "update_record", "reassign", "expect")


def _script_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        found = [k for k in SCRIPT_KINDS if k in value]
    else:
        found = [k for k in SCRIPT_KINDS if getattr(value, k, None) is not None]
    return found[0] if len(found) == 1 else None


ScriptAction = Annotated[
    Annotated[CompleteAction, Tag("complete")]
    | Annotated[EventAction, Tag("event")]
    | Annotated[AdvanceAction, Tag("advance")]
    | Annotated[UpdateRecordAction, Tag("update_record")]
    | Annotated[ReassignAction, Tag("reassign")]
    | Annotated[ExpectAction, Tag("expect")],
    Discriminator(
        _script_kind,
        custom_error_type="script_action",
        custom_error_message="a script entry has exactly one of: " + ", ".join(SCRIPT_KINDS),
    ),
]


# --- scenarios and the file ----------------------------------------------------------------


class TestScenario(_Model):
    """One story of a run: how it starts, what happens, what must be true."""

    __test__ = False  # not a pytest class, whatever its name says

    name: str = Field(min_length=1)
    description: str = ""
    start: datetime | None = None
    users: dict[str, UserSpec] = Field(default_factory=dict)
    inputs: dict[str, Any] = Field(default_factory=dict)
    record: dict[str, Any] | None = None
    actions: dict[str, ActionStub] = Field(default_factory=dict)
    script: list[ScriptAction] = Field(default_factory=list)
    expect: Expectations = Field(default_factory=Expectations)


class TestFile(_Model):
    """A `.tests.json` file: the scenarios of one orchestration."""

    __test__ = False

    schema_: str = Field(default=TESTS_SCHEMA, alias="schema")
    definition: str = Field(min_length=1)
    start: datetime = DEFAULT_START
    users: dict[str, UserSpec] = Field(default_factory=dict)
    scenarios: list[TestScenario] = Field(min_length=1)

    @field_validator("schema_")
    @classmethod
    def _known_schema(cls, value: str) -> str:
        if value != TESTS_SCHEMA:
            raise ValueError(f"{value!r} is not a tests schema this Baton reads ({TESTS_SCHEMA})")
        return value

    @field_validator("scenarios")
    @classmethod
    def _unique_names(cls, value: list[TestScenario]) -> list[TestScenario]:
        seen: set[str] = set()
        for scenario in value:
            if scenario.name in seen:
                raise ValueError(f"two scenarios are named {scenario.name!r}")
            seen.add(scenario.name)
        return value

    def start_of(self, scenario: TestScenario) -> datetime:
        """Where the virtual clock starts for a scenario (aware, UTC)."""
        moment = scenario.start or self.start
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def tests_json_schema() -> dict[str, Any]:
    """The JSON Schema of the tests file, for editors' completion and checks."""
    schema = TestFile.model_json_schema(by_alias=True)
    schema["$id"] = f"https://baton.invalid/schema/{TESTS_SCHEMA}.json"
    schema["title"] = "Baton process tests"
    return schema
