"""Mutated definitions through loading, `validate`, `activate` and a first run: each step
either works or answers with our own one-line error, never another exception or a hang."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given

from engine.definition import Orchestration, loads_definition
from engine.errors import ActivationRefused, BatonError, DefinitionLoadError
from engine.runtime import Engine, VirtualClock
from engine.validation import has_errors, validate
from tests.engine.fuzz.definition_mutations import document_texts
from tests.engine.fuzz.guard import fuzz_settings, hang_guard

SAMPLE_INPUTS = {"text": "x", "number": 1, "boolean": True, "date": "2026-01-05",
                 "datetime": "2026-01-05T09:00:00", "json": {"a": 1}}  # fmt: skip


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("fuzz")
    eng = Engine(str(folder / "baton.db"), clock=VirtualClock(), outbox=folder / "outbox")
    for name in ("ana", "alice", "bob"):
        eng.add_user(name, groups=["hr"])
    yield eng
    eng.close()


def _inputs(definition: Orchestration) -> dict[str, Any]:
    return {v.name: SAMPLE_INPUTS[v.type] for v in definition.variables if v.input}


@fuzz_settings(examples=250)
@given(text=document_texts())
def test_a_mutated_definition_loads_validates_activates_and_starts_or_says_why(engine, text):
    with hang_guard("loading, validating and activating a mutated definition"):
        # when the text is loaded
        try:
            definition = loads_definition(text, source="fuzz.baton.json")
        except DefinitionLoadError as refused:
            assert "\n" not in str(refused)
            return
        # then validation reports, in one line each
        diagnostics = validate(definition)
        assert all("\n" not in d.format_line() for d in diagnostics)
        # and activation follows validation exactly
        try:
            engine.activate(definition)
        except ActivationRefused:
            assert has_errors(diagnostics)
            return
        assert not has_errors(diagnostics)
        # and a run of what was activated starts, or is refused with our error
        try:
            engine.start(definition.id, _inputs(definition))
        except BatonError as refused:
            assert "\n" not in str(refused)
