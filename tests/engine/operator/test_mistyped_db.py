"""A mistyped `--db` is refused in one line (exit code 2) and no database appears there."""

from __future__ import annotations

import pytest

from engine.cli import main

COMMANDS = [
    ["tokens", "list"],
    ["tokens", "create", "--user", "ann"],
    ["webhooks", "list"],
    ["audit"],
    ["start", "onboarding"],
    ["vars", "run-1"],
    ["nudge", "run-1"],
    ["record", "create", "Hire", "--field", "name=Ann"],
    ["event", "send", "signed"],
    ["users", "list"],
    ["tick"],
    ["serve", "--port", "0"],
    ["bulk", "cancel", "--reason", "x"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_command_on_a_mistyped_database_says_so_and_creates_nothing(tmp_path, capsys, command):
    typo = tmp_path / "baotn.db"

    code = main([*command, "--db", str(typo)])

    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.splitlines() == [err] and f"the database {typo} does not exist" in err
    assert list(tmp_path.iterdir()) == []


def test_activate_and_users_add_still_create_a_new_database(tmp_path, capsys):
    fresh = tmp_path / "team.db"

    code = main(["users", "add", "root", "--role", "admin", "--db", str(fresh)])

    assert code == 0 and fresh.exists()
    assert main(["tokens", "list", "--db", str(fresh)]) == 0
