"""How the designer canvas scales: open, repaint, edit and pan on generated diagrams.

Runs offscreen. For 200 stages / 2,000 steps it measures opening the file into the window
(load + build every item + fit), one full repaint of the fitted view, and single edits
(move a step, rename a step) including re-validation and the repaint that shows them. It
then opens 1,000 stages / 10,000 steps and pans across it. Ends with the lines
`open_s: X`, `repaint_ms: X`, `edit_ms: X` for the 2,000-step case.

With `--steps N` it instead opens a diagram of N steps (10 per stage, 30 stages a row) and,
in the same run, one of N/4 steps as the peer. For each it prints:

- open: wall and CPU seconds from reading the file to the first painted frame, and the CPU
  spent routing connectors (linear when routing is right: 4x the steps, about 4x the time);
- repaint: one frame of the fitted view, median wall and CPU milliseconds;
- edit: renaming a step and moving a step at 100 % zoom (the minimap showing), measured
  until the debounced re-validation has delivered and the minimap is redrawn. The figure
  is the longest time the event loop could not run (a 5 ms ticker's longest gap, wall),
  next to the most CPU the UI thread spent within one such gap (what the freeze is on an
  idle machine) and the CPU the UI thread spent in all (re-validation runs on a worker).

and ends with `open_s`, `edit_ms` (longest freeze) and `repaint_ms` of the N-step diagram.

    .venv/bin/python benchmarks/canvas_scale.py [--steps N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.synthetic import generate
from benchmarks.wrapped_layout import wrap_layout
from designer.canvas import routing
from designer.commands import MoveStepCommand, UpdateStepCommand
from designer.window import MainWindow
from engine.definition import save_definition
from engine.validation import validate


def _open(window: MainWindow, path: Path) -> float:
    started = time.perf_counter()
    assert window.files.open_file(path)
    QApplication.processEvents()  # the deferred fit and the first paint
    window.view.viewport().repaint()
    return time.perf_counter() - started


def _repaint_ms(window: MainWindow, rounds: int = 10) -> float:
    viewport = window.view.viewport()
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        viewport.repaint()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _edit_ms(window: MainWindow, make_command, rounds: int = 10) -> float:
    timings = []
    for i in range(rounds):
        started = time.perf_counter()
        window.undo_stack.push(make_command(i))
        window.apply_diagnostics(validate(window.document.definition))
        QApplication.processEvents()
        window.view.viewport().repaint()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


class _RoutingClock:
    """CPU seconds spent in `FlowRouter.route` while installed."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._route = routing.FlowRouter.route
        clock = self

        def timed(router, item):  # type: ignore[no-untyped-def]
            began = time.process_time()
            try:
                clock._route(router, item)
            finally:
                clock.spent += time.process_time() - began

        routing.FlowRouter.route = timed  # type: ignore[method-assign]


def _repaint_cpu_ms(window: MainWindow, rounds: int = 5) -> tuple[float, float]:
    """Median (wall, CPU) milliseconds of one full repaint of the view."""
    viewport = window.view.viewport()
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.thread_time()
        viewport.repaint()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.thread_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def _edit_until_settled(window: MainWindow, command) -> tuple[float, float, float]:
    """Push an edit, repaint, and run the event loop until re-validation and the minimap
    caught up. Returns, in milliseconds: the longest event-loop gap (wall), the most CPU the
    UI thread spent inside one gap, and the UI thread's CPU in all."""
    validation, minimap = window.panels.validation, window.view.minimap
    loop = QEventLoop()
    last = [time.perf_counter(), time.thread_time()]
    longest = [0.0, 0.0]
    deadline = time.perf_counter() + 120  # a hang guard, far above any real figure

    def tick() -> None:
        now, cpu_now = time.perf_counter(), time.thread_time()
        longest[0] = max(longest[0], now - last[0])
        longest[1] = max(longest[1], cpu_now - last[1])
        last[:] = [now, cpu_now]
        settled = not validation.is_pending() and not minimap.is_pending()
        if settled or now > deadline:
            loop.quit()

    ticker = QTimer(interval=5)
    ticker.timeout.connect(tick)
    ticker.start()
    cpu = time.thread_time()
    last[:] = [time.perf_counter(), cpu]
    window.undo_stack.push(command)
    QApplication.processEvents()
    window.view.viewport().repaint()
    tick()
    loop.exec()
    ticker.stop()
    return longest[0] * 1000, longest[1] * 1000, (time.thread_time() - cpu) * 1000


def _open_scaled(
    window: MainWindow, folder: Path, steps: int, clock: _RoutingClock
) -> tuple[float, float, float]:
    path = folder / f"synthetic_{steps}.baton.json"
    save_definition(wrap_layout(generate(max(steps // 10, 1), 10), per_row=30), path)
    window.undo_stack.setClean()
    clock.spent = 0.0
    began = time.process_time()
    wall = _open(window, path)
    cpu = time.process_time() - began
    QApplication.processEvents()
    time.sleep(0.5)  # the deferred minimap and re-validation timers are due
    QApplication.processEvents()
    repaint_wall, repaint_cpu = _repaint_cpu_ms(window)
    stage = window.document.definition.stages()[len(window.document.definition.stages()) // 2]
    step_id, other = stage.steps[2].id, stage.steps[-1].id
    window.view.set_zoom(1.0)
    window.view.center_on_key(stage.id)
    QApplication.processEvents()
    document = window.document
    freezes, busy, cpus = [], [], []
    for i in range(3):
        for command in (
            UpdateStepCommand(document, step_id, {"name": f"Renamed {i}"}),
            MoveStepCommand(document, other, stage.id, i % 3),
        ):
            freeze, longest_cpu, edit_cpu = _edit_until_settled(window, command)
            freezes.append(freeze)
            busy.append(longest_cpu)
            cpus.append(edit_cpu)
    freeze = statistics.median(freezes)
    print(
        f"{steps:,} steps: open {wall:.2f} s wall, {cpu:.2f} s CPU (routing {clock.spent:.3f} s);"
        f" repaint {repaint_wall:.1f} ms wall, {repaint_cpu:.1f} ms CPU;"
        f" edit incl. re-validation: longest freeze {freeze:.0f} ms wall"
        f" (worst {max(freezes):.0f}), {statistics.median(busy):.0f} ms UI-thread CPU"
        f" (worst {max(busy):.0f}), UI-thread CPU in all {statistics.median(cpus):.0f} ms"
    )
    window.view.fit()
    return wall, freeze, repaint_wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, help="open a diagram of this many steps only")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="baton-bench-"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        # Keep the user's recent files and window layout out of the benchmark.
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder / "settings"))
    window = MainWindow(recovery_dir=folder / "recovery")
    window.resize(1600, 1000)
    window.show()
    QApplication.processEvents()
    if args.steps:
        clock = _RoutingClock()
        print("the machine may be shared: compare the lines of one run, CPU before wall")
        for steps in (args.steps // 4, args.steps):
            open_s, edit_ms, repaint_ms = _open_scaled(window, folder, steps, clock)
        window.undo_stack.setClean()
        window.close()
        print(f"open_s: {open_s:.3f}")
        print(f"edit_ms: {edit_ms:.1f}")
        print(f"repaint_ms: {repaint_ms:.1f}")
        return

    path = folder / "synthetic_2000.baton.json"
    save_definition(wrap_layout(generate(200, 10)), path)
    open_s = _open(window, path)
    nodes, cards, flows = window.scene.counts()
    print(f"2,000 steps: {nodes} nodes, {cards} step cards, {flows} flows")
    repaint_fit = _repaint_ms(window)
    window.view.set_zoom(1.0)
    window.view.center_on_key("stage_100")
    repaint_100 = _repaint_ms(window)
    window.view.fit()
    document = window.document
    move_ms = _edit_ms(
        window, lambda i: MoveStepCommand(document, "stage_100_02", "stage_100", (i + 3) % 9)
    )
    rename_ms = _edit_ms(
        window, lambda i: UpdateStepCommand(document, "stage_100_04", {"name": f"Renamed {i}"})
    )
    print(f"repaint fitted view: {repaint_fit:.1f} ms, at 100 %: {repaint_100:.1f} ms")
    print(f"move a step: {move_ms:.1f} ms, rename a step: {rename_ms:.1f} ms (incl. validation)")

    big = folder / "synthetic_10000.baton.json"
    save_definition(wrap_layout(generate(1000, 10), per_row=30), big)
    window.undo_stack.setClean()
    big_open_s = _open(window, big)
    big_fit = _repaint_ms(window, 5)
    window.view.set_zoom(0.5)
    view = window.view
    pans = []
    for _ in range(20):
        started = time.perf_counter()
        view.pan_by(400, 150)
        view.viewport().repaint()
        pans.append((time.perf_counter() - started) * 1000)
    print(
        f"10,000 steps: open {big_open_s:.2f} s, fitted repaint {big_fit:.1f} ms, "
        f"pan frame at 50 %: {statistics.median(pans):.1f} ms"
    )
    window.undo_stack.setClean()
    window.close()
    app.processEvents()
    print(f"open_s: {open_s:.3f}")
    print(f"repaint_ms: {repaint_fit:.1f}")
    print(f"edit_ms: {max(move_ms, rename_ms):.1f}")


if __name__ == "__main__":
    main()
