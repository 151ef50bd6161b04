"""Nothing leaves a process test: no email file, no SMTP connection, no database file."""

from __future__ import annotations

import socket
import tempfile
import threading

from tests.engine.proctest.helpers import EXAMPLES


class _CountingServer:
    """A real TCP listener on loopback that counts who connects (an SMTP server stand-in)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def test_tests_that_send_emails_deliver_nothing(baton, tmp_path, monkeypatch):
    # Given a mail server configured, an outbox folder, and temp files kept in tmp_path
    server = _CountingServer()
    monkeypatch.setenv("BATON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BATON_SMTP_PORT", str(server.port))
    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("BATON_DB", str(tmp_path / "live.db"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    try:
        # When the deal-desk tests run (their approvals email the deal owner)
        result = baton("test", EXAMPLES / "deal_desk_approval.tests.json")
    finally:
        server.close()
    # Then they pass, and no message was written, sent, or stored in a database file
    assert result.code == 0, result.out
    assert server.connections == 0
    assert not (tmp_path / "outbox").exists()
    assert list((tmp_path / "tmp").rglob("*")) == []
    assert not (tmp_path / "live.db").exists()
