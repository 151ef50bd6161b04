"""The validation controller: debounced, off the UI thread, newest state wins."""

from __future__ import annotations

import threading

import pytest
from panel_builders import contract_step, onboarding
from PySide6.QtCore import QThreadPool

from designer.document import Document
from designer.window.validation import ValidationController
from engine.definition import Position
from engine.validation import Diagnostic, validate


class CountingValidator:
    """Reports one warning naming the orchestration; counts calls (from any thread)."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, definition) -> list[Diagnostic]:
        with self._lock:
            self.calls += 1
        return [Diagnostic("warning", "named", None, "name", definition.name)]


@pytest.fixture
def pool():
    pool = QThreadPool()
    pool.setMaxThreadCount(2)
    yield pool
    pool.waitForDone(2000)


def test_a_burst_of_edits_is_validated_once(qtbot, document, pool):
    validator = CountingValidator()
    controller = ValidationController(document, validator=validator, delay_ms=50, pool=pool)

    with qtbot.waitSignal(controller.diagnostics_changed, timeout=10_000) as signal:
        for n in range(10):
            document.set_properties({"name": f"Hiring {n}"})

    assert validator.calls == 1
    assert signal.args[0][0].message == "Hiring 9"
    assert controller.diagnostics() == signal.args[0]


def test_moving_a_node_does_not_revalidate(qtbot, document, pool):
    validator = CountingValidator()
    controller = ValidationController(document, validator=validator, delay_ms=20, pool=pool)
    qtbot.waitUntil(lambda: not controller.is_pending())

    document.move_node("start", Position(x=10, y=20))

    assert not controller.is_pending()
    assert validator.calls == 1


def test_a_stale_result_never_replaces_a_newer_one(qtbot, document, pool):
    release_first = threading.Event()
    first_started = threading.Event()

    def slow_for_first_name(definition) -> list[Diagnostic]:
        if definition.name == "First":
            first_started.set()
            release_first.wait(5)
        return [Diagnostic("warning", "named", None, "name", definition.name)]

    controller = ValidationController(
        document, validator=slow_for_first_name, delay_ms=10, pool=pool
    )
    document.set_properties({"name": "First"})
    qtbot.waitUntil(first_started.is_set)  # its worker now blocks until released
    with qtbot.waitSignal(controller.diagnostics_changed, timeout=10_000):
        document.set_properties({"name": "Second"})

    release_first.set()
    pool.waitForDone(2000)
    qtbot.wait(20)  # let the stale queued result arrive, and be dropped

    assert [d.message for d in controller.diagnostics()] == ["Second"]


def test_validate_now_answers_at_once(document):
    controller = ValidationController(document, validator=CountingValidator())

    result = controller.validate_now()

    assert [d.message for d in result] == ["Employee onboarding"]
    assert not controller.is_pending()


def test_a_crashing_rule_becomes_a_diagnostic(document):
    def broken(definition):
        raise KeyError("stage")

    controller = ValidationController(document, validator=broken)

    (diagnostic,) = controller.validate_now()
    assert diagnostic.code == "validator-crashed"
    assert "KeyError" in diagnostic.message


def _real_rules_present() -> bool:
    definition = onboarding()
    definition.nodes[1].steps[0] = contract_step(assignee=None)
    return bool(validate(definition))


@pytest.mark.skipif(not _real_rules_present(), reason="engine.validation has no rules yet")
def test_real_validator_reports_a_missing_assignee(qtbot, document):
    controller = ValidationController(document, delay_ms=10)

    with qtbot.waitSignal(controller.diagnostics_changed, timeout=10_000):
        document.update_step("contract", {"assignee": None})

    codes = {(d.code, d.element) for d in controller.diagnostics()}
    assert ("missing-assignee", "contract") in codes


def test_controller_on_a_big_diagram_delivers_off_the_ui_thread(qtbot, pool):
    from panel_builders import big_definition

    seen_threads: list[int] = []

    def record_thread(definition) -> list[Diagnostic]:
        seen_threads.append(threading.get_ident())
        return [Diagnostic("error", "count", None, None, str(len(definition.steps())))]

    document = Document(big_definition(200, 10))
    controller = ValidationController(document, validator=record_thread, delay_ms=10, pool=pool)

    with qtbot.waitSignal(controller.diagnostics_changed, timeout=10_000) as signal:
        pass

    assert signal.args[0][0].message == "2000"
    assert seen_threads and seen_threads[0] != threading.get_ident()


def test_validate_now_overtakes_a_running_worker(qtbot, document, pool):
    release = threading.Event()

    def slow(definition) -> list[Diagnostic]:
        if threading.current_thread() is not threading.main_thread():
            release.wait(5)
        return [Diagnostic("warning", "named", None, "name", definition.name)]

    started = threading.Event()

    def slow_started(definition) -> list[Diagnostic]:
        started.set()
        return slow(definition)

    controller = ValidationController(document, validator=slow_started, delay_ms=1, pool=pool)
    qtbot.waitUntil(started.is_set)  # a worker is running (and blocked)
    document.set_properties({"name": "Now"})

    assert [d.message for d in controller.validate_now()] == ["Now"]
    assert not controller.is_pending()
    release.set()
    pool.waitForDone(2000)
    qtbot.wait(20)
    assert [d.message for d in controller.diagnostics()] == ["Now"]
    assert not controller.is_pending()


def test_edits_after_a_snapshot_never_reach_it(document):
    # Given a snapshot taken for the worker thread
    from designer.window.validation import snapshot
    from engine.definition import Flow, parse_step

    before = validate(document.definition)
    copy = snapshot(document.definition)
    stage = document.definition.stages()[0]
    steps_before = [s.id for s in copy.node(stage.id).steps]
    flows_before = [(f.source, f.target) for f in copy.flows]
    layout_before = dict(copy.layout)

    # When the user goes on editing the live document (steps, flows, nodes, layout)
    document.add_step(stage.id, parse_step({"id": "extra", "type": "background"}))
    document.move_step(steps_before[0], stage.id, len(steps_before))
    first_flow = document.definition.flows[0]
    document.remove_flow(first_flow.source, first_flow.target)
    document.add_flow(Flow.model_validate({"from": "start", "to": stage.id, "condition": "x"}))
    document.move_node(stage.id, Position(x=999, y=999))

    # Then the snapshot still reads as the state it was taken from
    assert [s.id for s in copy.node(stage.id).steps] == steps_before
    assert [(f.source, f.target) for f in copy.flows] == flows_before
    assert dict(copy.layout) == layout_before
    assert validate(copy) == before


def test_opening_a_file_checks_it_once(qtbot, tmp_path):
    # Given a window and a file with a problem in it
    from designer.window import MainWindow
    from engine.definition import save_definition

    definition = onboarding()
    definition.nodes[1].steps[0] = contract_step(assignee=None)
    path = tmp_path / "problem.baton.json"
    save_definition(definition, path)
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)

    # When the file is opened
    assert window.files.open_file(path)

    # Then its problems are shown at once, and no second check of the same state is queued
    controller = window.panels.validation
    assert not controller.is_pending()
    found = {(d.code, d.element) for d in controller.diagnostics()}
    assert ("missing-assignee", "contract") in found
    window.undo_stack.setClean()
