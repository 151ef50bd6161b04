"""Run ids: 65 random bits, a repeat drawn again instead of failing the start, and ids of
the older form (40 bits) still working in a database that holds them."""

from __future__ import annotations

import random
import re

import pytest

from engine.runtime import Engine, ids, triggers
from tests.engine.runtime.builders import interactive, orchestration, stage, var

NEW_FORM = re.compile(r"run-[0-9a-hjkmnp-tv-z]{13}")


@pytest.fixture
def engine(db_url, tmp_path):
    engine = Engine(db_url, outbox=tmp_path / "outbox")
    engine.add_user("ann")
    engine.activate(
        orchestration(
            "review",
            stage("checking", interactive("look", "user:ann")),
            stage("signing", interactive("sign", "user:ann")),
        )
    )
    engine.activate(
        orchestration(
            "hire",
            stage("welcome", interactive("greet", "user:ann")),
            variables=[var("name", input=True)],
            trigger={"type": "record", "object": "Employee", "on": ["created"]},
        )
    )
    yield engine
    engine.close()


def _same_draws_again(monkeypatch) -> None:
    # The same seed twice: the next run draws exactly the id the previous one drew.
    monkeypatch.setattr(triggers, "RANDOM", random.Random(1234))


def test_a_started_run_gets_a_run_id_of_65_random_bits(engine):
    run_id = engine.start("review")

    assert NEW_FORM.fullmatch(run_id), run_id
    (item,) = engine.open_item_ids(run_id)
    assert re.fullmatch(r"wi-[0-9a-hjkmnp-tv-z]{13}", item), item


def test_a_run_id_drawn_twice_is_drawn_again_and_the_start_succeeds(engine, monkeypatch):
    # given a run whose id a seeded generator drew
    _same_draws_again(monkeypatch)
    first = engine.start("review")

    # when the next start draws the very same id first
    _same_draws_again(monkeypatch)
    second = engine.start("review")

    # then it started under a fresh id, and both runs are there, each with its own item
    assert second != first and NEW_FORM.fullmatch(second)
    assert engine.run(first)["status"] == engine.run(second)["status"] == "waiting"
    assert {r["id"] for r in engine.runs()} == {first, second}
    assert len(engine.open_item_ids(first)) == len(engine.open_item_ids(second)) == 1


def test_a_run_a_record_starts_draws_again_too(engine, monkeypatch):
    _same_draws_again(monkeypatch)
    first = engine.start("review")

    _same_draws_again(monkeypatch)
    engine.create_record("Employee", {"name": "Ada"})

    hired = [r for r in engine.runs() if r["orchestration"] == "hire"]
    assert len(hired) == 1 and hired[0]["id"] != first


def test_a_run_with_an_id_of_the_older_form_keeps_working(engine, monkeypatch):
    # given a run started by an earlier release (a 40-bit id), in this database
    monkeypatch.setattr(triggers, "new_run_id", lambda: "run-0a1b2c3d4e")
    old = engine.start("review")
    monkeypatch.undo()
    assert old == "run-0a1b2c3d4e"

    # when it is worked through both its stages
    (look,) = engine.open_item_ids(old)
    engine.complete_item(look, "ann")
    (sign,) = engine.open_item_ids(old)
    engine.complete_item(sign, "ann")

    # then its items kept the older id form (what a recorded history replays to), and the
    # run completed like any other
    assert re.fullmatch(r"wi-[0-9a-f]{10}", look) and re.fullmatch(r"wi-[0-9a-f]{10}", sign)
    assert engine.run(old)["status"] == "completed"
    created = [e for e in engine.log(old) if e["type"] == "item_created"]
    assert [ids.item_id(old, e["seq"]) for e in created] == [look, sign]


def test_an_older_run_id_derives_the_same_item_ids_as_before():
    # the older release derived "wi-" and the first 10 hex digits of sha1("RUN:SEQ")
    assert ids.item_id("run-0123456789", 4) == "wi-2e674cd5b5"
