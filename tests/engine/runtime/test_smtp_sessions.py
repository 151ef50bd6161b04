"""A worker sends a pass's notices on one SMTP session, keeps it for the next pass while it
is fresh, notes what the server accepted in one sent journal (no file per message), and so
never sends a notice twice from this machine when its record was lost; with a mail server
the outbox folder keeps an `.eml` copy only when asked to."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine.actions import smtp
from engine.runtime import delivery
from engine.store import format_time
from engine.store.schema import notifications
from tests.engine.runtime.builders import interactive, orchestration, stage
from tests.engine.runtime.smtp_server import SmtpServer


@pytest.fixture
def server(monkeypatch):
    found = SmtpServer().start()
    monkeypatch.setenv("BATON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BATON_SMTP_PORT", str(found.port))
    monkeypatch.delenv("BATON_OUTBOX_COPY", raising=False)
    yield found
    smtp.close_kept()
    found.stop()


def _three_step_stage(engine):
    engine.add_user("dana", email="dana@example.com")
    engine.activate(
        orchestration(
            "n",
            stage(
                "s",
                interactive("a", "user:dana"),
                interactive("b", "user:dana"),
                interactive("c", "user:dana"),
            ),
        )
    )


def _notices(engine):
    with engine.store.read() as conn:
        return conn.execute(select(notifications).order_by(notifications.c.id)).all()


def test_a_pass_sends_all_its_notices_on_one_session_and_journals_them(engine, server):
    # given a stage that opened three items for dana
    _three_step_stage(engine)
    engine.start("n")

    # when the worker makes a pass
    engine.tick()

    # then the three notices came on one connection, each is recorded sent, and the outbox
    # folder holds the sent journal only: no .eml copy, no marker file per message
    assert len(server.messages) == 3 and len(set(server.sessions)) == 1
    assert all(row.sent_at is not None for row in _notices(engine))
    assert [p.name for p in engine.outbox.iterdir()] == [smtp.JOURNAL]
    lines = (engine.outbox / smtp.JOURNAL).read_text().splitlines()
    assert sorted(lines) == sorted(f"notice-{row.id} {row.created_at}" for row in _notices(engine))


def test_the_next_pass_reuses_the_session_while_it_is_fresh(engine, server):
    _three_step_stage(engine)
    engine.start("n")
    engine.tick()

    engine.start("n")
    engine.tick()

    assert len(server.messages) == 6 and len(set(server.sessions)) == 1


def test_a_session_idle_for_a_while_answers_a_noop_before_it_is_reused(engine, server, monkeypatch):
    monkeypatch.setattr(smtp, "CHECK_SECONDS", 0.0)  # every reuse is checked
    _three_step_stage(engine)
    engine.start("n")
    engine.tick()

    engine.start("n")
    engine.tick()

    assert len(server.messages) == 6 and len(set(server.sessions)) == 1


def test_a_session_idle_beyond_the_keep_time_is_replaced(engine, server, monkeypatch):
    monkeypatch.setattr(smtp, "KEEP_SECONDS", 0.0)  # no session outlives its pass
    _three_step_stage(engine)
    engine.start("n")
    engine.tick()

    engine.start("n")
    engine.tick()

    assert len(server.messages) == 6 and len(set(server.sessions)) == 2


def test_a_session_the_server_dropped_is_replaced_before_the_next_pass(engine, server):
    # given a pass that kept its session, and then a mail server restarted
    _three_step_stage(engine)
    engine.start("n")
    engine.tick()
    server.stop()
    restarted = SmtpServer(port=server.port).start()
    try:
        # when the next pass has notices to send
        engine.start("n")
        engine.tick()
    finally:
        restarted.stop()

    # then they reached the new server (the dead session was noticed and replaced)
    assert len(restarted.messages) == 3
    assert all(row.sent_at is not None and row.attempts == 0 for row in _notices(engine))


def test_a_notice_whose_record_was_lost_after_sending_is_not_sent_again(engine, server):
    # given notices sent, then their records lost as a crash before the record leaves them:
    # still pending, claimed by a lease that has since ended
    _three_step_stage(engine)
    engine.start("n")
    engine.tick()
    expired = format_time(engine.clock.now() - timedelta(seconds=1))
    with engine.store.transaction() as conn:
        conn.execute(update(notifications).values(sent_at=None, claimed_until=expired))

    # when the next pass runs
    engine.tick()

    # then nothing went to the server a second time, and each notice is recorded sent
    assert len(server.messages) == 3
    assert all(row.sent_at is not None for row in _notices(engine))


def test_a_marker_file_of_an_earlier_version_still_counts_as_sent(engine, server):
    # given a notice an earlier version sent and marked with a file, its record lost
    _three_step_stage(engine)
    engine.start("n")
    first = _notices(engine)[0]
    (engine.outbox / "sent").mkdir(parents=True)
    (engine.outbox / "sent" / f"notice-{first.id}.sent").touch()
    with engine.store.transaction() as conn:
        conn.execute(update(notifications).where(notifications.c.id == first.id).values(attempts=1))

    engine.tick()

    assert len(server.messages) == 2
    assert all(row.sent_at is not None for row in _notices(engine))


def test_an_eml_copy_is_kept_when_asked_for(engine, server, monkeypatch):
    monkeypatch.setenv("BATON_OUTBOX_COPY", "1")
    _three_step_stage(engine)
    engine.start("n")

    engine.tick()

    assert len(server.messages) == 3
    files = sorted(p.name for p in engine.outbox.glob("*.eml"))
    assert files == sorted(f"notice-{row.id}.eml" for row in _notices(engine))


def test_an_unclear_copy_setting_pauses_delivery_with_one_line(engine, server, monkeypatch, caplog):
    monkeypatch.setenv("BATON_OUTBOX_COPY", "maybe")
    _three_step_stage(engine)
    engine.start("n")

    with caplog.at_level(logging.ERROR, logger="baton.notify"):
        engine.tick()

    assert server.messages == []
    assert all(row.sent_at is None and row.attempts == 0 for row in _notices(engine))
    (line,) = caplog.messages
    assert "BATON_OUTBOX_COPY='maybe' is not yes or no" in line and "\n" not in line


def test_two_workers_that_meet_without_a_mail_server_write_a_notice_once(engine, monkeypatch):
    # given no mail server, and two workers that both read the same three notices as due
    monkeypatch.delenv("BATON_SMTP_HOST", raising=False)
    _three_step_stage(engine)
    engine.start("n")
    with engine.store.read() as conn:
        first = delivery.read_due(engine, conn, {"notifications"})
    engine.clock.advance(timedelta(minutes=1))  # the second's messages differ in their Date
    with engine.store.read() as conn:
        second = delivery.read_due(engine, conn, {"notifications"})

    # when both deliver what they read
    assert delivery.deliver_pending(engine, kinds={"notifications"}, due=first) == 3
    written = {p.name: p.read_bytes() for p in engine.outbox.glob("notice-*.eml")}
    assert delivery.deliver_pending(engine, kinds={"notifications"}, due=second) == 3

    # then each notice has one file, written by the first, and is recorded sent
    assert len(written) == 3
    assert {p.name: p.read_bytes() for p in engine.outbox.glob("notice-*.eml")} == written
    assert all(row.sent_at is not None for row in _notices(engine))


def test_the_sent_journal_knows_whole_keys_only(tmp_path):
    # given a journal with two sends noted (the first line, then one more)
    journal = smtp.SentJournal(tmp_path)
    assert not journal.contains("notice-1")  # no journal yet
    journal.add("notice-12")
    journal.add("notice-7")
    journal.sync()

    # then it knows exactly those keys, not their prefixes or extensions
    assert journal.contains("notice-12") and journal.contains("notice-7")
    assert not journal.contains("notice-1") and not journal.contains("notice-72")
    assert (tmp_path / smtp.JOURNAL).read_text() == "notice-12\nnotice-7\n"


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("BATON_SMTP_PORT", "twenty-five", "is not a port number"),
        ("BATON_SMTP_TIMEOUT", "soon", "is not a number of seconds"),
        ("BATON_SMTP_TLS", "maybe", "is not none, starttls or ssl"),
    ],
)
def test_an_unusable_mail_setting_fails_each_notice_naming_it(
    engine, server, monkeypatch, name, value, said
):
    # given a mail setting that cannot be used
    monkeypatch.setenv(name, value)
    _three_step_stage(engine)
    engine.start("n")

    # when the worker makes a pass, it does not fail
    engine.tick()

    # then nothing was sent, and each notice failed once with the setting named
    assert server.messages == []
    for row in _notices(engine):
        assert row.attempts == 1 and f"{name}={value!r} {said}" in row.last_error


def test_a_notice_given_a_pruned_notices_id_is_still_sent_after_a_failure(engine, server):
    # given a notice sent and journalled, then its row gone (as `baton prune` removes it) and
    # a new notice given the same id, whose first try failed
    _three_step_stage(engine)
    engine.start("n")
    engine.tick()
    first = _notices(engine)[0]
    later = format_time(engine.clock.now() + timedelta(days=200))
    with engine.store.transaction() as conn:
        conn.execute(
            update(notifications)
            .where(notifications.c.id == first.id)
            .values(sent_at=None, attempts=1, created_at=later)
        )

    # when the worker retries it
    engine.tick()

    # then it is sent: the journal's line belongs to the earlier notice of that id
    assert len(server.messages) == 4
    assert all(row.sent_at is not None for row in _notices(engine))
