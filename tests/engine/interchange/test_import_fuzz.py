"""Randomly damaged BPMN and Salesforce files are refused in one line or imported, never crash.

A fixed seed keeps the run repeatable; each round removes elements, changes attributes and
rewrites texts of a real fixture or export, then imports it.
"""

from __future__ import annotations

import random
from xml.etree.ElementTree import Element

import pytest

from engine.errors import BatonError
from engine.interchange import export_bpmn, export_salesforce
from engine.interchange.bpmn_import import import_bpmn_element
from engine.interchange.safe_xml import parse_xml_bytes
from engine.interchange.salesforce_import import import_salesforce_element
from tests.engine.interchange import builders

ROUNDS = 400
_VALUES = ["", "x", "start", "P1D", "=a", "${", "true", "f1", "1e999", "{", "[1]", "A.B.Outputs.c"]


def _sources(kind: str) -> list[bytes]:
    example = builders.example("employee_onboarding")
    if kind == "bpmn":
        files = sorted((builders.FIXTURES / "foreign").glob("*.bpmn"))
        made = [export_bpmn(example), export_bpmn(example, "camunda8")]
    else:
        files = sorted(builders.FIXTURES.glob("*.flow-meta.xml"))
        made = [export_salesforce(example).text]
    return [p.read_bytes() for p in files] + [m.encode("utf-8") for m in made]


def _damage(root: Element, rng: random.Random) -> None:
    parents = {child: parent for parent in root.iter() for child in parent}
    elements = list(root.iter())
    for _ in range(rng.randint(1, 6)):
        element = rng.choice(elements)
        roll = rng.random()
        if roll < 0.4 and element in parents and element in list(parents[element]):
            parents[element].remove(element)
        elif roll < 0.7 and element.attrib:
            key = rng.choice(sorted(element.attrib))
            element.attrib[key] = rng.choice(_VALUES)
        else:
            element.text = rng.choice(_VALUES)


@pytest.mark.parametrize("kind", ["bpmn", "salesforce"])
def test_damaged_files_never_crash_the_importer(kind):
    rng = random.Random(20261205)
    sources = _sources(kind)
    for _ in range(ROUNDS):
        root = parse_xml_bytes(rng.choice(sources))
        _damage(root, rng)
        try:
            if kind == "bpmn":
                import_bpmn_element(root, "damaged.bpmn")
            else:
                import_salesforce_element(root, source="damaged.flow-meta.xml", api_name="damaged")
        except BatonError:
            pass  # a clear refusal is fine; anything else fails the test with its traceback
