"""Definition files: byte-identical round trips, atomic saves, and a clear error (naming the
file and the place) for every kind of malformed file, which is never changed by loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.synthetic import generate
from engine.definition import (
    dumps_definition,
    load_definition,
    save_definition,
    to_dict,
)
from engine.definition import io as definition_io
from engine.errors import DefinitionLoadError
from engine.validation import validate
from tests.engine.builders import interactive, linear, stage

EXAMPLES = sorted((Path(__file__).parents[2] / "resources" / "examples").glob("*.baton.json"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_round_trips_byte_identical(example):
    # given a bundled example as it is on disk
    original = example.read_bytes()
    # when it is loaded and written back
    text = dumps_definition(load_definition(example))
    # then nothing changed, not even a byte
    assert text.encode("utf-8") == original


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_without_any_diagnostic(example):
    assert validate(load_definition(example)) == []


def test_saved_definition_loads_and_saves_back_byte_identical(tmp_path):
    # given a large definition saved once
    path = tmp_path / "big.baton.json"
    definition = generate(30, 6, seed=3)
    save_definition(definition, path)
    first = path.read_bytes()
    # when it is loaded and saved again
    loaded = load_definition(path)
    save_definition(loaded, path)
    # then the model and the bytes are the same
    assert loaded == definition
    assert path.read_bytes() == first


def test_saved_file_is_stable_two_space_json_with_final_newline(tmp_path):
    # given
    path = tmp_path / "p.baton.json"
    save_definition(linear(stage("review")), path)
    # when
    text = path.read_text(encoding="utf-8")
    # then
    assert text.endswith("}\n")
    assert text.startswith('{\n  "schema": "baton/1",\n  "id": "test_process"')
    assert list(json.loads(text)) == ["schema", "id", "name", "version", "trigger", "variables",
                                      "nodes", "flows", "layout"]  # fmt: skip


def test_failing_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    # given a saved definition
    path = tmp_path / "p.baton.json"
    save_definition(linear(stage("review")), path)
    before = path.read_bytes()

    # when the disk fails while the new version is being written
    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(definition_io.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        save_definition(linear(stage("review"), stage("approval")), path)

    # then the old file is untouched and no temporary file is left behind
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.baton.json"]


def _valid_document() -> dict:
    return to_dict(linear(stage("paperwork", interactive("contract", due="P2D"))))


def _with_step_field(field: str, value: object) -> str:
    document = _valid_document()
    document["nodes"][1]["steps"][0][field] = value
    return json.dumps(document, indent=2)


MALFORMED = {
    "not JSON": ('{\n  "schema": "baton/1",\n  "id": oops\n}', ["line 3, column 9"], None, None),
    "not an object": ("[1, 2]", ["JSON array, not an object"], None, None),
    "no schema": ('{"id": "x", "nodes": []}', ['no "schema" field'], None, None),
    "unknown schema": ('{"schema": "bpmn/2", "id": "x"}', ["unknown schema 'bpmn/2'"], None,
                       "schema"),
    "newer schema": ('{"schema": "baton/99", "id": "x"}', ["newer than", "upgrade Baton"], None,
                     "schema"),
    "bad duration": (_with_step_field("due", "2 days"), ["ISO 8601", "P2D"], "contract", "due"),
    "unknown step type": (_with_step_field("type", "robot"), ["'robot'", "interactive"],
                          "contract", "type"),
    "extra field": (_with_step_field("colour", "red"), ["Extra inputs"], "contract", "colour"),
    "too deep": ("[" * 100_000 + "]" * 100_000, ["cannot read this JSON"], None, None),
    "schema of 5,000 digits": ('{"schema": "baton/' + "9" * 5000 + '", "id": "x"}',
                               ["unknown schema"], None, "schema"),
    "duration of 10**20 days": (_with_step_field("due", "P99999999999999999999D"),
                                ["longer than 100 years"], "contract", "due"),
    "duration of 8,000 years": (_with_step_field("due", "P3000000D"),
                                ["longer than 100 years"], "contract", "due"),
    "duration of 5,000 digits": (_with_step_field("due", "PT" + "9" * 5000 + "S"),
                                 ["longer than 100 years"], "contract", "due"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_malformed_file_gives_a_clear_error_and_stays_unchanged(tmp_path, case):
    # given a malformed file
    text, fragments, element, field = MALFORMED[case]
    path = tmp_path / "broken.baton.json"
    path.write_text(text, encoding="utf-8")
    # when it is loaded
    with pytest.raises(DefinitionLoadError) as caught:
        load_definition(path)
    # then the error names the file, the place and what is wrong, on one short line
    error = caught.value
    message = str(error)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message and len(message) < 1000
    for fragment in fragments:
        assert fragment in message
    assert (error.element, error.field) == (element, field)
    assert error.exit_code == 2
    # and the file was not touched
    assert path.read_text(encoding="utf-8") == text


def test_structural_error_names_the_path_of_the_element():
    # given
    path_text = _with_step_field("due", "soon")
    # when
    with pytest.raises(DefinitionLoadError) as caught:
        definition_io.loads_definition(path_text, source="x.baton.json")
    # then the message walks to the element by ids
    assert "nodes[1] (id 'paperwork').steps[0] (id 'contract').due" in str(caught.value)


def test_missing_file_is_reported_by_name(tmp_path):
    path = tmp_path / "absent.baton.json"
    with pytest.raises(DefinitionLoadError, match="file not found") as caught:
        load_definition(path)
    assert caught.value.file == str(path)
