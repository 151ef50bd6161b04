"""`baton selftest` (also what the desktop bundle's smoke test runs)."""

from __future__ import annotations

from engine.cli import main
from engine.definition import save_definition
from tests.engine.builders import linear, stage


def test_selftest_passes_on_the_bundled_example_and_keeps_its_files(tmp_path, capsys):
    code = main(["selftest", "--out", str(tmp_path)])

    out = capsys.readouterr().out
    assert code == 0, out
    for check in ("version", "qt", "open", "icons", "validate", "simulate", "png", "markdown"):
        assert f"selftest: ok  {check}" in out
    assert "10 runs, 10 completed" in out
    assert {p.name for p in tmp_path.iterdir()} == {
        "employee_onboarding.png",
        "employee_onboarding.md",
        "employee_onboarding.svg",
    }


def test_selftest_stops_with_one_clear_line_at_a_definition_with_errors(tmp_path, capsys):
    broken = linear(stage("review"))
    broken.flows.pop()  # review no longer reaches the end
    path = tmp_path / "broken.baton.json"
    save_definition(broken, path)

    code = main(["selftest", str(path)])

    out = capsys.readouterr().out
    assert code == 1
    assert "selftest: ok  open" in out
    assert "baton selftest: FAILED: validate: " in out
    assert "simulate" not in out


def test_selftest_reports_a_missing_file_as_a_failed_check(tmp_path, capsys):
    code = main(["selftest", str(tmp_path / "nowhere.baton.json")])

    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED: open: " in out and "nowhere.baton.json not found" in out
