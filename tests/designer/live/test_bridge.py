"""The engine bridge: calls off the UI thread, refusals as messages, changes as signals."""

from __future__ import annotations

import threading

from live_helpers import start_onboarding


def test_engine_calls_run_on_the_worker_thread_and_results_come_back(qtbot, bridge):
    seen = {}

    def work(engine):
        seen["thread"] = threading.current_thread()
        return len(engine.definitions())

    results = []
    bridge.submit(work, results.append)

    qtbot.waitUntil(lambda: results == [1], timeout=10_000)
    assert seen["thread"] is not threading.main_thread()


def test_a_refusal_arrives_as_its_message_without_a_traceback(qtbot, bridge):
    with qtbot.waitSignal(bridge.error_occurred, timeout=10_000) as signal:
        bridge.submit(lambda engine: engine.cancel("run-nope", "why"))

    assert signal.args == ["no run with id 'run-nope' (list runs with `baton runs`)"]


def test_a_change_made_by_another_engine_is_signalled_within_a_second(qtbot, bridge, engine):
    with qtbot.waitSignals([bridge.runs_changed, bridge.items_changed], timeout=10_000):
        run_id = start_onboarding(engine)

    with qtbot.waitSignal(bridge.run_changed, timeout=10_000) as signal:
        engine.pause(run_id)
    assert signal.args == [run_id]


def test_nothing_is_signalled_while_nothing_changes(qtbot, bridge, engine):
    start_onboarding(engine)
    qtbot.wait(400)  # the run's own change has been reported by now
    changes = []
    bridge.run_changed.connect(changes.append)

    qtbot.wait(500)

    assert changes == []


def test_an_answer_for_a_widget_closed_meanwhile_is_dropped(qtbot, bridge):
    import shiboken6
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    label.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(label))  # C++ gone, Python wrapper kept
    answered = []

    bridge.submit(lambda engine: "late", label.setText)
    bridge.submit(lambda engine: "next", answered.append)

    qtbot.waitUntil(lambda: answered == ["next"], timeout=10_000)


def test_the_ui_keeps_running_while_a_slow_engine_call_works(qtbot, bridge):
    import time

    from PySide6.QtCore import QTimer

    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    done = []

    bridge.submit(lambda engine: time.sleep(0.4) or "slow", done.append)  # a long action

    qtbot.waitUntil(lambda: done == ["slow"], timeout=10_000)
    timer.stop()
    assert len(ticks) >= 10  # the UI thread ticked all along


def test_a_database_that_cannot_be_opened_is_reported_once(qtbot, tmp_path):
    from designer.live.bridge import EngineBridge

    folder = tmp_path / "a-folder"
    folder.mkdir()
    messages = []
    broken = EngineBridge(f"sqlite:///{folder}", poll_ms=100)
    broken.error_occurred.connect(messages.append)
    try:
        qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
        # the store's own one-line fault: which database, what is wrong, what to do
        assert messages[0].startswith(f"the database {folder} is a folder, not a database file")
        assert not broken.is_ready()
    finally:
        broken.close()
