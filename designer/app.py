"""Starting the designer application."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication


def run(file: Path | None = None) -> int:
    """Create the application and main window, open `file` if given, run the event loop."""
    from designer.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Baton")
    app.setOrganizationName("Baton")
    window = MainWindow()
    if file is not None:
        window.open_file(file)
    window.show()
    return app.exec()
