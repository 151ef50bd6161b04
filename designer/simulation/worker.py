"""Running a simulation off the UI thread, with progress and a cancel that stops it early.

The simulator builds its in-memory engine where it runs (SQLite connections belong to
their thread), so the whole `simulate()` call happens on the worker thread; progress and
the result come back as queued signals.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QThread, Signal

from engine.definition import Orchestration
from engine.errors import BatonError
from engine.simulation import Scenario, SimulationProgress, simulate

log = logging.getLogger(__name__)


class SimulationThread(QThread):
    """Simulates one scenario; `cancel()` asks it to stop with partial results.

    Signals:
        progressed(SimulationProgress): now and then while it runs.
        succeeded(SimulationResult): the result (`canceled` set when stopped early).
        failed(str): the scenario or definition was refused (the error's message).
    """

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        definition: Orchestration,
        scenario: Scenario,
        source: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.definition, self.scenario, self.source = definition, scenario, source
        self._stop = threading.Event()

    def cancel(self) -> None:
        """Stop at the next step of the simulation loop (thread-safe)."""
        self._stop.set()

    def run(self) -> None:
        try:
            result = simulate(
                self.definition,
                self.scenario,
                progress=self._report,
                should_cancel=self._stop.is_set,
                source=self.source,
            )
        except BatonError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # shown as one line; the traceback goes to the log only
            log.exception("simulation failed")
            self.failed.emit(f"unexpected error: {type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)

    def _report(self, progress: SimulationProgress) -> None:
        self.progressed.emit(progress)
