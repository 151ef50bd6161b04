"""Files that cannot be read or written: one line naming the file, exit 2, no traceback.

Found by a newcomer's `baton export ... -o` into a folder that does not exist, onto a
folder, and `baton import` of a folder: each ended in an OSError traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.clirunner import in_process

EXAMPLE = Path(__file__).resolve().parents[3] / "resources" / "examples"
DEAL = str(EXAMPLE / "deal_desk_approval.baton.json")


@pytest.fixture
def baton(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    return in_process(capsys)


def test_export_into_a_missing_folder_names_the_folder(baton, tmp_path):
    result = baton("export", DEAL, "--to", "bpmn", "-o", "nowhere/deal.bpmn")

    assert result.code == 2
    assert result.err == (
        "baton: error: nowhere/deal.bpmn: cannot be written: the folder nowhere does not "
        "exist (create the folder first, or write somewhere else)\n"
    )


def test_export_onto_a_folder_says_it_is_a_folder(baton):
    result = baton("export", DEAL, "--to", "bpmn", "-o", "folder")

    assert result.code == 2
    assert result.err == (
        "baton: error: folder: cannot be written: it is a folder (give a file name, e.g. "
        "folder/NAME)\n"
    )


def test_a_salesforce_project_under_a_file_is_one_line(baton, tmp_path):
    (tmp_path / "plain.txt").write_text("x")

    result = baton("export", DEAL, "--to", "salesforce", "-o", "plain.txt")

    assert result.code == 2
    assert result.err.startswith("baton: error: plain.txt/")
    assert len(result.err.splitlines()) == 1


def test_import_of_a_folder_says_it_is_a_folder(baton):
    result = baton("import", "folder", "-o", "x.baton.json")

    assert result.code == 2
    assert result.err == (
        "baton: error: folder: is a folder, not a file (name the .bpmn or .flow-meta.xml file)\n"
    )


def test_validate_of_a_folder_or_binary_file_says_what_it_is(baton, tmp_path):
    (tmp_path / "photo.baton.json").write_bytes(b"\x89PNG\r\n\x1a\n\xe4\x00")

    result = baton("validate", "folder", "photo.baton.json")

    assert result.code == 2
    assert result.err.splitlines() == [
        "baton: error: folder: is a folder, not a file (name a .baton.json file in it)",
        "baton: error: photo.baton.json: is not UTF-8 text (byte 0), so not a definition "
        "(a .baton.json file is JSON text; check this is the right file)",
    ]


def test_a_read_command_on_an_empty_file_leaves_it_empty(baton, tmp_path):
    # `baton runs --db empty.json` used to write the whole schema (300 kB) into the file
    (tmp_path / "notes.txt").write_bytes(b"")

    result = baton("runs", "--db", "notes.txt")

    assert result.code == 2
    assert result.err == (
        f"baton: error: the database {tmp_path / 'notes.txt'} is an empty file, not a Baton "
        "database (check --db / BATON_DB for a typo; `baton db upgrade` makes it a new "
        "database)\n"
    )
    assert (tmp_path / "notes.txt").stat().st_size == 0


def test_upgrade_makes_an_empty_file_a_database(baton, tmp_path):
    (tmp_path / "new.db").write_bytes(b"")

    assert baton("db", "upgrade", "--db", "new.db").code == 0
    assert baton("runs", "--db", "new.db").code == 0
