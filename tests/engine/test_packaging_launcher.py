"""The desktop bundle's launcher: the `baton` CLI, the designer when given no arguments."""

from __future__ import annotations

import importlib.util
from pathlib import Path

LAUNCHER = Path(__file__).parents[2] / "packaging" / "launcher.py"


def _launcher():
    spec = importlib.util.spec_from_file_location("baton_launcher", LAUNCHER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_started_without_arguments_the_bundle_opens_the_designer():
    assert _launcher()._arguments([]) == ["designer"]


def test_arguments_go_to_the_baton_cli_unchanged():
    assert _launcher()._arguments(["validate", "a.baton.json"]) == ["validate", "a.baton.json"]


def test_the_process_serial_number_macos_adds_is_dropped():
    assert _launcher()._arguments(["-psn_0_12345"]) == ["designer"]


def test_the_launcher_runs_the_cli_with_the_process_arguments(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["baton", "--version"])

    code = _launcher().main()

    assert code == 0
    assert capsys.readouterr().out.startswith("baton ")


def test_main_returns_to_its_caller_after_the_temporal_client_was_imported(monkeypatch, capsys):
    # The bundle's process ends without interpreter teardown once Temporal's client was
    # loaded; that must happen at the process's end only, never inside `main()` — called
    # in-process (as here) it would end the caller, and a test run with it, at exit code 0.
    importlib.import_module("temporalio.client")
    monkeypatch.setattr("sys.argv", ["baton", "--version"])

    code = _launcher().main()

    assert code == 0
    assert capsys.readouterr().out.startswith("baton ")
