"""Damaged or hostile Baton data inside BPMN and Salesforce files is refused in one line.

Each file here is a real export with its Baton data tampered with. Importing it must end in
`baton: error:` naming the element at fault (exit 2), never a traceback.
"""

from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.interchange.bpmn_export import export_bpmn
from engine.interchange.salesforce_export import export_salesforce
from tests.engine.interchange import builders

VERSION = '<baton:version type="number">1</baton:version>'


@pytest.fixture(scope="module")
def bpmn_text() -> str:
    text = export_bpmn(builders.example("employee_onboarding"))
    assert VERSION in text
    return text


def refusal(capsys, path, *extra: str) -> str:
    code = main(["import", str(path), *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("baton: error:") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    ("tampered", "said"),
    [
        ('<baton:version type="number">one</baton:version>', "'one' is not a number"),
        ('<baton:version type="bogus">1</baton:version>', "unknown value type 'bogus'"),
        (f'<baton:version type="number">{"9" * 5000}</baton:version>', "is not a number"),
        (
            '<baton:version type="list">'
            + '<baton:item type="list">' * 50_000
            + "</baton:item>" * 50_000
            + "</baton:version>",
            "nested deeper than",
        ),
    ],
    ids=["not-a-number", "unknown-type", "5000-digits", "50000-nested-lists"],
)
def test_damaged_baton_data_in_bpmn_is_refused_naming_the_element(
    bpmn_text, tampered, said, tmp_path, capsys
):
    # given an export whose orchestration data was tampered with
    path = tmp_path / "tampered.bpmn"
    path.write_text(bpmn_text.replace(VERSION, tampered))
    # when it is imported, then one line names the process element and the field
    err = refusal(capsys, path, "-o", str(tmp_path / "out.baton.json"))
    assert "[Process_employee_onboarding.version" in err and said in err
    assert not (tmp_path / "out.baton.json").exists()


def test_an_id_that_cannot_name_a_file_is_refused_without_an_output_option(
    bpmn_text, tmp_path, capsys
):
    # given a BPMN file whose orchestration id is a path
    path = tmp_path / "escape.bpmn"
    path.write_text(
        bpmn_text.replace(
            "<baton:id>employee_onboarding</baton:id>", "<baton:id>../../x</baton:id>", 1
        )
    )
    # when it is imported without -o, then nothing is written outside and -o is suggested
    err = refusal(capsys, path)
    assert "[orchestration.id]" in err and "'../../x'" in err and "-o" in err
    assert not (tmp_path.parent.parent / "x.baton.json").exists()


def _salesforce_with_baton_value(tmp_path, value: str):
    text = export_salesforce(builders.review_with_decision()).text
    start = text.index("<processMetadataValues>")
    end = text.index("</processMetadataValues>") + len("</processMetadataValues>")
    entry = (
        "<processMetadataValues><name>Baton</name><value><stringValue>"
        f"{value}</stringValue></value></processMetadataValues>"
    )
    path = tmp_path / "Tampered.flow-meta.xml"
    path.write_text(text[:start] + entry + text[end:])
    return path


def test_deeply_nested_json_in_a_salesforce_baton_value_is_refused(tmp_path, capsys):
    # given a flow whose Baton metadata value nests JSON 100,000 levels deep
    path = _salesforce_with_baton_value(tmp_path, "[" * 100_000 + "]" * 100_000)
    # when it is imported, then the element holding it is named
    err = refusal(capsys, path, "-o", str(tmp_path / "out.baton.json"))
    assert "Baton metadata value" in err and "nested deeper than" in err
    assert "[verdict]" in err


def test_a_baton_value_that_is_not_json_is_refused(tmp_path, capsys):
    path = _salesforce_with_baton_value(tmp_path, "{not json")
    err = refusal(capsys, path, "-o", str(tmp_path / "out.baton.json"))
    assert "Baton metadata value" in err and "not JSON" in err


def test_a_huge_number_in_a_salesforce_baton_value_is_refused(tmp_path, capsys):
    path = _salesforce_with_baton_value(
        tmp_path, json.dumps({"node": None}).replace("null", "9" * 5000)
    )
    err = refusal(capsys, path, "-o", str(tmp_path / "out.baton.json"))
    assert "Baton metadata value" in err
