"""Ids longer than the store's id columns are a validation error, not a database failure.

A newcomer's 300-character orchestration id validated "ok", then `baton activate` on
PostgreSQL failed with "value too long for type character varying(200)"; a 300-character
step id even activated, and every `baton start` of it failed the same way.
"""

from __future__ import annotations

import pytest

from engine.definition import save_definition
from engine.validation import validate
from tests.engine.clirunner import in_process
from tests.engine.runtime.builders import interactive, orchestration, stage

LONG = "q" * 201


@pytest.fixture
def baton(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BATON_DB", str(tmp_path / "baton.db"))
    monkeypatch.setenv("BATON_USER", "admin")
    return in_process(capsys)


def test_an_orchestration_id_over_200_characters_is_refused_by_validate(baton, tmp_path):
    path = tmp_path / "long.baton.json"
    save_definition(orchestration(LONG, stage("review", interactive("ok", "group:hr"))), path)

    result = baton("validate", str(path))

    assert result.code == 1
    assert result.out == (
        f"{path}: error invalid-id [id] the orchestration id 'qqqqqqqqqqqqqqqqqqqq'... is "
        "201 characters long; the database holds ids of at most 200: shorten it\n"
    )


def test_a_step_id_over_200_characters_keeps_the_definition_from_being_activated(baton, tmp_path):
    path = tmp_path / "deal.baton.json"
    save_definition(orchestration("deal", stage("review", interactive(LONG, "group:hr"))), path)

    result = baton("activate", str(path))

    assert result.code != 0
    assert "is 201 characters long; the database holds ids of at most 200" in result.out + (
        result.err
    )
    assert baton("definitions", "--format", "json").json() == []


def test_ids_of_exactly_200_characters_are_fine():
    definition = orchestration("o" * 200, stage("s" * 200, interactive("i" * 200, "group:hr")))

    assert [d for d in validate(definition) if d.code == "invalid-id"] == []
