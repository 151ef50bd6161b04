"""The log keeps times as microseconds and event types as codes, and shows both as text;
a database written before that (revision 0009) is upgraded in place by `baton db upgrade`."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from engine.cli import main
from engine.errors import StoreTooOld
from engine.runtime import Engine, VirtualClock, eventrows
from engine.runtime.events import EventType
from engine.store import Store, migrate
from engine.store.schema import events
from tests.engine.runtime.builders import background, interactive, orchestration, stage, wait
from tests.engine.store import older

PREVIOUS = "0009_finished_runs_rows"


def _runs(engine: Engine, clock: VirtualClock) -> tuple[str, str, str]:
    """A run that completed, one canceled by an operator, one waiting for ann's item."""
    engine.add_user("root", admin=True)
    engine.add_user("ann")
    engine.activate(orchestration("quick", stage("s", background("a"), background("b"))))
    engine.activate(orchestration("held", stage("s", wait("w", event="go"))))
    engine.activate(orchestration("slow", stage("s", interactive("ask", assignee="user:ann"))))
    done = engine.start("quick")
    clock.advance(timedelta(seconds=1, microseconds=123456))
    canceled = engine.start("held")
    engine.cancel(canceled, reason="not needed", actor="root")
    clock.advance(timedelta(minutes=5))
    return done, canceled, engine.start("slow")


def test_the_log_shows_names_and_times_as_text_while_the_table_keeps_codes(db_url, tmp_path):
    # given runs whose events fall on different times
    clock = VirtualClock()
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    done, canceled, _ = _runs(engine, clock)

    # when their logs are read
    log = engine.log(canceled)

    # then names and times read as before, each time exactly as the clock gave it
    assert log[0]["type"] == "run_started"
    assert log[0]["time"] == "2026-01-05T09:00:01.123456Z"
    assert log[-1]["type"] == "run_canceled" and log[-1]["actor"] == "root"
    # and the table holds integers: microseconds since 1970 and the type's code
    with engine.store.read() as conn:
        first = conn.execute(
            select(events.c.time, events.c.type).where(events.c.run_id == done, events.c.seq == 1)
        ).one()
    assert first.type == eventrows.code(EventType.RUN_STARTED)
    assert first.time == 1767603600000000
    engine.close()


def test_the_codes_are_those_the_migration_wrote():
    migration = importlib.import_module("engine.store.migrations.versions.0010_compact_events")
    assert {kind.value: code for kind, code in eventrows.CODES.items()} == migration.CODES


def test_db_upgrade_converts_the_log_of_every_run_written_under_the_previous_revision(
    db_url, tmp_path, capsys
):
    # given a database as revision 0009 wrote it (times and type names as text), with one
    # time a person edited by hand into another ISO form
    clock = VirtualClock()
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    done, canceled, waiting = _runs(engine, clock)
    logs = {run: engine.log(run) for run in (done, canceled, waiting)}
    shown = {run: engine.run(run) for run in (done, canceled, waiting)}
    engine.close()
    store = Store(db_url)
    with store.transaction() as conn:
        older.events_as_text(conn)
        older.stamp(conn, PREVIOUS, 9)
        conn.execute(
            text("UPDATE events SET time = '2026-01-05T10:00:00+01:00' WHERE run_id = :r"),
            {"r": done},
        )
    store.close()
    with pytest.raises(StoreTooOld):
        Store(db_url)

    # when the admin upgrades it
    assert main(["db", "upgrade", "--db", db_url]) == 0

    # then every log reads as before (the hand-edited time in the fixed form), the runs
    # show as before, and the waiting one moves on
    assert f"upgraded from {PREVIOUS} to {migrate.head()}" in capsys.readouterr().out
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    assert engine.log(canceled) == logs[canceled]
    assert engine.log(waiting) == logs[waiting]
    assert [e["time"] for e in engine.log(done)] == ["2026-01-05T09:00:00.000000Z"] * len(
        logs[done]
    )
    assert [{**e, "time": None} for e in engine.log(done)] == [
        {**e, "time": None} for e in logs[done]
    ]
    assert {run: engine.run(run) for run in (done, canceled, waiting)} == shown
    (item,) = engine.open_item_ids(waiting)
    engine.complete_item(item, "ann")
    assert engine.run(waiting)["status"] == "completed"
    assert engine.log(waiting)[: len(logs[waiting])] == logs[waiting]
    engine.close()


def test_db_upgrade_refuses_a_log_with_an_event_type_it_does_not_know(tmp_path, capsys):
    # given a 0009 database whose log holds an event type no Baton of this build wrote
    db = str(tmp_path / "baton.db")
    clock = VirtualClock()
    engine = Engine(db, clock=clock, outbox=tmp_path / "outbox")
    _runs(engine, clock)
    engine.close()
    store = Store(db)
    with store.transaction() as conn:
        older.events_as_text(conn)
        older.stamp(conn, PREVIOUS, 9)
        conn.execute(text("UPDATE events SET type = 'mystery' WHERE seq = 2"))
    store.close()

    # when the admin upgrades it
    code = main(["db", "upgrade", "--db", db])

    # then it is refused in one line naming the type, and the database is left as it was
    assert code == 2
    err = capsys.readouterr().err
    assert "mystery" in err and "Traceback" not in err
    with pytest.raises(StoreTooOld):
        Store(db)


def test_db_upgrade_reads_payloads_kept_as_objects_by_the_previous_revision(
    db_url, tmp_path, capsys
):
    # given a database as revision 0010 wrote it: every payload a JSON object
    clock = VirtualClock()
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    done, canceled, waiting = _runs(engine, clock)
    logs = {run: engine.log(run) for run in (done, canceled, waiting)}
    engine.close()
    store = Store(db_url)
    with store.transaction() as conn:
        older.payloads_as_objects(conn)
        older.stamp(conn, "0010_compact_events", 10)
        assert all(p.startswith("{") for p in conn.execute(select(events.c.payload)).scalars())
    store.close()
    with pytest.raises(StoreTooOld):
        Store(db_url)

    # when the admin upgrades it
    assert main(["db", "upgrade", "--db", db_url]) == 0

    # then the logs read as before, and the waiting run moves on, its new events as arrays
    assert f"upgraded from 0010_compact_events to {migrate.head()}" in capsys.readouterr().out
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    assert {run: engine.log(run) for run in logs} == logs
    (item,) = engine.open_item_ids(waiting)
    engine.complete_item(item, "ann")
    assert engine.run(waiting)["status"] == "completed"
    assert engine.log(waiting)[: len(logs[waiting])] == logs[waiting]
    with engine.store.read() as conn:
        last = (
            conn.execute(
                select(events.c.payload)
                .where(events.c.run_id == waiting)
                .order_by(events.c.seq.desc())
            )
            .scalars()
            .first()
        )
    assert last.startswith("[")
    engine.close()
