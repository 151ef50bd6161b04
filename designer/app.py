"""Starting the designer application."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def run(file: Path | None = None, *, screenshot: Path | None = None) -> int:
    """Create the application and main window, open `file` if given, run the event loop.

    With `screenshot`, the window is shown, saved as a PNG once it has painted, and the
    application exits: a smoke test that works on a virtual screen too.
    """
    from designer.window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Baton")
    app.setOrganizationName("Baton")
    from designer.canvas import theme

    theme.follow_system()  # the canvas follows a dark desktop (View ▸ Theme may override)
    window = MainWindow()  # its View ▸ Theme follows the desktop's later changes
    if file is not None and not window.files.open_file(file):
        return 2
    window.show()
    if screenshot is None:
        # Unsaved work left by a session that crashed is offered back once the window is up.
        QTimer.singleShot(0, window.files.offer_recovery)
    else:

        def capture() -> None:
            ok = window.grab().save(str(screenshot))
            print(f"saved {screenshot}" if ok else f"could not write {screenshot}")
            app.exit(0 if ok else 1)

        QTimer.singleShot(500, capture)
    code = app.exec()
    # The clipboard owns the QMimeData of a copy; emptied now, it cannot crash the teardown.
    app.clipboard().clear()
    return code
