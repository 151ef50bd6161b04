"""One version, from pyproject.toml: `baton --version` and Help ▸ About agree with it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from gui import open_window

from engine.cli import main

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"


def _declared() -> str:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]


def test_baton_version_prints_the_pyproject_version(capsys):
    code = main(["--version"])

    assert code == 0
    assert capsys.readouterr().out.strip() == f"baton {_declared()}"


def test_help_about_shows_the_pyproject_version(qtbot, tmp_path, dialogs):
    window = open_window(qtbot, tmp_path)

    window.help.about_action.trigger()

    about = [text for kind, text in dialogs if kind == "about"]
    assert about and f"Baton {_declared()}" in about[0]
