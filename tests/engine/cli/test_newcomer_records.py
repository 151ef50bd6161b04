"""`baton record create` with a record type no trigger could name is refused.

A blank type (`baton record create ''`) used to be stored, with the note "no orchestration
starts on a new  record"; a 201-character type was stored on SQLite and failed on
PostgreSQL with "value too long for type character varying(200)".
"""

from __future__ import annotations

import pytest

from tests.engine.clirunner import in_process


@pytest.fixture
def baton(db_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BATON_DB", db_url)
    monkeypatch.setenv("BATON_USER", "admin")
    run = in_process(capsys)
    assert run("users", "add", "admin", "--role", "admin").code == 0
    return run


@pytest.mark.parametrize(
    ("object_name", "message"),
    [
        ("", "the record type '' is blank (name it, e.g. Account or Employee)"),
        ("  ", "the record type '  ' is blank (name it, e.g. Account or Employee)"),
        (
            "A" * 201,
            "the record type 'AAAAAAAAAAAAAAAAAAAA'... is 201 characters long "
            "(record types have at most 200 characters)",
        ),
    ],
)
def test_a_record_type_no_trigger_could_name_is_refused(baton, object_name, message):
    result = baton("record", "create", object_name, "--field", "name=Ann")

    assert result.code == 1
    assert result.err.strip() == f"baton: error: {message}"


def test_a_record_type_of_200_characters_is_stored(baton):
    result = baton("record", "create", "A" * 200, "--field", "name=Ann")

    assert result.code == 0, result.err
    record_id = result.out.strip()
    assert baton("record", "show", "A" * 200, record_id).json() == {"name": "Ann"}
