"""Shared fixtures: the OMG BPMN 2.0 schema, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
import SpiffWorkflow
import xmlschema


@pytest.fixture(scope="session")
def bpmn_schema() -> xmlschema.XMLSchema:
    """The BPMN 2.0 XSD shipped inside the SpiffWorkflow wheel."""
    xsd = Path(SpiffWorkflow.__file__).parent / "bpmn" / "parser" / "schema" / "BPMN20.xsd"
    return xmlschema.XMLSchema(str(xsd))
