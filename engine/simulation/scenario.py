"""The scenario: what a simulation assumes about arrivals, people, durations and outcomes.

A scenario is a JSON file saved beside its definition (`NAME.scenario.json`). Every field
has a default, so an empty scenario (or none at all) simulates: 100 runs arriving at one a
day, every interactive and wait step taking one day, the first choice of every output,
background steps instant and never failing, two parallel workers per assignee. Durations
are ISO 8601 (`PT2H`, `P1D`) like in definitions.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.definition.durations import parse_duration
from engine.definition.io import write_atomic
from engine.definition.models import Duration
from engine.errors import BatonError

SCENARIO_SCHEMA = "baton-scenario/1"
SCENARIO_SUFFIX = ".scenario.json"
DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class ScenarioError(BatonError):
    """A scenario file cannot be read or does not fit its definition."""

    exit_code = 2


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# --- durations -----------------------------------------------------------------------------


class Fixed(_Model):
    """Always the same duration."""

    kind: Literal["fixed"] = "fixed"
    value: Duration = "P1D"


class Uniform(_Model):
    """Any duration between `low` and `high`, all equally likely."""

    kind: Literal["uniform"]
    low: Duration
    high: Duration


class Triangular(_Model):
    """Between `low` and `high`, most often near `mode` (a three-point estimate)."""

    kind: Literal["triangular"]
    low: Duration
    mode: Duration
    high: Duration


class Exponential(_Model):
    """Memoryless durations with the given mean (many short, a few long)."""

    kind: Literal["exponential"]
    mean: Duration


class LogNormal(_Model):
    """Skewed durations given by their mean and spread (standard deviation)."""

    kind: Literal["lognormal"]
    mean: Duration
    spread: Duration


Distribution = Annotated[
    Fixed | Uniform | Triangular | Exponential | LogNormal, Field(discriminator="kind")
]


# --- values --------------------------------------------------------------------------------


class Choice(_Model):
    """One possible value and its weight (weights need not sum to 1)."""

    value: Any
    weight: float = Field(default=1.0, ge=0)


class ValueSpec(_Model):
    """How an input or output value is drawn: exactly one of the fields.

    `value` fixed; `choices` weighted; `between` a uniform number in [low, high];
    `template` text with `{n}` replaced by the run's number (unique keys for waits).
    """

    value: Any = None
    choices: list[Choice] | None = None
    between: tuple[float, float] | None = None
    template: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ValueSpec:
        given = [n for n in ("choices", "between", "template") if getattr(self, n) is not None]
        if len(given) > 1 or (given and self.value is not None):
            raise ValueError("give one of value, choices, between or template")
        if self.choices is not None and not any(c.weight > 0 for c in self.choices):
            raise ValueError("choices need at least one positive weight")
        return self


# --- steps and people ----------------------------------------------------------------------


class StepSpec(_Model):
    """Assumptions for one step.

    Interactive: `duration` is the work time once an assignee picks the item up; `outputs`
    give the values it is completed with. Wait: `duration` is when the event arrives (a
    step without an event ignores it; its timeout decides); `outputs` become event data.
    Background: `duration` makes the action take that long; `failure_probability` is per
    attempt (the step's retry policy then applies); `outputs` are the stand-in's outputs.
    """

    duration: Distribution | None = None
    outputs: dict[str, ValueSpec] = Field(default_factory=dict)
    # None rather than 0 so that files list it only where it applies (background steps).
    failure_probability: float | None = Field(default=None, ge=0, le=1)


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class WorkingHours(_Model):
    """When people work (UTC): work pauses outside these hours and resumes after."""

    days: list[Weekday] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    start: str = Field(default="09:00", pattern=r"^\d\d:\d\d$")
    end: str = Field(default="17:00", pattern=r"^\d\d:\d\d$")

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if not self.days:
            raise ValueError("working hours need at least one day")
        if _minutes(self.start) >= _minutes(self.end) or _minutes(self.end) > 24 * 60:
            raise ValueError(f"start {self.start} must be before end {self.end}")
        return self


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


class Capacity(_Model):
    """How much an assignee (user, group or queue) can take on.

    `workers`: items in progress at once (people in a group, or one person's parallel
    items). `items_per_day`: at most this many items picked up per calendar day.
    `working_hours`: overrides the scenario's hours for this assignee.
    """

    workers: int = Field(default=2, ge=1, le=10_000)
    items_per_day: float | None = Field(default=None, gt=0)
    working_hours: WorkingHours | None = None


class Arrivals(_Model):
    """How runs arrive: `runs` of them, at `per_day` (Poisson or evenly), within `horizon`.

    Without `per_day` all runs start at once. Arrivals stop at whichever of `runs` and
    `horizon` comes first (at least one must be set).
    """

    runs: int | None = Field(default=100, ge=0, le=1_000_000)
    per_day: float | None = Field(default=1.0, gt=0)
    pattern: Literal["poisson", "even"] = "poisson"
    horizon: Duration | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Arrivals:
        if self.runs is None and (self.horizon is None or self.per_day is None):
            raise ValueError("give `runs`, or `per_day` with a `horizon`")
        return self


class Scenario(_Model):
    """Everything a simulation assumes; see the module docstring for the defaults.

    `record`: for a record-triggered definition, each arrival creates a record of the
    trigger's object with the run's inputs plus these fields, and the trigger's own
    condition decides whether a run starts. Without it, runs are started directly.
    """

    schema_: str = Field(default=SCENARIO_SCHEMA, alias="schema")
    definition: str = ""
    seed: int = 1
    start: datetime = DEFAULT_START
    arrivals: Arrivals = Field(default_factory=Arrivals)
    inputs: dict[str, ValueSpec] = Field(default_factory=dict)
    record: dict[str, ValueSpec] | None = None
    steps: dict[str, StepSpec] = Field(default_factory=dict)
    assignees: dict[str, Capacity] = Field(default_factory=dict)
    default_capacity: Capacity = Field(default_factory=Capacity)
    working_hours: WorkingHours | None = None
    interactive_duration: Distribution = Field(default_factory=lambda: Fixed(value="P1D"))
    wait_duration: Distribution = Field(default_factory=lambda: Fixed(value="P1D"))
    until: Duration | None = None

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)

    @model_validator(mode="after")
    def _aware_start(self) -> Scenario:
        if self.start.tzinfo is None:
            object.__setattr__(self, "start", self.start.replace(tzinfo=UTC))
        return self

    def capacity(self, assignee: str) -> Capacity:
        """The capacity of one assignee (its own entry, else the default)."""
        return self.assignees.get(assignee) or self.default_capacity

    def hours_for(self, assignee: str) -> WorkingHours | None:
        """The working hours that apply to an assignee (None: around the clock)."""
        own = self.assignees.get(assignee)
        return own.working_hours if own and own.working_hours else self.working_hours

    def until_seconds(self, last_arrival: float) -> float:
        """How far the virtual clock may run, in seconds after `start`.

        `until` when given; else a year after the last arrival (runs still open then are
        reported as unfinished rather than simulated forever).
        """
        if self.until is not None:
            return parse_duration(self.until).total_seconds()
        return last_arrival + 365 * 86400


# --- files ---------------------------------------------------------------------------------


def scenario_path_for(definition_file: str | Path) -> Path:
    """`NAME.scenario.json` beside `NAME.baton.json`."""
    path = Path(definition_file)
    name = path.name.removesuffix(".json").removesuffix(".baton")
    return path.with_name(name + SCENARIO_SUFFIX)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file.

    Raises:
        ScenarioError: the file is missing, not JSON, or does not fit the format.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"cannot read the scenario: {exc.strerror}", file=str(path)) from None
    except ValueError as exc:
        raise ScenarioError(f"not valid JSON: {exc}", file=str(path)) from None
    return scenario_from_dict(data, source=str(path))


def scenario_from_dict(data: Any, source: str | None = None) -> Scenario:
    """A scenario from parsed JSON.

    Raises:
        ScenarioError: naming the first field at fault.
    """
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a JSON object", file=source)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ScenarioError(
            f"{first['msg']} (and {exc.error_count() - 1} more)"
            if exc.error_count() > 1
            else first["msg"],
            file=source,
            field=where or None,
            hint="see docs: 'Simulate before go-live' for the scenario format",
        ) from None


def dumps_scenario(scenario: Scenario) -> str:
    """The scenario as stable, indented JSON text."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    # These two mean something when null (no run limit; all at once) and default to a
    # number, so their nulls must survive the round trip.
    for name in ("runs", "per_day"):
        if getattr(scenario.arrivals, name) is None:
            data["arrivals"][name] = None
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write a scenario atomically (temp file, fsync, rename)."""
    write_atomic(Path(path), dumps_scenario(scenario))
