"""Emails: building one, writing it to the outbox folder, sending it by SMTP.

These do I/O, so the engine calls them only after a transaction has committed (DESIGN rule
10): `send_email` and assignment notices are rows of the database outbox first, and
`engine.runtime.delivery` turns committed rows into files and SMTP messages.

Every message is written as an `.eml` file to the outbox folder, so nothing is lost without
a mail server; with `BATON_SMTP_HOST` set it is also sent by SMTP. Settings (environment):
`BATON_SMTP_HOST`, `BATON_SMTP_PORT` (default 25, 465 for ssl), `BATON_SMTP_TLS`
(`none`, `starttls` or `ssl`), `BATON_SMTP_USER` and `BATON_SMTP_PASSWORD` (login when set),
`BATON_SMTP_TIMEOUT` (seconds to wait for the server to connect or answer, default 15),
`BATON_MAIL_FROM`.
A message is identified by a key: writing or sending the same key again does nothing, which
makes delivery safe under the engine's at-least-once execution.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from datetime import datetime
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate
from pathlib import Path
from typing import Any

from engine import tempfiles

SMTP_TIMEOUT = 15.0
"""Seconds to wait for the mail server to accept a connection or answer a command."""

_LEGACY_TEMPS = ("run-*.tmp", "notice-*.tmp")  # how earlier versions named their temp files

SWEEP_EVERY = 60.0
"""Seconds between two sweeps of one outbox folder for stale temporary files, per process.

A sweep reads the whole folder, which holds every message ever written: done for each
message, writing one would grow with the outbox. The first write of a process to a folder
always sweeps, so what a killed writer left is gone with the next process's first write."""

_swept: dict[Path, float] = {}


class _Headers(HeaderRegistry):
    """The standard header registry, remembering the class it makes for each header name.

    The stock registry builds a new class for every header it parses; a notice has eight
    or so headers, and that made building one cost most of a millisecond."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = super().__getitem__(name)
        return found


class _Policy(EmailPolicy):
    """The standard email policy (what `EmailMessage()` uses), parsing each repeated header
    once: the sender, a recipient, a step's subject and the content headers are the same
    in message after message, and parsing an address costs a few hundred microseconds."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        key = (name.lower(), value)
        if key[0] not in _REPEATED or not isinstance(value, str) or hasattr(value, "name"):
            return super().header_store_parse(name, value)
        found = _parsed.get(key)
        if found is None:
            if len(_parsed) >= _PARSED_LIMIT:
                _parsed.clear()
            found = _parsed[key] = super().header_store_parse(name, value)[1]
        return name, found


_REPEATED = frozenset(
    ("from", "to", "cc", "subject", "content-type", "content-transfer-encoding", "mime-version")
)
_PARSED_LIMIT = 2048
_parsed: dict[tuple[str, str], Any] = {}

_POLICY = _Policy(header_factory=_Headers())
"""What every message is built with: the standard policy, parsing less."""


def build_message(
    key: str,
    *,
    to: str | list[str],
    subject: str,
    body: str,
    now: datetime,
    cc: str | None = None,
    sender: str | None = None,
) -> EmailMessage:
    """The message for `key`; its Message-ID derives from the key alone."""
    message = EmailMessage(policy=_POLICY)
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    if cc:
        message["Cc"] = cc
    message["From"] = sender or os.environ.get("BATON_MAIL_FROM", "baton@localhost")
    message["Subject"] = subject
    message["Date"] = formatdate(now.timestamp(), usegmt=True)
    # Derived from the key alone, so a re-sent message is recognisably the same one.
    message["Message-ID"] = message_id(key)
    message.set_content(body)
    return message


def message_id(key: str) -> str:
    """The Message-ID of the message with this key."""
    return f"<{key}@baton.local>"


def message_file(outbox: Path, key: str) -> Path:
    """Where the message with this key is (or will be) written."""
    return outbox / f"{key}.eml"


def write_message(outbox: Path, key: str, message: EmailMessage) -> Path:
    """Write the message to the outbox folder once (atomically); returns the `.eml` file.

    Stale temporary files left by a killed or failed earlier write are removed first; a
    write that fails (a full disk) removes its own.

    Raises:
        OSError: the folder cannot be written.
    """
    file = message_file(outbox, key)
    if file.exists():
        return file
    outbox.mkdir(parents=True, exist_ok=True)
    _sweep(outbox)
    fd, temp = tempfiles.create(file)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(bytes(message))
        os.replace(temp, file)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return file


def _sweep(outbox: Path) -> None:
    now = time.monotonic()
    last = _swept.get(outbox)
    if last is None or now - last >= SWEEP_EVERY:
        tempfiles.sweep(outbox, legacy=_LEGACY_TEMPS)
        _swept[outbox] = now


def smtp_host() -> str | None:
    """The configured mail server (`BATON_SMTP_HOST`), or None for outbox only."""
    return os.environ.get("BATON_SMTP_HOST") or None


def was_sent(outbox: Path, key: str) -> bool:
    """Whether this machine already handed the message with this key to the mail server."""
    return (outbox / "sent" / f"{key}.sent").exists()


def send_once(outbox: Path, key: str, message: EmailMessage, host: str) -> None:
    """Send the message by SMTP unless this machine already did, and remember it did."""
    if was_sent(outbox, key):
        return
    send_smtp(message, host)
    marker = outbox / "sent" / f"{key}.sent"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()


def send_smtp(message: EmailMessage, host: str) -> None:
    """Send one message with the SMTP settings from the environment.

    Waits at most `BATON_SMTP_TIMEOUT` seconds (default `SMTP_TIMEOUT`) for the server to
    connect and for each of its answers.

    Raises:
        OSError, smtplib.SMTPException: the server is unreachable, silent or refuses.
    """
    tls = os.environ.get("BATON_SMTP_TLS", "none").lower()
    port = int(os.environ.get("BATON_SMTP_PORT", "465" if tls == "ssl" else "25"))
    timeout = float(os.environ.get("BATON_SMTP_TIMEOUT", SMTP_TIMEOUT))
    context = ssl.create_default_context()
    if os.environ.get("BATON_SMTP_CAFILE"):
        context.load_verify_locations(os.environ["BATON_SMTP_CAFILE"])
    smtp: smtplib.SMTP
    if tls == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if tls == "starttls":
            smtp.starttls(context=context)
        user = os.environ.get("BATON_SMTP_USER")
        if user:
            smtp.login(user, os.environ.get("BATON_SMTP_PASSWORD", ""))
        smtp.send_message(message)
