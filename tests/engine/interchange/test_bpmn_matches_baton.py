"""The same scenario on Baton's engine and on SpiffWorkflow (from the export) takes one path.

Parallel steps may finish in a different order on the two engines, so each stage visit
compares the set of steps done; stage order and the end reached must match exactly.
"""

from __future__ import annotations

import pytest

from benchmarks.synthetic import generate
from engine.interchange.bpmn_export import export_bpmn
from tests.engine.interchange.baton_runner import run_baton
from tests.engine.interchange.scenarios import SCENARIOS
from tests.engine.interchange.spiff_runner import SpiffRun, run_bpmn


def shape(run: SpiffRun) -> tuple[list[tuple[str, list[str]]], str | None, bool]:
    return (
        [(stage, sorted(steps)) for stage, steps in run.steps_by_stage()],
        run.end(),
        run.completed,
    )


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_spiffworkflow_runs_the_export_along_the_path_baton_takes(name, tmp_path):
    # given a scenario: a definition, what people answer, which events arrive
    scenario = SCENARIOS[name]
    definition = scenario.definition()
    # when Baton runs it, and SpiffWorkflow runs its BPMN export
    baton = run_baton(definition, tmp_path, **scenario.kwargs())
    spiff = run_bpmn(export_bpmn(definition), f"Process_{definition.id}", **scenario.kwargs())
    # then both complete, through the same stages and steps, at the same end
    assert baton.completed, baton.path
    assert shape(spiff) == shape(baton)


@pytest.mark.parametrize("seed", range(4))
def test_generated_orchestrations_take_the_same_path_on_both_engines(seed, tmp_path):
    # given a generated orchestration (after chains, step and exit conditions, waits,
    # decisions and guarded loops) where every reviewer approves
    definition = generate(12, 4, seed=seed)
    answers = {
        s.id: {"decision": "approve"} for _, s in definition.steps() if s.type == "interactive"
    }
    # amount and region make the `set_variables` steps (which only Baton runs) keep
    # `approved` at its default, so both engines see the same data
    inputs = {"customer": "Initech", "amount": 50000, "region": "US"}
    baton = run_baton(definition, tmp_path, inputs=inputs, answers=answers)
    # a BPMN caller starts the process with every variable's initial value
    start = {v.name: v.default for v in definition.variables} | inputs
    spiff = run_bpmn(
        export_bpmn(definition), f"Process_{definition.id}", inputs=start, answers=answers
    )
    assert baton.completed
    assert shape(spiff) == shape(baton)
