"""Synthetic definitions for benchmarks, and validation at scale."""

from __future__ import annotations

import random

import pytest

from benchmarks.synthetic import generate
from engine.definition import (
    BackgroundStep,
    DecisionNode,
    InteractiveStep,
    StageNode,
    WaitStep,
    dumps_definition,
)
from engine.validation import has_errors, validate


@pytest.mark.parametrize(("stages", "steps"), [(1, 1), (9, 3), (10, 4), (21, 5), (60, 2)])
def test_synthetic_definitions_validate_without_any_diagnostic(stages, steps):
    # given
    definition = generate(stages, steps, seed=stages)
    # then
    assert len(definition.stages()) == stages
    assert len(definition.steps()) == stages * steps
    assert validate(definition) == []


def test_synthetic_definition_looks_like_a_real_one():
    # given the benchmark definition
    definition = generate(200, 10)
    steps = [step for _, step in definition.steps()]
    # then it mixes step kinds, after links, decisions and guarded loops
    assert {type(s) for s in steps} == {InteractiveStep, BackgroundStep, WaitStep}
    assert sum(1 for s in steps if s.after) > 200
    decisions = [n for n in definition.nodes if isinstance(n, DecisionNode)]
    assert len(decisions) == 19
    assert all(len(definition.outgoing(d.id)) == 2 for d in decisions)
    assert any(isinstance(n, StageNode) and n.max_visits for n in definition.nodes)
    # laid out left to right
    xs = [definition.layout[n.id].x for n in definition.nodes]
    assert xs == sorted(xs)


def test_same_seed_gives_the_same_definition_and_another_seed_differs():
    assert dumps_definition(generate(20, 5, seed=1)) == dumps_definition(generate(20, 5, seed=1))
    assert dumps_definition(generate(20, 5, seed=1)) != dumps_definition(generate(20, 5, seed=2))


def test_validation_never_raises_on_a_damaged_definition():
    # given many random damages to a valid definition (deleted flows, steps, retargeted links)
    rng = random.Random(7)
    flagged = 0
    for _ in range(40):
        definition = generate(25, 4, seed=rng.randrange(100))
        for _ in range(rng.randrange(1, 6)):
            _damage(definition, rng)
        # when / then: every problem is a diagnostic, never an exception
        diagnostics = validate(definition)
        assert all(d.severity in ("error", "warning") for d in diagnostics)
        flagged += has_errors(diagnostics)
    # and most damage is noticed (deleting a step, say, can leave a valid definition)
    assert flagged >= 30


def _damage(definition, rng: random.Random) -> None:
    stages = definition.stages()
    stage = rng.choice(stages)
    other = rng.choice(stages)
    choice = rng.randrange(6)
    if choice == 0 and definition.flows:
        del definition.flows[rng.randrange(len(definition.flows))]
    elif choice == 1 and definition.flows:
        definition.flows[rng.randrange(len(definition.flows))].target = rng.choice(
            [other.id, "nowhere", stage.steps[0].id if stage.steps else "x"]
        )
    elif choice == 2 and stage.steps:
        del stage.steps[rng.randrange(len(stage.steps))]
    elif choice == 3 and stage.steps and other.steps:
        stage.steps[-1].after = [rng.choice(other.steps).id, stage.steps[-1].id]
    elif choice == 4:
        stage.id = other.id
    else:
        definition.nodes.remove(stage)
