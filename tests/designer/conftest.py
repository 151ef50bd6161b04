"""Designer tests run on Qt's offscreen platform, with settings and recovery files isolated.

No test may block on a modal dialog: message boxes are answered by default (Discard for
questions) and recorded in `dialogs`; a test that cares patches its own answer.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # tests reuse benchmarks/wrapped_layout.py

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = str(tmp_path / "settings")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    monkeypatch.setenv("BATON_RECOVERY_DIR", str(tmp_path / "recovery"))
    # The Run menu opens the engine's default database; never the real user's one in tests.
    monkeypatch.setenv("BATON_DB", str(tmp_path / "baton.db"))


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every message box shown, as (kind, text); none of them blocks."""
    shown: list[tuple[str, str]] = []

    def recorder(kind: str, answer: QMessageBox.StandardButton):
        def show(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
            shown.append((kind, str(args[2]) if len(args) > 2 else ""))
            return answer

        return show

    monkeypatch.setattr(
        QMessageBox, "question", recorder("question", QMessageBox.StandardButton.Discard)
    )
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, recorder(kind, QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "about", recorder("about", QMessageBox.StandardButton.Ok))
    return shown


@pytest.fixture(scope="session", autouse=True)
def _clipboard_emptied_before_exit(qapp):
    # QClipboard owns the QMimeData we give it; if it still holds one when the interpreter
    # tears the application down, PySide6 6.11 crashes at exit (SIGSEGV after a green run).
    yield
    qapp.clipboard().clear()


@pytest.fixture(autouse=True)
def _garbage_collected_between_tests(qapp):
    # Collect each test's Qt garbage at a quiet moment (its widgets closed, deferred deletes
    # done), not whenever the collector happens to run inside a later test, perhaps while a
    # worker thread of that test is busy.
    yield
    qapp.processEvents()
    gc.collect()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Free what is left of Qt objects while the QApplication still exists.

    Objects collected after it (by the garbage collector at interpreter exit) crash the
    process on its way out, turning a green run into exit code 139.
    """
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    gc.collect()
    from designer.canvas import theme

    theme.forget_rendered()
    gc.collect()
