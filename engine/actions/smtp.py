"""Sending by SMTP: one session for all the messages of a worker's pass, kept for the next
pass while it is fresh, and a journal of what this machine has handed to the mail server.

* A session logs in once and sends every message of a pass (one connection, one greeting,
  one login, instead of one of each per message). A worker keeps it for its next pass if
  that comes within `KEEP_SECONDS`, checking it first (a look at the socket, and a NOOP
  when it has been idle for longer than `CHECK_SECONDS`); an older or broken one is
  closed and a new one opened.
* The sent journal (`sent.journal` in the outbox folder) gets one line per message the
  server accepted (its key and when its row was made), written right after its acceptance
  and synced once per pass, before the pass records the messages as sent in the database.
  A message whose record was lost (a crash, a power cut after the journal's sync) is found
  there and recorded without being sent again. Earlier versions marked each message with a
  file `sent/KEY.sent`; those are still honoured.
"""

from __future__ import annotations

import mmap
import os
import re
import select
import smtplib
import ssl
import threading
import time
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

SMTP_TIMEOUT = 15.0
"""Seconds to wait for the mail server to accept a connection or answer a command."""

KEEP_SECONDS = 30.0
"""A session idle for longer is closed rather than reused: mail servers drop idle clients
(RFC 5321 lets them after 5 minutes), and a worker with nothing to send holds nothing."""

CHECK_SECONDS = 2.0
"""A session idle for longer must answer a NOOP before it is reused."""

JOURNAL = "sent.journal"
"""The sent journal's file name in the outbox folder."""


def settings() -> tuple[str, int, str, float, str | None, str, str | None]:
    """(host, port, tls, timeout, user, password, cafile) from the environment.

    Raises:
        ValueError: a setting that cannot be used, named with its value and what it takes.
    """
    host = os.environ.get("BATON_SMTP_HOST", "")
    tls = os.environ.get("BATON_SMTP_TLS", "none").lower()
    if tls not in ("none", "starttls", "ssl"):
        raise ValueError(f"BATON_SMTP_TLS={tls!r} is not none, starttls or ssl")
    port = os.environ.get("BATON_SMTP_PORT", "465" if tls == "ssl" else "25")
    timeout = os.environ.get("BATON_SMTP_TIMEOUT", str(SMTP_TIMEOUT))
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"BATON_SMTP_PORT={port!r} is not a port number (1-65535)")
    try:
        seconds = float(timeout)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ValueError(f"BATON_SMTP_TIMEOUT={timeout!r} is not a number of seconds above 0")
    return (
        host,
        int(port),
        tls,
        seconds,
        os.environ.get("BATON_SMTP_USER") or None,
        os.environ.get("BATON_SMTP_PASSWORD", ""),
        os.environ.get("BATON_SMTP_CAFILE") or None,
    )


class Session:
    """One SMTP connection with the settings of the environment, opened at the first send.

    Raises (from `send`): OSError, smtplib.SMTPException: the server is unreachable, silent
    or refuses.
    """

    def __init__(self) -> None:
        self.settings = settings()
        self.pid = os.getpid()
        self._smtp: smtplib.SMTP | None = None
        self._used = 0.0

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self) -> smtplib.SMTP:
        host, port, tls, timeout, user, password, cafile = self.settings
        smtp: smtplib.SMTP
        if tls in ("ssl", "starttls"):
            context = ssl.create_default_context()
            if cafile:
                context.load_verify_locations(cafile)
        if tls == "ssl":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if tls == "starttls":
                smtp.starttls(context=context)
            if user:
                smtp.login(user, password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def fresh(self) -> bool:
        """Whether a kept connection may serve another pass; one that may not is closed
        (the next send opens a new connection).

        A connection used within `CHECK_SECONDS` is taken as it is unless the server has
        said something meanwhile (a server closing an idle client says goodbye first): a
        look at the socket, no round trip. An older one must answer a NOOP, and one idle for
        longer than `KEEP_SECONDS` is not tried at all."""
        if self._smtp is None:
            return True
        idle = time.monotonic() - self._used
        if idle <= KEEP_SECONDS and not _has_spoken(self._smtp):
            if idle <= CHECK_SECONDS:
                return True
            try:
                if self._smtp.noop()[0] == 250:
                    return True
            except (OSError, smtplib.SMTPException):
                pass
        self.close()
        return False

    def send(self, data: bytes, sender: str, recipients: list[str]) -> None:
        """Send one message: its bytes as written to the outbox (lines ending in `\\n`)."""
        if self._smtp is None:
            self._smtp = self._open()
        try:
            if _ascii(sender, recipients):
                self._smtp.sendmail(sender, recipients, _crlf(data))
            else:  # international addresses: the stdlib negotiates SMTPUTF8
                from engine.actions.mail import parse_message

                self._smtp.send_message(parse_message(data))
        except (OSError, smtplib.SMTPServerDisconnected):
            self.close()  # the connection is in an unknown state: the next send reconnects
            raise
        self._used = time.monotonic()

    def send_message(self, message: EmailMessage) -> None:
        """Send a built message (its own From, To and Cc)."""
        if self._smtp is None:
            self._smtp = self._open()
        self._smtp.send_message(message)
        self._used = time.monotonic()

    def close(self) -> None:
        """End the session (QUIT when the server still listens)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


_kept = threading.local()


def kept_session() -> Session:
    """This thread's session for the current settings (a worker's passes share it)."""
    found: Session | None = getattr(_kept, "session", None)
    if found is not None and (found.settings != settings() or found.pid != os.getpid()):
        if found.pid == os.getpid():
            found.close()
        found = None
    if found is None:
        found = _kept.session = Session()
    return found


def _has_spoken(connection: smtplib.SMTP) -> bool:
    """Whether the server sent something unasked (a goodbye, or the connection's end)."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def close_kept() -> None:
    """End this thread's kept session, if it has one (a worker stopping)."""
    found: Session | None = getattr(_kept, "session", None)
    _kept.session = None
    if found is not None and found.pid == os.getpid():
        found.close()


def envelope(sender: str, *fields: str | list[str] | None) -> tuple[str, list[str]]:
    """The SMTP sender and recipients of a message's From and To/Cc header values."""
    values = [", ".join(f) if isinstance(f, list) else f for f in fields if f]
    return sender, [address for _, address in getaddresses(values) if address]


def _ascii(sender: str, recipients: list[str]) -> bool:
    return "".join([sender, *recipients]).isascii()


_EOL = re.compile(rb"\r\n|\r|\n")


def _crlf(data: bytes) -> bytes:
    """SMTP's line ends (the `.eml` bytes end lines with `\\n`)."""
    return _EOL.sub(b"\r\n", data)


_sync_file = getattr(os, "fdatasync", os.fsync)  # fdatasync skips the file's times


class SentJournal:
    """What this machine handed to the mail server, by message key (see the module).

    Appends go to one file opened per pass (`add`, then `sync` once). A lookup searches the
    file (mapped, not read into memory): only a message a deliverer may have tried before
    is looked up, so a worker's memory does not grow with the mail it has sent.
    """

    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox
        self.path = str(outbox / JOURNAL)
        self._fd: int | None = None

    def contains(self, entry: str, key: str | None = None) -> bool:
        """Whether the message noted as `entry` (see `add`) was handed to the server from
        this machine; `key`: also honour an earlier version's marker file for that key."""
        line = f"{entry}\n".encode()
        try:
            with open(self.path, "rb") as file:
                if os.fstat(file.fileno()).st_size:
                    with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
                        if data[: len(line)] == line or data.find(b"\n" + line) >= 0:
                            return True
        except FileNotFoundError:
            pass
        marker = key if key is not None else entry
        return (self.outbox / "sent" / f"{marker}.sent").exists()  # an earlier version's mark

    def add(self, entry: str) -> None:
        """Note a message the server accepted (one append; made durable by `sync`).

        `entry` is the message's key, followed by what tells it from a later message given
        the same key (a notice's id can be given again once `baton prune` removed it): the
        row's creation time."""
        if self._fd is None:
            self.outbox.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        # One write of one short line: appends of several processes never interleave.
        os.write(self._fd, f"{entry}\n".encode())

    def sync(self) -> None:
        """Make the lines added so far durable, and close the file."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _sync_file(fd)
        finally:
            os.close(fd)
