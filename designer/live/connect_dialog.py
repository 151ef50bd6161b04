"""File ▸ Connect to engine…: pick the database (SQLite file or PostgreSQL URL) and the user.

"Test connection" opens an engine on a worker thread (a PostgreSQL server that does not
answer must not freeze the window) and shows the outcome as one line, never a traceback.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.live.connection import Connection, check, describe


class ConnectEngineDialog(QDialog):
    """Choose the engine database and the acting user; `connection` is the choice on OK.

    Args:
        current: what the window is connected to now (shown and pre-filled).
    """

    def __init__(self, current: Connection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to engine")
        self.setMinimumWidth(560)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baton-connect")
        self._future: Future[str | None] | None = None
        self._tested_url: str | None = None
        layout = QVBoxLayout(self)
        self.current_label = QLabel(f"Connected to: <b>{describe(current.url)}</b>")
        self.current_label.setWordWrap(True)
        layout.addWidget(self.current_label)

        form = QFormLayout()
        self.url = QLineEdit(current.url or "")
        self.url.setPlaceholderText(f"default: {describe(None)}")
        self.url.setToolTip(
            "A SQLite file path (one desktop) or postgresql://user@host:5432/baton (a team)"
        )
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.url, 1)
        row.addWidget(browse)
        form.addRow("Database", row)
        self.user = QLineEdit(current.user)
        self.user.setToolTip("Who this desktop acts as (the engine checks their role)")
        form.addRow("Act as", self.user)
        layout.addLayout(form)

        test_row = QHBoxLayout()
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        test_row.addWidget(self.test_button)
        self.result = QLabel()
        self.result.setWordWrap(True)
        test_row.addWidget(self.result, 1)
        layout.addLayout(test_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._poll = QTimer(self, interval=50)
        self._poll.timeout.connect(self._collect)
        self.url.textChanged.connect(self._forget_result)
        self.user.textChanged.connect(self._update_ok)
        self._update_ok()

    @property
    def connection(self) -> Connection:
        """The database and user as entered (an empty database field: the default)."""
        return Connection(self.url.text().strip() or None, self.user.text().strip())

    def test_connection(self) -> None:
        """Open an engine on the entered database, off the UI thread."""
        if self._future is not None:
            return  # one test at a time; the running one reports soon
        self._tested_url = self.connection.url
        self.result.setText(f"Connecting to {describe(self._tested_url)}…")
        self.result.setStyleSheet("")
        self.test_button.setEnabled(False)
        self._future = self._pool.submit(check, self._tested_url)
        self._poll.start()

    def testing(self) -> bool:
        """Whether a connection test is still running."""
        return self._future is not None

    def _collect(self) -> None:
        # Polled rather than signalled: the worker is a plain thread with no Qt objects.
        if self._future is None or not self._future.done():
            return
        self._poll.stop()
        try:
            error = self._future.result()
        except Exception as exc:  # check() catches what opening raises; this is a last guard
            error = f"{type(exc).__name__}: {exc}"
        self._future = None
        self.test_button.setEnabled(True)
        if self._tested_url != self.connection.url:
            return  # the field changed meanwhile: that answer is about another database
        if error is None:
            self.result.setText(f"Connected: {describe(self._tested_url)} works.")
            self.result.setStyleSheet("color: #188038;")
        else:
            self.result.setText(error)
            self.result.setStyleSheet("color: #c5221f;")

    def _forget_result(self) -> None:
        self.result.clear()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.user.text().strip()))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "SQLite database", self.url.text(), "SQLite (*.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # fmt: skip
        if name:
            self.url.setText(name)

    def _accept(self) -> None:
        if self.connection.user:
            self.accept()

    def done(self, result: int) -> None:
        self._poll.stop()
        # A test still connecting finishes on its own; nobody waits for it.
        self._pool.shutdown(wait=False, cancel_futures=True)
        super().done(result)
