"""`baton` imports only what the asked-for command needs, so it starts quickly.

Each start-up is checked in a fresh interpreter: which modules got imported is the fact the
speed follows from (benchmarks/cli_startup.py prints the wall times).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from engine.cli.app import COMMAND_MODULES, app, register_commands

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = str(REPO / "resources/examples/employee_onboarding.baton.json")
HEAVY = ("sqlalchemy", "networkx", "engine.runtime", "engine.store", "designer")


def _modules_after(*args: str) -> tuple[int, str, set[str]]:
    """Run `baton ARGS` in a fresh interpreter; its exit code, stdout and imported modules."""
    code = (
        "import json, sys\n"
        "from engine.cli import main\n"
        f"code = main({list(args)!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    *printed, modules = done.stdout.strip().splitlines()
    return done.returncode, "\n".join(printed), set(json.loads(modules))


def _loaded(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)


def test_version_imports_no_command_no_cli_framework_and_no_database_layer():
    code, out, modules = _modules_after("--version")

    assert code == 0
    assert out.startswith("baton ")
    assert not any(m.startswith("engine.cli.") and m != "engine.cli.version" for m in modules)
    assert not any(_loaded(modules, heavy) for heavy in (*HEAVY, "pydantic", "typer"))


def test_validate_imports_its_own_command_only_and_no_database_layer():
    code, out, modules = _modules_after("validate", EXAMPLE)

    assert code == 0
    assert out.endswith(": ok")
    assert "engine.cli.definition_commands" in modules
    assert "engine.cli.run_commands" not in modules
    assert not any(_loaded(modules, heavy) for heavy in HEAVY)


# What only moving runs needs: the interpreter and its definition models, triggers,
# delivery, validation. A command that reads rows has no use for any of it.
RUN_MACHINERY = (
    "engine.runtime.engine",
    "engine.runtime.interpreter",
    "engine.runtime.triggers",
    "engine.runtime.delivery",
    "engine.definition.models",
    "engine.validation",
)


def test_read_commands_list_runs_without_importing_the_run_machinery(tmp_path):
    db = tmp_path / "runs.db"
    engine_code, _out, _mods = _modules_after("users", "add", "ann", "--db", str(db))
    assert engine_code == 0

    for args in (
        ("log", "run-nothing"),
        ("work", "list"),
        ("outbox",),
        ("definitions",),
    ):
        code, out, modules = _modules_after(*args, "--db", str(db))

        assert code in (0, 1), (args, out)  # `log` of an unknown run: exit 1, one line
        assert "engine.runtime.reader" in modules, args
        assert not any(_loaded(modules, heavy) for heavy in RUN_MACHINERY), args


def test_runs_on_a_sqlite_file_are_listed_without_importing_sqlalchemy(tmp_path):
    # given a database with a run
    db = tmp_path / "runs.db"
    for args in (("users", "add", "ann", "--role", "admin"), ("activate", EXAMPLE, "--as", "ann")):
        assert _modules_after(*args, "--db", str(db))[0] == 0
    started, run_id, _mods = _modules_after(
        "start", "employee_onboarding", "--input", "employee=Bo", "--input", "email=bo@x.org",
        "--as", "ann", "--db", str(db),
    )  # fmt: skip
    assert started == 0, run_id

    for args in (
        ("runs",),
        ("runs", "--status", "waiting", "--format", "json"),
        ("runs", "--assignee", "group:hr", "--started-after", "2020-01-01", "-q"),
    ):
        # when runs are listed
        code, out, modules = _modules_after(*args, "--db", str(db))

        # then the run is there, read without SQLAlchemy, the run machinery or Typer
        assert code == 0, (args, out)
        assert run_id in out, (args, out)
        assert "engine.runtime.lite" in modules, args
        heavy = ("sqlalchemy", "typer", "pydantic", *RUN_MACHINERY)
        assert not any(_loaded(modules, name) for name in heavy), args


def test_stuck_runs_are_listed_through_the_reader(tmp_path):
    db = tmp_path / "runs.db"
    assert _modules_after("users", "add", "ann", "--db", str(db))[0] == 0

    code, out, modules = _modules_after("runs", "--stuck", "--db", str(db))

    assert code == 0, out
    assert "engine.runtime.reader" in modules
    assert not any(_loaded(modules, heavy) for heavy in RUN_MACHINERY)


def test_help_still_lists_every_command_including_plugins():
    code, out, _ = _modules_after("--help")

    assert code == 0
    for name in [*COMMAND_MODULES, "designer", "selftest"]:
        assert f" {name} " in out or f" {name}\n" in out, name


def test_the_lazy_table_names_exactly_the_commands_each_module_registers():
    register_commands(None)

    registered: dict[str, str] = {}
    for command in app.registered_commands:
        registered[command.name] = command.callback.__module__
    for group in app.registered_groups:
        (first, *_) = group.typer_instance.registered_commands
        registered[group.name] = first.callback.__module__
    ours = {
        name: module.removeprefix("engine.cli.")
        for name, module in registered.items()
        if module.startswith("engine.cli.")
    }

    assert ours == COMMAND_MODULES
