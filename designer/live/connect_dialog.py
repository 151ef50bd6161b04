"""File ▸ Connect to engine…: where runs live (this database, or a Temporal runtime with the
database as its catalogue), the database (SQLite file or PostgreSQL URL), and the user.

"Test connection" opens the engine on a worker thread (a server that does not answer
must not freeze the window) and shows the outcome as one line, never a traceback. OK with
a malformed Temporal address is refused in the same line, before anything is switched.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
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

from designer.live.connection import Connection, check, describe, describe_connection
from designer.runs.formatting import ok_text_color, overdue_text_color
from engine.errors import BatonError

LOCAL, TEMPORAL = 0, 1
EXAMPLE_ADDRESS = "temporal://localhost:7233/default"


class ConnectEngineDialog(QDialog):
    """Choose the engine and the acting user; `connection` is the choice on OK.

    Args:
        current: what the window is connected to now (shown and pre-filled).
    """

    def __init__(self, current: Connection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to engine")
        self.setMinimumWidth(600)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baton-connect")
        self._future: Future[str | None] | None = None
        self._tested: Connection | None = None
        layout = QVBoxLayout(self)
        self.current_label = QLabel(f"Connected to: <b>{describe_connection(current)}</b>")
        self.current_label.setWordWrap(True)
        layout.addWidget(self.current_label)

        self.form = form = QFormLayout()
        self.runtime = QComboBox()
        self.runtime.addItems(["This database (local)", "Temporal"])
        self.runtime.setToolTip(
            "Local: runs live in the database below. Temporal: runs live on a Temporal "
            "cluster; the database keeps definitions, users and records (the catalogue)."
        )
        form.addRow("Runs on", self.runtime)
        self.address = QLineEdit(current.runtime if current.on_temporal else "")
        self.address.setPlaceholderText(EXAMPLE_ADDRESS)
        self.address.setToolTip("temporal://HOST:PORT/NAMESPACE (as baton --runtime)")
        form.addRow("Temporal address", self.address)

        self.url = QLineEdit(current.url or "")
        self.url.setPlaceholderText(f"default: {describe(None)}")
        self.url.setToolTip(
            "A SQLite file path (one desktop) or postgresql://user@host:5432/baton (a team)"
        )
        self.database_label = QLabel("Database")
        form.addRow(self.database_label, self._with_browse(self.url, self._browse_database))
        self.tls_cert = QLineEdit(current.tls_cert or "")
        self.tls_cert.setPlaceholderText("none (as baton --tls-cert)")
        cert_row = self._with_browse(self.tls_cert, self._browse_cert)
        form.addRow("TLS certificate", cert_row)
        self.tls_key = QLineEdit(current.tls_key or "")
        self.tls_key.setPlaceholderText("none (as baton --tls-key)")
        key_row = self._with_browse(self.tls_key, self._browse_key)
        form.addRow("TLS key", key_row)
        self.api_key = QLineEdit(current.api_key or "")
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText("none (as baton --api-key; kept for this session only)")
        form.addRow("API key", self.api_key)
        # Shown only with a Temporal runtime: a local engine has no use for them.
        self._temporal_rows: list[QWidget | QHBoxLayout] = [
            self.address,
            cert_row,
            key_row,
            self.api_key,
        ]
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
        for field in (self.url, self.address, self.tls_cert, self.tls_key, self.api_key):
            field.textChanged.connect(self._forget_result)
        self.user.textChanged.connect(self._update_ok)
        self.runtime.currentIndexChanged.connect(self._show_runtime_fields)
        self.runtime.setCurrentIndex(TEMPORAL if current.on_temporal else LOCAL)
        self._show_runtime_fields()
        self._update_ok()

    def _with_browse(self, field: QLineEdit, browse: object) -> QHBoxLayout:
        button = QPushButton("Browse…")
        button.clicked.connect(browse)
        row = QHBoxLayout()
        row.addWidget(field, 1)
        row.addWidget(button)
        return row

    @property
    def connection(self) -> Connection:
        """The engine and user as entered (an empty database field: the default)."""
        text = {
            name: field.text().strip() or None
            for name, field in (
                ("url", self.url),
                ("runtime", self.address),
                ("tls_cert", self.tls_cert),
                ("tls_key", self.tls_key),
                ("api_key", self.api_key),
            )
        }
        if self.runtime.currentIndex() == LOCAL:
            return Connection(text["url"], self.user.text().strip())
        return Connection(
            text["url"],
            self.user.text().strip(),
            text["runtime"] or EXAMPLE_ADDRESS,
            text["tls_cert"],
            text["tls_key"],
            text["api_key"],
        )

    def test_connection(self) -> None:
        """Open the engine as entered, off the UI thread."""
        if self._future is not None:
            return  # one test at a time; the running one reports soon
        self._tested = self.connection
        self.result.setText(f"Connecting to {describe_connection(self._tested)}…")
        self.result.setStyleSheet("")
        self.test_button.setEnabled(False)
        self._future = self._pool.submit(check, self._tested)
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
        if self._tested != self.connection:
            return  # a field changed meanwhile: that answer is about another engine
        if error is None:
            self._say(f"Connected: {describe_connection(self._tested)} works.")
        else:
            self._say(error, problem=True)

    def _say(self, text: str, problem: bool = False) -> None:
        self.result.setText(text)
        color = overdue_text_color() if problem else ok_text_color()  # readable in Dark too
        self.result.setStyleSheet(f"color: {color.name()};")

    def _forget_result(self) -> None:
        self.result.clear()

    def _show_runtime_fields(self) -> None:
        temporal = self.runtime.currentIndex() == TEMPORAL
        for row in self._temporal_rows:
            self.form.setRowVisible(row, temporal)
        self.database_label.setText("Catalogue database" if temporal else "Database")
        self._forget_result()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.user.text().strip()))

    def _browse_database(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "SQLite database", self.url.text(), "SQLite (*.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # fmt: skip
        if name:
            self.url.setText(name)

    def _browse_cert(self) -> None:
        self._browse_pem(self.tls_cert, "Client certificate")

    def _browse_key(self) -> None:
        self._browse_pem(self.tls_key, "Client key")

    def _browse_pem(self, field: QLineEdit, title: str) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, title, field.text(), "PEM files (*.pem *.crt *.key);;All files (*)"
        )
        if name:
            field.setText(name)

    def _accept(self) -> None:
        chosen = self.connection
        if not chosen.user:
            return
        try:
            chosen.address()  # a malformed address or a lone TLS file: say so, stay open
        except BatonError as exc:
            self._say(str(exc), problem=True)
            return
        self.accept()

    def done(self, result: int) -> None:
        self._poll.stop()
        # A test still connecting finishes on its own; nobody waits for it.
        self._pool.shutdown(wait=False, cancel_futures=True)
        super().done(result)
