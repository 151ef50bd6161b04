"""`baton import` of a BPMN file whose ids are broken: refused, every broken element named.

A newcomer's mutation of the invoice fixture (its start event given the process's id) used
to import with exit 0 as a definition with no steps, each one reported "not reached".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.clirunner import in_process

INVOICE = Path(__file__).parent / "fixtures" / "foreign_invoice.bpmn"


@pytest.fixture
def baton(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return in_process(capsys)


def _mutated(tmp_path: Path, old: str, new: str) -> Path:
    text = INVOICE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "invoice.bpmn"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_start_event_reusing_the_process_id_is_refused(baton, tmp_path):
    # given the start event carries the id of its process
    path = _mutated(tmp_path, '<startEvent id="received"', '<startEvent id="invoice_approval"')

    # when it is imported
    result = baton("import", str(path), "-o", "invoice.baton.json")

    # then: exit 2, each broken element named, nothing written
    assert result.code == 2
    assert result.err.splitlines() == [
        f"baton: error: {path}: 2 element(s) with a repeated id or a flow to nowhere "
        "(give each element its own id in the modeller, or export the file again)",
        "  - startEvent invoice_approval: the id is already used by a <process>; "
        "ids must be unique in a BPMN file",
        "  - sequenceFlow f1: sourceRef 'received' names no element",
    ]
    assert not (tmp_path / "invoice.baton.json").exists()


def test_two_tasks_with_one_id_are_refused(baton, tmp_path):
    path = _mutated(tmp_path, '<task id="scan"', '<task id="approve"')

    result = baton("import", str(path), "-o", "invoice.baton.json")

    assert result.code == 2
    assert "  - userTask approve: the id is already used by a <task>; " in result.err


def test_a_flow_without_a_target_is_refused(baton, tmp_path):
    path = _mutated(tmp_path, ' targetRef="paid"', "")

    result = baton("import", str(path), "-o", "invoice.baton.json")

    assert result.code == 2
    assert "  - sequenceFlow f5: has no targetRef" in result.err


def test_the_unbroken_file_still_imports(baton, tmp_path):
    result = baton("import", str(INVOICE), "-o", "invoice.baton.json")

    assert result.code == 0, result.err
    assert (tmp_path / "invoice.baton.json").exists()
