"""A step assigned from the record's owner, driven from the terminal: a record with no
owner leaves its run stuck, and `runs --stuck` and `show` say why."""

from __future__ import annotations

import re

from engine.definition import save_definition
from tests.engine.runtime.builders import orchestration, stage


def test_a_record_without_an_owner_shows_as_stuck_with_the_reason(people, tmp_path):
    path = tmp_path / "cases.baton.json"
    handle = {"id": "handle", "type": "interactive", "assignee_from": "record.Owner"}
    save_definition(
        orchestration(
            "cases",
            stage("work", handle),
            trigger={"type": "record", "object": "Case", "on": ["created"]},
        ),
        path,
    )
    assert people("activate", str(path)).code == 0

    created = people("record", "create", "Case", "--field", "Subject=Printer", "--format", "json")
    assert created.code == 0
    people("record", "create", "Case", "--field", "Owner=bob")

    stuck = people("runs", "--stuck")
    (run_id,) = created.json()["runs"]
    assert set(re.findall(r"run-\w+", stuck.out)) == {run_id}  # bob's case is not stuck
    assert "assignee_from 'record.Owner' named nobody (it gave None)" in stuck.out
    shown = people("show", run_id).out
    assert "for nobody" in shown and "STUCK: assignee_from 'record.Owner' named nobody" in shown
