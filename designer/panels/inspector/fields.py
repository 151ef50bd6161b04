"""What the inspector shows for a model: one `FieldSpec` per editable pydantic field.

The widget for a field follows from its type: `Literal` gives a combo box, `bool` a check
box, `int` a spin box with the model's bounds, the `Duration` annotation a duration editor,
`list[Model]` a table whose columns are generated the same way, a union of models a variant
editor. Only what the type cannot say comes from the small tables below: `Expression` is a
plain `str` alias in the engine, and an assignee or an `after` list are strings with meaning.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.functional_validators import AfterValidator

from engine.definition import models


class FieldKind(StrEnum):
    """Which editor a field gets."""

    TEXT = "text"
    MULTILINE = "multiline"
    IDENTIFIER = "identifier"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    DURATION = "duration"
    EXPRESSION = "expression"
    ASSIGNEE = "assignee"
    ACTION = "action"
    STEP_CHECKLIST = "step-checklist"
    CHOICE_CHECKLIST = "choice-checklist"
    STRING_LIST = "string-list"
    MODEL_TABLE = "model-table"
    MAPPING = "mapping"
    NESTED = "nested"
    VARIANT = "variant"
    VALUE = "value"
    OUTCOME = "outcome"


@dataclass(frozen=True)
class FieldSpec:
    """One editable field of a model, as the inspector presents it."""

    name: str
    kind: FieldKind
    label: str
    section: str
    optional: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    item_model: type[BaseModel] | None = None
    variants: dict[str, type[BaseModel]] = field(default_factory=dict)
    help: str = ""
    placeholder: str = ""


# Fields that are structure (edited on the canvas) or shown in the header, never as a row.
_HIDDEN = {"schema_", "nodes", "flows", "layout", "steps", "source", "target"}

# Meaning the engine's types do not carry (see the module docstring).
_KIND_BY_NAME = {
    "id": FieldKind.IDENTIFIER,
    "condition": FieldKind.EXPRESSION,
    "exit_condition": FieldKind.EXPRESSION,
    "key": FieldKind.EXPRESSION,
    "guidance": FieldKind.MULTILINE,
    "description": FieldKind.MULTILINE,
    "assignee": FieldKind.ASSIGNEE,
    "assignee_from": FieldKind.EXPRESSION,
    "escalate_to": FieldKind.ASSIGNEE,
    "after": FieldKind.STEP_CHECKLIST,
    "action": FieldKind.ACTION,
    "outcome": FieldKind.OUTCOME,
}

_LABELS = {
    "id": "ID",
    "after": "Starts after",
    "condition": "Start condition",
    "due": "Due after",
    "escalate_to": "Escalate to",
    "assignee_from": "Assignee from",
    "assignee_kind": "Assignee kind",
    "every_update": "Every update",
    "max_visits": "Max visits",
    "on": "Runs on",
    "cron": "Schedule (cron)",
    "object": "Record type",
    "default": "Default flow",
    "input": "Input",
}

# Where a field means something else on one model, "Model.field" wins over "field".
_LABELS_BY_MODEL = {
    "RecordTrigger.condition": "Entry condition",
    "Flow.condition": "Condition",
    "Flow.id": "Outcome API name",
    "Flow.name": "Outcome label",
    "Flow.fault": "Fault route",
    "EndNode.outcome": "Outcome",
}

_HELP = {
    "RecordTrigger.condition": "Only changes for which this holds start a run.",
    "Flow.condition": "Checked in flow order when leaving a decision.",
    "Flow.id": "The outcome's name in Salesforce or BPMN; kept on export, no effect on runs.",
    "Flow.name": "Shown on the outcome; kept as the Salesforce or BPMN label.",
    "Flow.fault": "Taken instead of failing the run when a step of the stage fails for good "
    "or its max_visits would be exceeded; drawn dashed and red.",
    "EndNode.outcome": "How the process ended: completed, rejected, failed or your own name. "
    "Recorded on the run; simulation counts runs per outcome.",
    "Variable.input": "Given when a run starts (the start dialog and the CLI ask for it).",
    "id": "Referenced by flows, 'after' lists and expressions.",
    "after": "The step starts once all checked steps are complete.",
    "condition": "The step starts when this becomes true.",
    "exit_condition": "The stage ends early when this holds; open steps are canceled.",
    "max_visits": "Required on stages a cycle returns to.",
    "guidance": "Shown to the assignee in the work guide.",
    "assignee_from": "Computed when the step starts (a record field, a step output, a "
    "variable); instead of a fixed assignee. Naming nobody leaves the run stuck.",
    "assignee_kind": "What a bare name from 'Assignee from' is: a user, group or queue.",
    "every_update": "Start on every update after which the entry condition holds, not only "
    "when an update makes it hold.",
    "due": "Overdue work items escalate.",
    "key": "Correlates the incoming event with this run.",
    "timeout": "Stop waiting after this long.",
    "buffer": "Also take an event sent up to this long before the step opened (e.g. PT1H); "
    "without it, an event nobody waits for yet is lost.",
    "inputs": "Each input is an expression over variables and step outputs.",
    "cron": "Five fields: minute hour day month weekday, e.g. 0 9 * * 1",
    "object": "The record type whose changes start a run.",
    "default": "Taken when no other outgoing condition holds.",
    "version": "Runs keep the version they started with.",
}

VARIANT_HELP = {
    "manual": "Runs are started by hand (designer or CLI) with input values.",
    "record": "A run starts when a record of this type is created or updated and the "
    "entry condition holds.",
    "schedule": "A run starts each time the cron schedule comes round.",
}

_PLACEHOLDERS = {
    "name": "Untitled",
    "condition": "e.g. contract.decision == 'approve'",
    "exit_condition": "e.g. review.decision == 'reject'",
    "key": "e.g. employee",
    "assignee_from": "e.g. record.Owner.Username",
    "event": "e.g. form_submitted",
    "object": "e.g. Employee",
    "cron": "0 9 * * 1",
}

_SECTION_BY_NAME = {
    "id": "General",
    "name": "General",
    "description": "General",
    "version": "General",
    "after": "Start",
    "condition": "Start",
    "trigger": "Trigger",
    "variables": "Variables",
}

_SECTION_BY_MODEL = {
    "InteractiveStep": "Work item",
    "BackgroundStep": "Action",
    "WaitStep": "Wait",
    "StageNode": "Stage",
    "EndNode": "End",
    "Flow": "Routing",
}

_DURATION_MARKERS = tuple(m for m in get_args(models.Duration)[1:] if isinstance(m, AfterValidator))


def field_specs(model: type[BaseModel]) -> list[FieldSpec]:
    """The editable fields of `model`, in model order."""
    specs = []
    for name, info in model.model_fields.items():
        if name in _HIDDEN or _is_tag(info.annotation):
            continue
        annotation, optional = _strip_none(info.annotation)
        kind, extra = _kind_of(name, annotation, list(info.metadata))
        if name == "condition" and model is models.Flow:
            section = "Routing"
        else:
            section = _SECTION_BY_NAME.get(name) or _SECTION_BY_MODEL.get(
                model.__name__, "Properties"
            )
        specs.append(
            FieldSpec(
                name=name,
                kind=kind,
                label=_LABELS_BY_MODEL.get(f"{model.__name__}.{name}")
                or _LABELS.get(name, name.replace("_", " ").capitalize()),
                section=section,
                optional=optional,
                help=_HELP.get(f"{model.__name__}.{name}") or _HELP.get(name, ""),
                placeholder=_PLACEHOLDERS.get(name, ""),
                **extra,
            )
        )
    return specs


def _strip_none(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) < len(get_args(annotation)):
            inner = args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007
            return inner, True
    return annotation, False


def _kind_of(name: str, annotation: Any, metadata: list[Any]) -> tuple[FieldKind, dict[str, Any]]:
    if get_origin(annotation) is Annotated:
        metadata = [*metadata, *get_args(annotation)[1:]]
        annotation = get_args(annotation)[0]
    if any(m in _DURATION_MARKERS for m in metadata):
        return FieldKind.DURATION, {}
    if name in _KIND_BY_NAME:
        return _KIND_BY_NAME[name], {}
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return FieldKind.CHOICE, {"choices": tuple(args)}
    if annotation is bool:
        return FieldKind.BOOLEAN, {}
    if annotation is int:
        bounds = {
            "minimum": next((m.ge for m in metadata if isinstance(m, Ge)), None),
            "maximum": next((m.le for m in metadata if isinstance(m, Le)), None),
        }
        return FieldKind.INTEGER, bounds
    if origin is list and args:
        item = args[0]
        if get_origin(item) is Literal:
            return FieldKind.CHOICE_CHECKLIST, {"choices": get_args(item)}
        if isinstance(item, type) and issubclass(item, BaseModel):
            return FieldKind.MODEL_TABLE, {"item_model": item}
        return FieldKind.STRING_LIST, {}
    if origin is dict:
        return FieldKind.MAPPING, {}
    if origin in (Union, types.UnionType) and all(_is_model(a) for a in args):
        variants = {_tag_of(a): a for a in args}
        return FieldKind.VARIANT, {"variants": variants, "choices": tuple(variants)}
    if _is_model(annotation):
        return FieldKind.NESTED, {"item_model": annotation}
    if annotation is Any:
        return FieldKind.VALUE, {}
    return FieldKind.TEXT, {}


def _is_tag(annotation: Any) -> bool:
    """A one-value Literal is a union tag (a step's `type`): shown in the header instead."""
    return get_origin(annotation) is Literal and len(get_args(annotation)) == 1


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _tag_of(model: type[BaseModel]) -> str:
    return get_args(model.model_fields["type"].annotation)[0]
