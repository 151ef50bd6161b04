"""A 2,000-step orchestration goes through both formats intact, in well under a second each."""

from __future__ import annotations

import time

import pytest

from benchmarks.synthetic import generate
from engine.definition import to_dict
from engine.interchange import export_bpmn, export_salesforce
from engine.interchange.bpmn_import import import_bpmn_element
from engine.interchange.safe_xml import parse_xml_bytes
from engine.interchange.salesforce_import import import_salesforce_element


@pytest.fixture(scope="module")
def large():
    return generate(200, 10)


def test_a_2000_step_orchestration_round_trips_through_bpmn(large):
    began = time.perf_counter()
    xml = export_bpmn(large)
    back = import_bpmn_element(parse_xml_bytes(xml.encode("utf-8")), "large.bpmn")
    assert to_dict(back.definition) == to_dict(large)
    assert time.perf_counter() - began < 30.0  # a hang guard: ~2 s unloaded


def test_a_2000_step_orchestration_round_trips_through_salesforce(large):
    began = time.perf_counter()
    text = export_salesforce(large).text
    root = parse_xml_bytes(text.encode("utf-8"))
    back = import_salesforce_element(root, source="large.flow-meta.xml", api_name="large")
    assert to_dict(back.definition) == to_dict(large)
    assert time.perf_counter() - began < 30.0  # a hang guard: ~2 s unloaded


def test_a_synthetic_orchestration_exports_schema_valid_bpmn(bpmn_schema):
    xml = export_bpmn(generate(20, 5, seed=3))
    assert [e.reason for e in bpmn_schema.iter_errors(xml)] == []
