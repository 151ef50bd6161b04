"""Turning plain data into nodes and steps: the `type` field picks the model."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engine.definition import StageNode, WaitStep, parse_node, parse_step


def test_a_stage_is_parsed_with_its_steps():
    node = parse_node(
        {"id": "intake", "type": "stage", "steps": [{"id": "w", "type": "wait", "event": "e"}]}
    )

    assert isinstance(node, StageNode) and isinstance(node.steps[0], WaitStep)


def test_a_step_with_a_bad_field_names_the_field():
    with pytest.raises(ValidationError) as refused:
        parse_step({"id": "a", "type": "interactive", "due": "two days"})

    assert "due" in refused.value.errors()[0]["loc"]
