"""The history scrubber shows exactly what the run showed at each past moment."""

from __future__ import annotations

import csv
import json

import pytest
from live_helpers import item_of, start_onboarding

from designer.live.history import RunHistoryPanel


def element_states(engine, run_id: str) -> dict[str, str]:
    """What the engine shows now: stage and step statuses."""
    run = engine.run(run_id)
    return {
        **{s["id"]: s["status"] for s in run["stages"]},
        **{s["id"]: s["status"] for s in run["steps"]},
    }


@pytest.fixture
def panel(qtbot, bridge) -> RunHistoryPanel:
    widget = RunHistoryPanel(bridge)
    qtbot.addWidget(widget)
    widget.resize(1000, 500)
    widget.show()
    return widget


@pytest.fixture
def moments(engine) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    """A run moved by several calls, with what the engine showed after each."""
    run_id = start_onboarding(engine)
    seen = []

    def remember() -> None:
        seen.append((engine.log(run_id)[-1]["seq"], element_states(engine, run_id)))

    remember()
    engine.complete_item(
        item_of(engine, run_id, "contract"),
        "alice",
        {"decision": "approve", "start_date": "2026-02-02"},
    )
    remember()
    engine.send_event("badge_printed", "Ann Lee")
    remember()
    engine.complete_item(item_of(engine, run_id, "laptop"), "bob", {"asset_tag": "LT-7"})
    remember()
    return run_id, seen


def _load(qtbot, panel: RunHistoryPanel, run_id: str, engine) -> None:
    count = len(engine.log(run_id))
    with qtbot.waitSignal(panel.moment_changed, timeout=10_000):
        panel.set_run(run_id)
    assert panel.slider.maximum() == count


def test_the_last_moment_equals_the_engines_live_state(qtbot, panel, engine, moments):
    run_id, _ = moments
    emitted = []
    panel.moment_changed.connect(emitted.append)

    _load(qtbot, panel, run_id, engine)

    assert emitted[-1] == element_states(engine, run_id)
    assert panel.slider.value() == panel.slider.maximum()
    open_items = {i["id"]: i["assignee"] for i in engine.run(run_id)["open_items"]}
    assert {k: v["assignee"] for k, v in panel.snapshot.items.items()} == open_items


def test_each_earlier_moment_equals_what_the_run_showed_then(qtbot, panel, engine, moments):
    run_id, seen = moments
    _load(qtbot, panel, run_id, engine)

    for seq, shown_then in seen:
        with qtbot.waitSignal(panel.moment_changed) as signal:
            panel.select_moment(seq)
        assert signal.args[0] == shown_then, f"after event {seq}"


def test_the_event_list_and_the_slider_select_the_same_moment(qtbot, panel, engine, moments):
    run_id, seen = moments
    _load(qtbot, panel, run_id, engine)
    seq, shown_then = seen[1]
    row = next(i for i, e in enumerate(panel.model.events) if e["seq"] == seq)

    with qtbot.waitSignal(panel.moment_changed) as signal:
        panel.table.setCurrentIndex(panel.model.index(row, 3))

    assert panel.slider.value() == row + 1 and panel.moment() == seq
    assert signal.args[0] == shown_then
    assert not panel.live_button.isChecked()


def test_a_followed_run_moves_to_its_new_moment_within_a_second(qtbot, panel, engine):
    run_id = start_onboarding(engine)
    _load(qtbot, panel, run_id, engine)

    engine.cancel(run_id, "duplicate")

    qtbot.waitUntil(lambda: panel.snapshot.status == "canceled", timeout=10_000)
    assert panel.slider.value() == len(engine.log(run_id))


def test_the_log_exports_as_csv_and_json(panel, qtbot, engine, moments, tmp_path):
    run_id, _ = moments
    _load(qtbot, panel, run_id, engine)

    csv_path = panel.export("csv", tmp_path / "log.csv")
    json_path = panel.export("json", tmp_path / "log.json")

    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert [r["event"] for r in rows] == [e["type"] for e in engine.log(run_id)]
    assert rows[0]["run"] == run_id and "employee=Ann Lee" in rows[0]["details"]
    assert json.loads(json_path.read_text()) == {"run": run_id, "events": engine.log(run_id)}


def test_an_event_sent_from_the_cli_shows_who_sent_it(qtbot, panel, engine, db_url):
    from engine.cli import main as baton

    # Given a run waiting for the badge, with HR's contract check done
    run_id = start_onboarding(engine)
    engine.complete_item(
        item_of(engine, run_id, "contract"),
        "alice",
        {"decision": "approve", "start_date": "2026-02-02"},
    )

    # When the badge system's script sends the event from the command line
    code = baton(
        ["event", "send", "badge_printed", "--key", "Ann Lee", "--as", "badges", "--db", db_url]
    )
    assert code == 0

    # Then the history names the sender of the delivery, and no row has a blank actor
    # (what the engine did on its own says so)
    _load(qtbot, panel, run_id, engine)
    rows = [
        [panel.model.index(row, column).data() for column in range(5)]
        for row in range(panel.model.rowCount())
    ]
    assert any(actor == "badges" and "badge_printed" in details for _, _, actor, _, details in rows)
    assert all(actor for _, _, actor, _, _ in rows)
    assert {"alice", "badges", "engine"} <= {actor for _, _, actor, _, _ in rows}


def test_a_message_file_in_the_home_folder_reads_from_a_tilde(
    qtbot, panel, engine, tmp_path, monkeypatch
):
    # Given a run that sent its welcome email into an outbox under the user's home
    monkeypatch.setenv("HOME", str(tmp_path))
    engine.outbox = tmp_path / ".local" / "share" / "baton" / "outbox"
    run_id = start_onboarding(engine)
    answers = [
        ("contract", "alice", {"decision": "approve", "start_date": "2026-02-02"}),
        ("laptop", "bob", {"asset_tag": "LT-7"}),
        ("accounts", "dan", {}),
        ("plan", "manager", {"buddy": "Rita"}),
    ]
    for step, user, outputs in answers:
        if step == "laptop":
            engine.send_event("badge_printed", "Ann Lee")
        engine.complete_item(item_of(engine, run_id, step), user, outputs)
    assert engine.run(run_id)["status"] == "completed"

    # When its history is shown
    _load(qtbot, panel, run_id, engine)

    # Then the email step's details name the file from ~, not the full home path
    details = [panel.model.index(row, 4).data() for row in range(panel.model.rowCount())]
    sent = next(d for d in details if "message_file=" in d)
    assert "message_file=~/.local/share/baton/outbox/" in sent
    assert str(tmp_path) not in sent
