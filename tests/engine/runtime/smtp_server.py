"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives, for tests."""

from __future__ import annotations

import email
import socket
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.sessions: list[object] = []  # per message, which connection brought it

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.original_content))
        self.sessions.append(session.peer)  # (address, port) of the client: per connection
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SmtpServer:
    """Start with `start()`; `messages` holds every message received, `stop()` ends it.

    Args:
        credentials: (user, password) the server demands, or None for no login.
    """

    def __init__(self, credentials: tuple[str, str] | None = None, port: int | None = None):
        self.inbox = _Inbox()
        self.port = port or free_port()
        self.logins: list[str] = []
        self.stopped = False
        kwargs: dict = {}
        if credentials is not None:

            def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
                ok = (
                    isinstance(auth_data, LoginPassword)
                    and (
                        auth_data.login.decode(),
                        auth_data.password.decode(),
                    )
                    == credentials
                )
                if ok:
                    self.logins.append(auth_data.login.decode())
                return AuthResult(success=ok)

            # Login over plain text is fine on loopback in a test; aiosmtpd warns about it.
            kwargs = {"authenticator": authenticate, "auth_required": True,
                      "auth_require_tls": False}  # fmt: skip
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def messages(self) -> list[Message]:
        """Messages received so far."""
        return self.inbox.messages

    @property
    def sessions(self) -> list[object]:
        """For each message received, an identity of the connection that brought it."""
        return self.inbox.sessions

    def start(self) -> SmtpServer:
        """Listen; returns self."""
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stop listening (again: nothing)."""
        if not self.stopped:
            self.stopped = True
            self.controller.stop()
