"""A plain `baton runs ...` is answered without Typer (`engine.cli.runs_listing`), and
prints exactly what the Typer command prints; anything else is left to Typer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import get_type_hints

import pytest

from engine.cli import app as cli_app
from engine.cli.app import _click_command, register_commands
from engine.cli.plain import OutputFormat
from engine.cli.run_commands import runs_command
from engine.cli.runs_listing import DEFAULTS, RUNS_OPTIONS, answer_plainly, plain_arguments
from engine.runtime import Engine, VirtualClock
from tests.engine.clirunner import in_process
from tests.engine.runtime.builders import background, interactive, orchestration, stage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A SQLite database with waiting runs in two batches and a failed (stuck) run."""
    monkeypatch.setenv("BATON_USER", "ann")
    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.delenv("BATON_RUNTIME", raising=False)
    path = tmp_path / "baton.db"
    engine = Engine(str(path), clock=VirtualClock(T0), outbox=tmp_path / "outbox")
    engine.add_user("ann", groups=["hr"])
    engine.activate(orchestration("review", stage("first", interactive("a", "group:hr"))))
    engine.activate(orchestration("broken", stage("s", background("make", "create_record"))))
    for hours, count in ((0, 3), (1, 4)):
        engine.clock.set(T0 + timedelta(hours=hours))
        for _ in range(count):
            engine.start("review")
    engine.start("broken")
    engine.close()
    return path


def _both(capsys, *args):
    """`baton ARGS` answered plainly (engine.cli.main) and by Typer (engine.cli.app.main)."""
    baton = in_process(capsys)
    plain = baton(*args)
    capsys.readouterr()
    code = cli_app.main(list(args))
    captured = capsys.readouterr()
    return plain, (code, captured.out, captured.err)


def test_the_plain_options_are_exactly_the_typer_commands():
    # given the Click command Typer builds for `baton runs`
    register_commands(["runs"])
    command = _click_command(["runs"]).commands["runs"]

    # then every option of it is read plainly, as the same parameter, with its default
    typer_options = {}
    for param in command.params:
        assert not param.multiple and param.nargs == 1, param.name
        for opt in (*param.opts, *param.secondary_opts):
            typer_options[opt] = param.name
        assert DEFAULTS[param.name] == param.default, param.name
        assert (RUNS_OPTIONS[param.opts[0]][1] == "flag") == param.is_flag, param.name
        assert param.envvar == ("BATON_DB" if param.name == "db" else None), param.name
    assert typer_options == {opt: name for opt, (name, _kind) in RUNS_OPTIONS.items()}
    assert set(DEFAULTS) == set(typer_options.values())
    # and each value is read as the command's parameter is typed (`--limit` at least 1)
    hints = get_type_hints(runs_command)
    kinds = {name: kind for name, kind in RUNS_OPTIONS.values()}
    for param in command.params:
        expected = {
            str | None: "text",
            bool: "flag",
            int | None: "number",
            int: "count" if param.min == 1 else "number",
            OutputFormat: "format",
        }[hints[param.name]]
        assert kinds[param.name] == expected, param.name


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--limit", "2"),
        ("-q", "--limit", "3"),
        ("--format", "json", "--status", "waiting"),
        ("--stuck",),
        ("--orchestration", "review", "--version", "1", "--stage", "first"),
        ("--assignee", "group:hr", "--quiet"),
        ("--started-after", "2026-03-02T09:30Z", "--started-before", "2026-03-03"),
        ("--outcome", "rejected"),
        ("--status", "nope"),  # a BatonError: one line, exit 1
        ("--started-after", "yesterday"),  # a usage error of ours: exit 2
    ],
)
def test_a_plain_invocation_prints_what_typer_prints(db, capsys, args):
    plain, typer_result = _both(capsys, "runs", *args, "--db", str(db))

    assert tuple(plain) == typer_result
    assert plain.out or plain.err


def test_every_page_after_the_first_prints_the_same_both_ways(db, capsys):
    # given the first page of two, and the cursor it names
    first = in_process(capsys)("runs", "--limit", "2", "--db", str(db))
    cursor = first.err.split("--after ")[1].split(")")[0]

    # when the next page is asked for, plainly and through Typer
    plain, typer_result = _both(capsys, "runs", "--limit", "2", "--after", cursor, "--db", str(db))

    # then both print the same page and the same next cursor
    assert tuple(plain) == typer_result
    assert "--after" in plain.err and cursor not in plain.err


def test_the_database_comes_from_baton_db_as_typer_reads_it(db, capsys, monkeypatch):
    monkeypatch.setenv("BATON_DB", str(db))
    plain, typer_result = _both(capsys, "runs", "-q")

    assert tuple(plain) == typer_result
    assert len(plain.out.split()) == 8


def test_a_missing_database_is_refused_the_same_both_ways(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BATON_RUNTIME", raising=False)
    plain, typer_result = _both(capsys, "runs", "--db", str(tmp_path / "typo.db"))

    assert tuple(plain) == typer_result
    assert plain.code == 2 and "does not exist" in plain.err
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--limit", "0"],
        ["--limit=5"],
        ["--limit"],
        ["--limit", "-1"],
        ["--format", "yaml"],
        ["--version", "one"],
        ["--status", "waiting", "--status", "failed"],
        ["--colour"],
        ["extra"],
    ],
)
def test_anything_but_plain_options_is_left_to_typer(db, capsys, args):
    # given arguments the plain path does not read exactly
    assert plain_arguments(args) is None

    # when they are given, Typer answers: usage errors and help are its own
    plain, typer_result = _both(capsys, "runs", *args, "--db", str(db))
    assert tuple(plain) == typer_result


def test_a_temporal_runtime_is_left_to_typer(db, monkeypatch):
    monkeypatch.setenv("BATON_RUNTIME", "temporal://127.0.0.1:1/default")

    assert answer_plainly(["--db", str(db)]) is None
