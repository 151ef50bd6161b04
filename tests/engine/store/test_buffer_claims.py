"""A kept event (`buffer:`) claimed for a run on Temporal (revision 0014): one conditional
UPDATE under the run's token, so two runs never take one event and an activity attempt run
again gets the same event back rather than a second one; `baton db upgrade` adds the column."""

from __future__ import annotations

from sqlalchemy import text

from engine.cli import main
from engine.store import Store, buffered


def _kept(store: Store, *sent_at: str) -> None:
    with store.transaction() as conn:
        for n, when in enumerate(sent_at):
            data = {"n": n}
            buffered.keep(conn, "signed", "Acme", data, when, "2030-01-01T00:00:00Z", None)


def test_a_claim_is_once_per_event_and_again_for_the_same_token(tmp_path):
    store = Store(str(tmp_path / "baton.db"))
    _kept(store, "2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z")
    since = "2026-01-01T09:00:00Z"
    with store.transaction() as conn:
        first = buffered.claim(conn, "signed", "Acme", since, "run-a:signed:7")
        # the same claim again (its answer was lost): the same event, not the next one
        again = buffered.claim(conn, "signed", "Acme", since, "run-a:signed:7")
        other = buffered.claim(conn, "signed", "Acme", since, "run-b:signed:7")
        none_left = buffered.claim(conn, "signed", "Acme", since, "run-c:signed:7")
        # a claimed event reaches no local wait either
        local = buffered.oldest(conn, "signed", "Acme", since)
    assert first is not None and first["data"] == {"n": 0}
    assert again == first
    assert other is not None and other["data"] == {"n": 1}
    assert none_left is None and local is None
    store.close()


def test_a_claim_takes_nothing_sent_before_the_buffer_or_with_another_key(tmp_path):
    store = Store(str(tmp_path / "baton.db"))
    _kept(store, "2026-01-01T10:00:00Z")
    with store.transaction() as conn:
        late = buffered.claim(conn, "signed", "Acme", "2026-01-01T10:00:01Z", "run-a:s:1")
        wrong_key = buffered.claim(conn, "signed", "Bo", "2026-01-01T09:00:00Z", "run-a:s:2")
    assert late is None and wrong_key is None
    store.close()


def test_db_upgrade_adds_the_claim_column_to_a_database_of_the_previous_revision(tmp_path, capsys):
    db = str(tmp_path / "baton.db")
    Store(db).close()
    with Store(db).transaction() as conn:
        conn.execute(text("ALTER TABLE buffered_events DROP COLUMN claimed_by"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0013_runs_by_record'"))
        conn.execute(text("UPDATE baton_meta SET value = '13' WHERE key = 'schema_version'"))
    assert main(["db", "upgrade", "--db", db]) == 0
    store = Store(db)
    _kept(store, "2026-01-01T10:00:00Z")
    with store.transaction() as conn:
        claimed = buffered.claim(conn, "signed", "Acme", "2026-01-01T09:00:00Z", "run-a:s:1")
    assert claimed is not None
    store.close()
