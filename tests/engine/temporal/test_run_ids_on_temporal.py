"""Run ids on Temporal: a run id some workflow already has is drawn again, so the start
succeeds as locally (tests/engine/runtime/test_run_ids.py)."""

from __future__ import annotations

import random
import re

from engine.runtime import triggers
from tests.engine.runtime.builders import interactive, orchestration, stage


def test_a_run_id_drawn_twice_is_drawn_again_on_temporal(tengine, monkeypatch):
    # given a run (a workflow) whose id a seeded generator drew
    tengine.activate(orchestration("ok", stage("s", interactive("approve", "user:alice"))))
    monkeypatch.setattr(triggers, "RANDOM", random.Random(99))
    first = tengine.start("ok")

    # when the next start draws the very same id first
    monkeypatch.setattr(triggers, "RANDOM", random.Random(99))
    second = tengine.start("ok")

    # then Temporal refused the taken workflow id and the run started under a fresh one
    assert second != first
    assert re.fullmatch(r"run-[0-9a-hjkmnp-tv-z]{13}", second)
    assert tengine.run(first)["status"] == tengine.run(second)["status"] == "waiting"
    assert tengine.run(second)["open_items"][0]["assignee"] == "user:alice"
