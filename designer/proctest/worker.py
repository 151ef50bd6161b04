"""Running a tests file off the UI thread (each scenario builds its own in-memory engine,
whose SQLite connections belong to the thread that made them)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from engine.definition import Orchestration
from engine.errors import BatonError
from engine.proctest import run_file

log = logging.getLogger(__name__)


class ProcessTestThread(QThread):
    """Runs every scenario of one tests file against a definition.

    Signals:
        succeeded(FileResult): the scenarios' results and the coverage.
        failed(str): the tests file or definition was refused (one line, as the CLI says it).
    """

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(
        self, tests_path: Path, definition: Orchestration, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.tests_path = tests_path
        self.definition = definition

    def run(self) -> None:
        try:
            result = run_file(self.tests_path, definition=self.definition)
        except BatonError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # one line for the user; the traceback goes to the log only
            log.exception("process tests failed")
            self.failed.emit(f"unexpected error: {type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)
