"""`baton migrate` on a Temporal runtime, typed as an admin would: the same plan and the same
messages as on the local runtime (ids aside), runs moved by their workflows' Update."""

from __future__ import annotations

import json
import re
from pathlib import Path

from engine.cli import main
from engine.definition import save_definition
from tests.engine.runtime.builders import interactive, orchestration, stage

V1 = orchestration(
    "hiring",
    stage("intro", interactive("hello", "user:ann")),
    stage("paperwork", interactive("contract", "group:hr"), interactive("badge", "user:bob")),
    stage("first_week", interactive("plan", "user:ann")),
)
V2 = orchestration(
    "hiring",
    stage("paperwork", interactive("contract", "group:hr"), interactive("security", "user:bob")),
    stage("first_week", interactive("plan", "user:ann")),
)


def _story(folder: Path, monkeypatch, capsys) -> list[str]:
    """The admin's session; returns what each migrate command printed, ids masked."""
    monkeypatch.setenv("BATON_DB", str(folder / "baton.db"))
    monkeypatch.setenv("BATON_OUTBOX", str(folder / "outbox"))
    monkeypatch.setenv("BATON_USER", "root")
    folder.mkdir()

    def baton(*args: str) -> tuple[int, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    def start() -> str:
        assert main(["start", "hiring"]) == 0
        return capsys.readouterr().out.strip()

    for args in (
        ("users", "add", "root", "--role", "admin"),
        ("users", "add", "ann", "--group", "hr"),
        ("users", "add", "bob"),
    ):
        assert baton(*args)[0] == 0
    path = folder / "hiring.baton.json"
    save_definition(V1, path)
    assert baton("activate", str(path))[0] == 0
    in_intro, in_paperwork = start(), start()
    code, listed = baton("work", "list", "--as", "ann", "--format", "json")
    found = [i["id"] for i in json.loads(listed) if i["run"] == in_paperwork]
    assert len(found) == 1, listed
    (hello,) = found
    assert baton("work", "complete", hello, "--as", "ann")[0] == 0
    save_definition(V2, path)
    assert baton("activate", str(path))[0] == 0

    printed = []
    code, plan = baton("migrate", "plan", "hiring", "--from", "1", "--to", "2")
    assert code == 0, plan
    printed.append(plan)
    code, refused = baton("migrate", "apply", "hiring", "--from", "1", "--to", "2",
                          "--run", in_intro, "--reason", "security training")  # fmt: skip
    assert code == 1, refused
    printed.append(refused)
    code, moved = baton("migrate", "apply", "hiring", "--from", "1", "--to", "2", "--all",
                        "--reason", "security training")  # fmt: skip
    printed.append(moved)
    code, shown = baton("show", in_paperwork, "--format", "json")
    assert '"version": 2' in shown
    code, again = baton("migrate", "plan", "hiring", "--from", "1", "--to", "2", "--run",
                        in_paperwork)  # fmt: skip
    printed.append(again)
    return [re.sub(r"\b(run|wi)-[0-9a-z]{10,13}\b", r"\1-ID", text) for text in printed]


def test_migrate_plans_and_applies_on_temporal_as_it_does_locally(
    temporal_server, temporal_worker, task_queue, tmp_path, monkeypatch, capsys
):
    # given the admin's session on the local runtime
    local = _story(tmp_path / "local", monkeypatch, capsys)

    # when the same session runs with runs on Temporal
    monkeypatch.setenv("BATON_RUNTIME", temporal_server.address())
    monkeypatch.setenv("BATON_TASK_QUEUE", task_queue)
    on_temporal = _story(tmp_path / "temporal", monkeypatch, capsys)

    # then every command printed the same (ids aside): the plan, the one-line refusal of
    # the run whose stage is gone, the move of the other, and the moved run's absence
    assert on_temporal == local
    plan, refused, moved, again = on_temporal
    assert "1 run(s) can move, 1 cannot" in plan
    assert "withdrawn" in plan and "security" in plan
    assert refused.splitlines() == [
        "moved 0 of 1 run(s) to version 2",
        '  not run-ID: run run-ID cannot move to version 2: the run is in stage intro ("Intro"), '
        "which version 2 does not have; map it to a stage: --map intro=STAGE",
    ]
    assert moved.splitlines()[0] == "moved 1 of 2 run(s) to version 2"
    assert "is not an open run of hiring version 1" in again
