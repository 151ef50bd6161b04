"""`RunMonitor`: the selected run, live on the diagram, and at any past moment.

Wiring only: the run the runs panel selects is loaded through the engine bridge (off the
UI thread), replayed from its log (engine.runtime.replay, the same fold the history
panel uses) and painted by a `RunOverlay`. New events of that run arrive through the
bridge's change feed (a poll every ~300 ms, any writer: this window, another one, the CLI,
a worker) and are folded in; only the elements whose look changed repaint. When the history
scrubber points at a past moment, the overlay shows that moment and stays there until the
scrubber follows live again. The monitor never touches the document or the undo stack.

In the main window::

    self.monitor = RunMonitor(self.scene, bridge, runs_panel, history_panel)
    self.monitor.work_item_requested.connect(inbox.open_item)
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance

from designer.canvas.overlay import OverlayState, RunOverlay, state_of_log
from designer.canvas.scene import DiagramScene
from designer.live.bridge import EngineBridge
from designer.live.runs_model import subject
from designer.runs.moments import RunSnapshot
from engine.runtime.plan import Plan
from engine.runtime.protocol import RunEngine

AGE_REFRESH_MS = 30_000  # "waiting 2 h" labels move on even when nothing else happens


class RunSource(Protocol):
    """What the monitor needs from a runs panel."""

    run_selected: SignalInstance


class MomentSource(Protocol):
    """What the monitor needs from a history panel (RunHistoryPanel)."""

    snapshot_changed: SignalInstance
    run_id: str | None
    snapshot: RunSnapshot


def load_run(engine: RunEngine, run_id: str) -> tuple[list[dict[str, Any]], Plan, str]:
    """A run's log, the definition version it runs, and a title saying who it is about."""
    events = engine.log(run_id)
    run = engine.run(run_id)
    with engine.store.read() as conn:
        plan = engine.plan(run["orchestration"], run["version"], conn)
    about = subject(run)
    title = f"{about} · " if about else ""
    name = plan.definition.name or plan.definition.id
    return events, plan, f"{title}{name} · {run_id}"


class RunMonitor(QObject):
    """Keeps a `RunOverlay` on `scene` in step with the selected run.

    Args:
        scene: the diagram scene to paint on.
        bridge: the engine bridge (loads, change feed, clock).
        runs_panel: emits `run_selected(str)`; None to call `show_run` yourself.
        history_panel: emits `snapshot_changed(RunSnapshot)` as its scrubber moves.

    Signals:
        work_item_requested(str): a waiting step was double-clicked; its open item's id.
        shown(str): the overlay now shows this run (after loading it).
    """

    work_item_requested = Signal(str)
    shown = Signal(str)

    def __init__(
        self,
        scene: DiagramScene,
        bridge: EngineBridge,
        runs_panel: RunSource | None = None,
        history_panel: MomentSource | None = None,
    ) -> None:
        super().__init__(scene)
        self._scene = scene
        self.bridge = bridge
        self.overlay = RunOverlay(scene)
        self.history_panel = history_panel
        self.run_id: str | None = None
        self.pinned: int | None = None  # the seq the scrubber holds; None follows live
        self._events: list[dict[str, Any]] = []
        self._plan: Plan | None = None
        self.overlay.work_item_requested.connect(self.work_item_requested)
        bridge.events_appended.connect(self._events_appended)
        if runs_panel is not None:
            runs_panel.run_selected.connect(self.show_run)
        if history_panel is not None:
            history_panel.snapshot_changed.connect(self._moment_changed)
        self._ages = QTimer(self, interval=AGE_REFRESH_MS)
        self._ages.timeout.connect(self._refresh_ages)
        self._ages.start()

    @property
    def last_seq(self) -> int:
        """The newest event of the shown run the monitor has seen."""
        return self._events[-1]["seq"] if self._events else 0

    def show_run(self, run_id: str | None) -> None:
        """Load a run and colour the diagram with it (None or "" clears)."""
        self.run_id, self.pinned = run_id or None, None
        self._events, self._plan = [], None
        if not run_id:
            self.overlay.clear()
            return

        def loaded(result: tuple[list[dict[str, Any]], Plan, str]) -> None:
            if run_id != self.run_id:
                return  # another run was selected meanwhile
            events, self._plan, self.overlay.title = result
            self._merge(events)
            self._show_live()
            self.shown.emit(run_id)

        self.bridge.submit(lambda engine: load_run(engine, run_id), loaded)

    def clear(self) -> None:
        """Back to design mode."""
        self.show_run(None)

    def stop(self) -> None:
        """Stop following (the window is closing): no timer may paint a deleted view."""
        self._ages.stop()
        self.run_id, self._plan = None, None

    # --- keeping up -------------------------------------------------------------------------

    def _merge(self, events: list[dict[str, Any]]) -> None:
        last = self.last_seq
        self._events.extend(e for e in events if e["seq"] > last)

    def _events_appended(self, run_id: str, events: list) -> None:
        if run_id != self.run_id or self._plan is None:
            return
        self._merge(events)
        if self.pinned is None:
            self._show_live()

    def _show_live(self) -> None:
        state = state_of_log(self._events, self._plan, now=self.bridge.now())
        self.overlay.apply(state)

    def _refresh_ages(self) -> None:
        if not self._scene.views():
            # The view (and the legend living on it) is gone: nothing left to repaint.
            self._ages.stop()
            return
        if self.run_id and self._plan is not None and self.pinned is None:
            self._show_live()

    def _moment_changed(self, snapshot: RunSnapshot) -> None:
        panel = self.history_panel
        if panel is None or panel.run_id != self.run_id or self._plan is None:
            return
        if snapshot.seq >= self.last_seq:
            self.pinned = None
            self._show_live()
            return
        self.pinned = snapshot.seq
        self.overlay.apply(OverlayState.from_snapshot(snapshot, self._events))
