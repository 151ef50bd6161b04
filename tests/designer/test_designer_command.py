"""`baton designer` from a terminal: no display, a picture without one, and `--db`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from designer.window import MainWindow
from engine.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "resources/examples/deal_desk_approval.baton.json"


def _environment_without_display() -> dict[str, str]:
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    return {k: v for k, v in os.environ.items() if k not in hidden}


def test_without_a_display_the_designer_says_so_in_one_line_instead_of_aborting(tmp_path):
    # given a terminal with no display at all (an ssh session, a server)
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
         "designer", str(EXAMPLE)],
        capture_output=True, text=True, env=_environment_without_display(), cwd=tmp_path,
        timeout=120,
    )  # fmt: skip

    # then one line says what is missing and how to get a picture anyway; no Qt abort
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "baton designer: no display here (DISPLAY and WAYLAND_DISPLAY are unset). Start it in a "
        "desktop session or over `ssh -X`, or take a picture without one: "
        "`baton designer FILE --screenshot window.png`."
    ]


def test_a_mistyped_file_name_is_said_in_one_line_and_nothing_opens(tmp_path):
    # given a file name with a typo
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
         "designer", "deal_desk.baton.json"],
        capture_output=True, text=True, env=_environment_without_display(), cwd=tmp_path,
        timeout=120,
    )  # fmt: skip

    # then the terminal says which file is missing, with exit code 2 (bad input)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "baton designer: deal_desk.baton.json: no such file"
    ]


def test_a_screenshot_needs_no_display(tmp_path):
    picture = tmp_path / "window.png"

    result = subprocess.run(
        [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
         "designer", str(EXAMPLE), "--screenshot", str(picture)],
        capture_output=True, text=True, env=_environment_without_display(), cwd=tmp_path,
        timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert picture.read_bytes()[1:4] == b"PNG"


def test_the_designer_opens_on_the_database_given_with_db(qapp, tmp_path):
    # given a team database chosen on the command line
    database = tmp_path / "team.db"

    # when the designer starts with it (and takes its picture, so it exits by itself)
    code = main(
        ["designer", str(EXAMPLE), "--db", str(database), "--screenshot", str(tmp_path / "w.png")]
    )

    # then the window's engine is that database, as the status bar says
    assert code == 0
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    assert f"Engine: {database} ·" in windows[-1].live.engine_label.text()
    for window in windows:
        window.close()
        window.deleteLater()
