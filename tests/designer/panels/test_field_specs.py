"""Form generation: every field of every definition model gets a fitting editor."""

from __future__ import annotations

import pytest

from designer.panels.inspector.editors.factory import EDITORS
from designer.panels.inspector.fields import FieldKind, field_specs
from engine.definition import models

MODELS = [
    models.Orchestration, models.StartNode, models.StageNode, models.DecisionNode,
    models.EndNode, models.InteractiveStep, models.BackgroundStep, models.WaitStep,
    models.Flow, models.Variable, models.Output, models.RetryPolicy,
    models.ManualTrigger, models.RecordTrigger, models.ScheduleTrigger,
]  # fmt: skip


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_has_an_editor(model):
    for spec in field_specs(model):
        assert spec.kind in EDITORS, f"{model.__name__}.{spec.name} ({spec.kind})"


def kinds(model) -> dict[str, FieldKind]:
    return {spec.name: spec.kind for spec in field_specs(model)}


def test_types_choose_the_widgets():
    assert kinds(models.InteractiveStep) == {
        "id": FieldKind.IDENTIFIER,
        "name": FieldKind.TEXT,
        "after": FieldKind.STEP_CHECKLIST,
        "condition": FieldKind.EXPRESSION,
        "assignee": FieldKind.ASSIGNEE,
        "assignee_from": FieldKind.EXPRESSION,
        "assignee_kind": FieldKind.CHOICE,
        "guidance": FieldKind.MULTILINE,
        "outputs": FieldKind.MODEL_TABLE,
        "due": FieldKind.DURATION,
        "escalate_to": FieldKind.ASSIGNEE,
        # the step's email template (subject, body), edited like the retry policy
        "notice": FieldKind.NESTED,
    }
    assert kinds(models.Orchestration)["trigger"] is FieldKind.VARIANT
    assert kinds(models.BackgroundStep)["retry"] is FieldKind.NESTED
    assert kinds(models.RecordTrigger)["on"] is FieldKind.CHOICE_CHECKLIST


def test_structure_and_union_tags_are_not_form_fields():
    assert {"nodes", "flows", "layout", "schema_"}.isdisjoint(kinds(models.Orchestration))
    assert "type" not in kinds(models.WaitStep)
    assert kinds(models.Variable)["type"] is FieldKind.CHOICE


def test_bounds_come_from_the_model():
    attempts = next(s for s in field_specs(models.RetryPolicy) if s.name == "attempts")
    assert (attempts.minimum, attempts.maximum, attempts.optional) == (1, 100, False)
    visits = next(s for s in field_specs(models.StageNode) if s.name == "max_visits")
    assert (visits.minimum, visits.optional) == (1, True)
