"""The designer's main window (canvas, palette, inspector and problems arrive with the designer)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from engine.definition import Orchestration, load_definition
from engine.errors import BatonError


class MainWindow(QMainWindow):
    """Top-level window holding one orchestration document."""

    def __init__(self) -> None:
        super().__init__()
        self.definition: Orchestration | None = None
        self.path: Path | None = None
        self.setWindowTitle("Baton")
        self.resize(1280, 800)
        self.setCentralWidget(QLabel("Open an orchestration to start."))

    def open_file(self, path: Path) -> bool:
        """Load a definition; on error show the loader's message and change nothing."""
        try:
            definition = load_definition(path)
        except BatonError as exc:
            QMessageBox.critical(self, "Cannot open file", str(exc))
            return False
        self.definition, self.path = definition, Path(path)
        self.setWindowTitle(f"{definition.name or definition.id} — Baton")
        return True
