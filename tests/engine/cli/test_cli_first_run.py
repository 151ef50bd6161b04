"""A newcomer's first hour at the terminal: help in task order, and answers that say what next."""

from __future__ import annotations

import getpass
import shutil
from pathlib import Path

import pytest

from engine.cli.app import SECTIONS
from engine.definition import save_definition
from tests.engine.runtime.builders import interactive, orchestration, stage, var, wait

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"
APPROVAL = [
    {"name": "decision", "type": "text", "choices": ["approve", "reject"], "required": True},
    {"name": "note", "type": "text"},
]


@pytest.fixture
def badge_file(tmp_path) -> Path:
    """HR approves, then the run waits for the badge printer, keyed by the employee."""
    path = tmp_path / "badge.baton.json"
    save_definition(
        orchestration(
            "badge",
            stage("hr", interactive("approve", "group:hr", outputs=APPROVAL)),
            stage("print", wait("printed", event="badge_printed", key="employee")),
            variables=[var("employee", input=True, required=True)],
        ),
        path,
    )
    return path


@pytest.fixture
def waiting_run(people, badge_file):
    people("activate", str(badge_file))
    run_id = people("start", "badge", "--input", "employee=Ann Lee").out.strip()
    (item,) = people("work", "list", "--as", "alice", "--format", "json").json()
    people("work", "complete", item["id"], "--as", "alice", "--output", "decision=approve")
    return people, run_id


def test_help_lists_commands_by_task_with_whole_summaries(baton):
    out = baton("--help").out

    # sections in the order a newcomer needs them, each command under its task
    titles = [title for title, _names in SECTIONS]
    assert [line[:-1] for line in out.splitlines() if line[:-1] in titles] == titles
    assert out.index("  designer") < out.index("  activate") < out.index("  runs")
    assert out.index("  runs") < out.index("  users")
    # and no summary is cut off with "..."
    listing = out.split("Design:")[1]
    assert "..." not in listing
    assert "cannot be read." in listing  # the end of `validate`'s summary


def test_placeholders_read_as_words(baton):
    out = baton("start", "--help").out

    assert "--input NAME=VALUE" in out
    assert "--db URL" in out
    assert "Usage: baton start [OPTIONS] ORCHESTRATION\n" in out
    assert "  ORCHESTRATION  Orchestration id." in out
    assert "list[str]" not in out and "<str>" not in out


def test_no_subcommand_help_labels_a_value_with_a_python_type(baton):
    # Every command a newcomer may ask for help on: `baton X --help`, `baton X Y --help`
    listing = baton("--help").out
    names = [line.split()[0] for line in listing.splitlines() if line.startswith("  ")]
    for name in names:
        out = baton(name, "--help").out
        for label in ("<str>", "<int>", "<path>", "<float>", "list[", "{"):
            assert label not in out, f"baton {name} --help shows {label!r}"
    assert "--version N" in baton("runs", "--help").out


def test_show_names_the_event_and_key_a_run_waits_for(waiting_run):
    baton, run_id = waiting_run

    text = baton("show", run_id).out
    shown = baton("show", run_id, "--format", "json").json()

    assert (
        "waiting for event 'badge_printed' with key 'Ann Lee' (step printed):"
        " baton event send badge_printed --key 'Ann Lee'" in text
    )
    assert shown["waiting_for"] == [{"step": "printed", "event": "badge_printed", "key": "Ann Lee"}]


def test_show_names_each_open_item_and_its_assignee(people, badge_file):
    people("activate", str(badge_file))
    run_id = people("start", "badge", "--input", "employee=Ann Lee").out.strip()

    text = people("show", run_id).out

    (item,) = people("work", "list", "--format", "json").json()
    assert f"  {item['id']}  approve  for group:hr" in text


def test_work_list_shows_what_completing_an_item_asks_for(people, badge_file):
    people("activate", str(badge_file))
    people("start", "badge", "--input", "employee=Ann Lee")

    (item,) = people("work", "list", "--as", "alice", "--format", "json").json()
    table = people("work", "list", "--as", "alice").out

    assert [(o["name"], o["choices"], o["required"]) for o in item["declared_outputs"]] == [
        ("decision", ["approve", "reject"], True),
        ("note", None, False),
    ]
    assert item["outputs"] is None  # what was given, once completed
    assert "decision=approve|reject* note=text" in table


def test_an_event_that_reaches_no_run_says_who_waits_for_it_and_with_which_key(waiting_run):
    baton, run_id = waiting_run

    wrong_key = baton("event", "send", "badge_printed", "--key", "Ann")
    unknown = baton("event", "send", "badge_scanned")

    assert wrong_key.code == 0 and wrong_key.out.strip() == "delivered to 0 run(s)"
    assert wrong_key.err.strip() == (
        "baton: note: no run waits for event 'badge_printed' with key 'Ann'; waiting for"
        f" 'badge_printed': {run_id} (step printed, key 'Ann Lee')"
    )
    assert unknown.err.strip() == (
        "baton: note: no run waits for event 'badge_scanned', with any key or none"
    )
    json_answer = baton("event", "send", "badge_printed", "--key", "Ann", "--format", "json")
    assert json_answer.json()["waiting"] == [
        {"run": run_id, "step": "printed", "event": "badge_printed", "key": "Ann Lee"}
    ]


def test_definitions_labels_every_column(people, badge_file):
    people("activate", str(badge_file))

    header, row = people("definitions").out.splitlines()

    assert header.split() == ["ORCHESTRATION", "VERSION", "ACTIVE", "TRIGGER", "ACTIVATED"]
    assert row.split()[:4] == ["badge", "1", "yes", "manual"]


def test_record_create_prints_the_runs_its_trigger_started(people):
    for name in ("hana", "ivan"):
        people("users", "add", name, "--group", "hr", "--queue", "it_service_desk")
    people("activate", str(EXAMPLES / "employee_onboarding.baton.json"))

    created = people(
        "record", "create", "Employee", "--field", "employee=Ben Ode",
        "--field", "email=ben@example.com", "--field", "status=hired",
    )  # fmt: skip
    ignored = people("record", "create", "Employee", "--field", "status=applied")

    # then stdout stays the record id (for scripts), and stderr names what it started
    (run,) = people("runs", "--format", "json").json()
    assert created.err.strip() == f"started {run['id']} (employee_onboarding v1): waiting"
    assert ignored.err.strip() == (
        "no orchestration starts on a new Employee record with these fields"
    )
    record_id = created.out.strip()
    assert people("record", "show", "Employee", record_id).json()["employee"] == "Ben Ode"


def test_acting_under_an_unknown_login_name_hints_how_to_add_yourself(
    baton, badge_file, monkeypatch
):
    # given no --as and no $BATON_USER: Baton acts under the login name
    monkeypatch.delenv("BATON_USER")
    me = getpass.getuser()

    first = baton("activate", str(badge_file))
    baton("users", "add", me, "--role", "admin")
    later = baton("start", "badge", "--input", "employee=Ann Lee")

    assert first.code == 0
    assert first.err.strip() == (
        f"baton: note: you act as {me!r} (your login name), who is not in the directory;"
        f" add yourself as an admin: baton users add {me} --role admin"
    )
    assert later.code == 0 and later.err == ""


def test_the_documented_export_then_import_sequence_works_in_one_folder(
    baton, tmp_path, monkeypatch
):
    # given the interchange guide's commands, typed in a folder holding onboarding.baton.json
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLES / "employee_onboarding.baton.json", "onboarding.baton.json")
    guide = Path(__file__).resolve().parents[3] / "docs" / "user" / "interchange.md"
    text = guide.read_text(encoding="utf-8")
    typed = ("baton export onboarding.baton.json --to bpmn -o", "baton import onboarding.bpmn")
    commands = [
        next(line.split("#")[0].split()[1:] for line in text.splitlines() if line.startswith(t))
        for t in typed
    ]

    # when they run one after the other, then both succeed
    for args in commands:
        result = baton(*args)
        assert result.code == 0, result.err
