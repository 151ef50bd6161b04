"""Database faults are one line naming the database, what is wrong and what to do (exit 2);
nothing is lost, a damaged file is never written to, a mistyped path is never created."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from benchmarks.slow_neighbours import SilentServer
from engine.runtime import Engine
from tests.engine.faults.helpers import (
    assert_one_line_error,
    env_for,
    prepare_database,
    run_baton,
)
from tests.engine.runtime.smtp_server import free_port


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _runs(env: dict[str, str]) -> list[dict]:
    listed = run_baton(env, "runs", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


def test_a_read_only_database_refuses_writes_in_one_line_and_keeps_its_runs(tmpfs):
    # given a database with one run, on a medium that then becomes read-only
    disk = tmpfs(8192)
    env = prepare_database(disk.path)
    assert run_baton(env, "start", "welcome").returncode == 0
    disk.read_only()

    # when someone starts a run and lists runs
    started = run_baton(env, "start", "welcome")
    listed = run_baton(env, "runs")

    # then each says in one line that the database is read-only, naming it
    assert_one_line_error(started, str(disk.path / "baton.db"), "read-only")
    assert_one_line_error(listed, str(disk.path / "baton.db"), "read-only")
    # and once writable again, the run is there and work goes on
    disk.read_write()
    assert len(_runs(env)) == 1
    assert run_baton(env, "start", "welcome").returncode == 0


def test_a_full_disk_fails_the_command_in_one_line_and_loses_nothing(tmpfs):
    # given a database with one run on a disk that is then filled to the last byte
    disk = tmpfs(8192)
    env = prepare_database(disk.path)
    first = run_baton(env, "start", "welcome").stdout.strip()
    filler = disk.fill()

    # when more runs are started, five times
    attempts = [run_baton(env, "start", "welcome") for _ in range(5)]

    # then each refusal names the database and the full disk, with no traceback
    for refused in attempts:
        if refused.returncode != 0:
            assert_one_line_error(refused, "baton.db", "full")
    assert any(a.returncode != 0 for a in attempts)
    # and after freeing space everything committed is still there, and work goes on
    filler.unlink()
    listed = _runs(env)
    assert first in [r["id"] for r in listed]
    assert len(listed) == 1 + sum(a.returncode == 0 for a in attempts)
    assert run_baton(env, "start", "welcome").returncode == 0


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path):
    # given a "database" that is random bytes (a wrong file, or a header destroyed)
    db = tmp_path / "baton.db"
    db.write_bytes(bytes(range(256)) * 64)
    before = _digest(db)
    env = env_for(db)

    # when a read and a write are attempted
    listed = run_baton(env, "runs")
    added = run_baton(env, "users", "add", "bob")

    # then both say it is damaged and what to do, and not one byte changed
    assert_one_line_error(listed, str(db), "damaged", "backup")
    assert_one_line_error(added, str(db), "damaged")
    assert _digest(db) == before


def test_flipped_bytes_inside_a_database_are_detected_before_anything_reads_or_writes(tmp_path):
    # given a database with runs, whose pages then get bytes flipped (the file header is fine)
    env = prepare_database(tmp_path)
    for _ in range(3):
        assert run_baton(env, "start", "welcome").returncode == 0
    db = tmp_path / "baton.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'runs'").fetchone()[0]
    data = bytearray(db.read_bytes())
    offset = (root - 1) * page_size
    for i in range(offset + 8, offset + 8 + 64):  # the page's cell pointers and cells
        data[i] ^= 0xA5
    db.write_bytes(bytes(data))
    before = _digest(db)

    # when runs are listed and a run is started
    listed = run_baton(env, "runs")
    started = run_baton(env, "start", "welcome")

    # then both refuse, naming the damage, and the file is not written to
    assert_one_line_error(listed, "damaged")
    assert_one_line_error(started, "damaged")
    assert _digest(db) == before
    assert (tmp_path / "baton.db.damaged").exists()


def test_a_truncated_database_is_refused_and_never_written_to(tmp_path):
    # given a database with a few hundred users, cut to half its length (a copy interrupted)
    db = tmp_path / "baton.db"
    engine = Engine(str(db))
    for i in range(300):
        engine.add_user(f"user{i:03}", email="x" * 200 + "@example.com")
    engine.close()  # folds the write-ahead log into the file
    env = env_for(db)
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 2)
    before = _digest(db)

    # when users are listed and one is added
    listed = run_baton(env, "users", "list")
    added = run_baton(env, "users", "add", "late")

    # then both refuse it as damaged, and the file is as it was
    assert_one_line_error(listed, str(db), "damaged")
    assert_one_line_error(added, str(db), "damaged")
    assert _digest(db) == before


def test_a_folder_given_as_the_database_is_named_as_a_folder(tmp_path):
    result = run_baton(env_for(tmp_path / "x.db"), "runs", "--db", str(tmp_path))
    assert_one_line_error(result, str(tmp_path), "is a folder", "baton.db")


def test_a_database_path_under_a_file_is_refused_naming_the_file(tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder")
    result = run_baton(
        env_for(tmp_path / "x.db"), "users", "add", "ann", "--db", str(tmp_path / "notes.txt/b.db")
    )
    assert_one_line_error(result, str(tmp_path / "notes.txt"), "is a file, not a folder")


@pytest.mark.parametrize("url", ["mysql://baton@localhost/baton", "mongodb://h/db"])
def test_an_unsupported_url_scheme_is_refused_naming_what_works(tmp_path, url):
    result = run_baton(env_for(tmp_path / "x.db"), "runs", "--db", url)
    line = assert_one_line_error(result, url.split("://")[0], "does not support")
    assert "postgresql://" in line and "SQLite" in line


def test_a_mistyped_database_for_a_read_only_command_is_not_created(tmp_path):
    # given a database, and a typo in its folder's name
    env = prepare_database(tmp_path)
    typo = tmp_path / "baotn" / "baton.db"

    # when runs are listed from the mistyped path
    result = run_baton(env, "runs", "--db", str(typo))

    # then Baton says it does not exist, and creates neither the folder nor a database
    assert_one_line_error(result, str(typo), "does not exist")
    assert not typo.parent.exists()


def test_a_postgresql_server_that_never_answers_is_given_up_on_in_one_line(tmp_path):
    # given a "PostgreSQL server" that accepts the connection and never says a word
    server = SilentServer()
    url = f"postgresql://baton@127.0.0.1:{server.port}/baton"
    try:
        # when runs are listed from it
        result = run_baton(env_for(tmp_path / "x.db"), "runs", "--db", url)
    finally:
        server.close()
    # then Baton gave up (inside the hang guard) and said so in one line
    assert_one_line_error(result, "cannot reach the PostgreSQL database", "timeout")


def test_an_unreachable_postgresql_server_is_one_line_naming_it_without_the_password(tmp_path):
    url = f"postgresql://baton:s3cret@127.0.0.1:{free_port()}/baton"
    for args in (("runs",), ("start", "welcome")):
        result = run_baton(env_for(tmp_path / "x.db"), *args, "--db", url)
        line = assert_one_line_error(result, "cannot reach the PostgreSQL database", "127.0.0.1")
        assert "s3cret" not in line
