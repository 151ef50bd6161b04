"""Reading definition files as editors write them: a BOM, keys given twice, long durations."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from engine.definition import load_definition, loads_definition, parse_duration, to_dict
from engine.runtime import Engine, VirtualClock
from engine.validation import validate
from tests.engine.builders import interactive, linear, stage


def _document_text(due: str = "P2D") -> str:
    definition = linear(stage("paperwork", interactive("contract", due=due)))
    return json.dumps(to_dict(definition), indent=2)


def test_a_file_starting_with_a_utf8_bom_loads(tmp_path):
    # given a definition saved by an editor that writes a byte order mark
    path = tmp_path / "bom.baton.json"
    path.write_bytes(b"\xef\xbb\xbf" + _document_text().encode("utf-8"))
    # when it is loaded, then it is the same definition as without the mark
    assert load_definition(path) == loads_definition(_document_text())


def test_a_key_given_twice_is_reported_with_its_line():
    # given a definition whose step gives its `due` twice
    lines = _document_text().splitlines()
    at = next(n for n, line in enumerate(lines) if '"due"' in line)
    lines.insert(at, lines[at].rstrip(",").replace("P2D", "P5D") + ",")
    text = "\n".join(lines)
    # when it is loaded and validated
    definition = loads_definition(text)
    found = [d for d in validate(definition) if d.code == "duplicate-key"]
    # then the last value counts, as in every JSON reader, and a warning names key and line
    assert definition.nodes[1].steps[0].due == "P2D"
    assert [(d.severity, d.element, d.field) for d in found] == [("warning", "contract", "due")]
    assert f"line {at + 2}" in found[0].message
    assert "'due'" in found[0].message


def test_a_definition_without_repeated_keys_has_no_such_warning():
    definition = loads_definition(_document_text())
    assert [d for d in validate(definition) if d.code == "duplicate-key"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("P36525D", timedelta(days=36525)), ("P5217W", timedelta(weeks=5217)), ("PT0.5S",
     timedelta(seconds=0.5))],
)  # fmt: skip
def test_durations_up_to_100_years_are_accepted(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["P36526D", "P5218W", "PT" + "9" * 400 + "S", "P1" + "0" * 5000 + "D"]
)
def test_durations_past_100_years_are_refused_with_a_value_error(text):
    with pytest.raises(ValueError, match="longer than 100 years"):
        parse_duration(text)


def test_a_run_starts_when_a_due_date_is_100_years_away(tmp_path):
    # given an active definition whose item is due in the longest duration allowed
    engine = Engine(str(tmp_path / "baton.db"), clock=VirtualClock(), outbox=tmp_path / "out")
    engine.add_user("ana")
    try:
        engine.activate(loads_definition(_document_text(due="P36525D")))
        # when a run starts, then it waits on the item (before: past datetime.max, it failed)
        run_id = engine.start("test_process")
        assert engine.run(run_id)["status"] == "waiting"
    finally:
        engine.close()
