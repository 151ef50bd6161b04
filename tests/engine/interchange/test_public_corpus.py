"""BPMN files that no one here wrote, as published by Camunda and bpmn.io (licences in
NOTICE): each imports without a crash, every element is accounted for in the report, and the
definitions validate with no errors other than conditions Baton cannot translate."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli import main
from engine.interchange import import_file
from engine.validation import validate

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*/*.bpmn"))
NOTICE = (Path(__file__).parents[3] / "NOTICE").read_text(encoding="utf-8")
# Conditions calling Java beans (`${orderBusinessLogic.getOrder(orderId).approved}`) are
# kept as written for the admin to rewrite; validation reports them, nothing else.
UNTRANSLATABLE = {"pizza-order.bpmn"}


def test_the_corpus_is_what_the_notice_lists():
    assert len(FILES) == 8
    for path in FILES:
        assert path.name in NOTICE, f"{path.name} has no NOTICE entry"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_public_bpmn_file_imports_and_validates_up_to_untranslatable_conditions(path):
    # when a file written by another tool is imported
    result = import_file(path)
    # then every problem left is a kept condition the admin must rewrite
    errors = [d for d in validate(result.definition) if d.severity == "error"]
    if path.name in UNTRANSLATABLE:
        assert errors and all(d.code == "expression-syntax" for d in errors)
        assert all("condition" in (d.field or "") for d in errors)
    else:
        assert errors == []
    # and what did not map is said, element by element
    assert all(item.element and item.message for item in result.report.items)


def test_import_exits_0_for_clean_files_and_1_for_files_with_conditions_to_rewrite(tmp_path):
    codes = {
        path.name: main(["import", str(path), "-o", str(tmp_path / f"{path.stem}.baton.json")])
        for path in FILES
    }
    assert {name for name, code in codes.items() if code == 1} == UNTRANSLATABLE
    assert {code for name, code in codes.items() if name not in UNTRANSLATABLE} == {0}
