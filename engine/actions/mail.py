"""Emails: building one, writing it to the outbox folder, sending it by SMTP.

These do I/O, so the engine calls them only after a transaction has committed (DESIGN rule
10): `send_email` and assignment notices are rows of the database outbox first, and
`engine.runtime.delivery` turns committed rows into files and SMTP messages.

Without a mail server every message is written as an `.eml` file to the outbox folder
(`engine.actions.mailfiles`), so nothing is lost; with `BATON_SMTP_HOST` set it is sent by
SMTP instead (`engine.actions.smtp`), and also written to the folder when
`BATON_OUTBOX_COPY` is set to 1. Settings (environment):
`BATON_SMTP_HOST`, `BATON_SMTP_PORT` (default 25, 465 for ssl), `BATON_SMTP_TLS`
(`none`, `starttls` or `ssl`), `BATON_SMTP_USER` and `BATON_SMTP_PASSWORD` (login when set),
`BATON_SMTP_TIMEOUT` (seconds to wait for the server to connect or answer, default 15),
`BATON_MAIL_FROM`.
A message is identified by a key: writing or sending the same key again does nothing, which
makes delivery safe under the engine's at-least-once execution.
"""

from __future__ import annotations

import binascii
import os
import re
from datetime import datetime
from email import quoprimime
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import formatdate
from pathlib import Path
from typing import Any

from engine.actions import smtp

# Written and sent beside, reached from here as before.
from engine.actions.mailfiles import message_file as message_file
from engine.actions.mailfiles import write_messages as write_messages
from engine.actions.smtp import SMTP_TIMEOUT as SMTP_TIMEOUT


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


def message_bytes(
    key: str,
    *,
    to: str | list[str],
    subject: str,
    body: str,
    now: datetime,
    cc: str | None = None,
    sender: str | None = None,
) -> bytes:
    """The `.eml` bytes of the message `build_message` makes: the same bytes, made directly
    when every header is plain (bare addresses, short ASCII text) and the body is ASCII.

    The stdlib parses each header into a tree and refolds it when writing, ~0.2 ms per
    message; a worker writes one per notice. Anything out of the plain case is left to it.
    """
    sender = sender or default_sender()
    recipients = to if isinstance(to, str) else ", ".join(to)
    fast = _plain_bytes(key, recipients, cc, sender, subject, body, now)
    if fast is not None:
        return fast
    return bytes(
        build_message(key, to=to, subject=subject, body=body, now=now, cc=cc, sender=sender)
    )


# What the stdlib writes unchanged: bare addresses, words of printable ASCII (no encoded-word
# marker) separated by single spaces, and keys made of name characters.
_ADDRESSES = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+(, [A-Za-z0-9._+-]+@[A-Za-z0-9.-]+)*\Z")
_WORDS = re.compile(r"[!-~]+( [!-~]+)*\Z")
_KEY = re.compile(r"[A-Za-z0-9._-]+\Z")
_BODY = re.compile(r"[ -~\n]*\Z")
_MAX_LINE = 78  # the standard policy's max_line_length: longer headers are folded


def _plain_bytes(
    key: str,
    to: str,
    cc: str | None,
    sender: str,
    subject: str,
    body: str,
    now: datetime,
) -> bytes | None:
    if not (
        _ADDRESSES.match(to)
        and (not cc or _ADDRESSES.match(cc))
        and _ADDRESSES.match(sender)
        and _WORDS.match(subject)
        and "=?" not in subject
        and _KEY.match(key)
        and _BODY.match(body)
    ):
        return None
    headers = [("To", to)]
    if cc:
        headers.append(("Cc", cc))
    headers += [
        ("From", sender),
        ("Subject", subject),
        # The stdlib rewrites the zone of the Date it is given as "+0000".
        ("Date", formatdate(now.timestamp(), usegmt=True).removesuffix("GMT") + "+0000"),
        ("Message-ID", message_id(key)),
    ]
    if any(len(name) + 2 + len(value) > _MAX_LINE for name, value in headers):
        return None
    encoded = _plain_body(body)
    if encoded is None:
        return None
    transfer, text = encoded
    head = "".join(f"{name}: {value}\n" for name, value in headers)
    return (
        f'{head}Content-Type: text/plain; charset="utf-8"\n'
        f"Content-Transfer-Encoding: {transfer}\nMIME-Version: 1.0\n\n{text}"
    ).encode("ascii")


def _plain_body(body: str) -> tuple[str, str] | None:
    """An ASCII body as `set_content` encodes it: as is (7bit) when every line fits, else
    quoted-printable when that is no longer than base64 (base64 is left to the stdlib)."""
    lines = body.encode("ascii").splitlines()
    normal = b"\n".join(lines) + b"\n"
    if max((len(line) for line in lines), default=0) <= _MAX_LINE:
        return "7bit", normal.decode("ascii")
    # The stdlib sniffs the first ten lines to choose between the two.
    sniff = b"\n".join(lines[:10]) + b"\n"
    sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), _MAX_LINE)
    if len(sniff_qp) > len(binascii.b2a_base64(sniff)):
        return None
    if len(lines) <= 10:
        return "quoted-printable", sniff_qp
    return "quoted-printable", quoprimime.body_encode(normal.decode("latin-1"), _MAX_LINE)


def default_sender() -> str:
    """The sender of messages that name none (`BATON_MAIL_FROM`)."""
    return os.environ.get("BATON_MAIL_FROM", "baton@localhost")


def parse_message(data: bytes) -> EmailMessage:
    """A message read back from its `.eml` bytes (to send what the file holds)."""
    message = BytesParser(policy=_POLICY).parsebytes(data)
    return message  # type: ignore[return-value]


def message_id(key: str) -> str:
    """The Message-ID of the message with this key."""
    return f"<{key}@baton.local>"


def write_message(outbox: Path, key: str, message: EmailMessage | bytes) -> Path:
    """Write the message to the outbox folder once, atomically and durably (see
    `engine.actions.mailfiles.write_messages`); returns the `.eml` file.

    Raises:
        OSError: the folder cannot be written.
    """
    written = write_messages(outbox, [(key, message)])[0]
    if isinstance(written, OSError):
        raise written
    return written


def smtp_host() -> str | None:
    """The configured mail server (`BATON_SMTP_HOST`), or None for outbox only."""
    return os.environ.get("BATON_SMTP_HOST") or None


def outbox_copy() -> bool:
    """Whether messages sent by SMTP are also written to the outbox folder
    (`BATON_OUTBOX_COPY`; without a mail server the folder is where every message goes).

    Raises:
        ValueError: the variable holds something other than yes/no.
    """
    value = os.environ.get("BATON_OUTBOX_COPY", "").strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(
        f"BATON_OUTBOX_COPY={value!r} is not yes or no "
        "(set it to 1 to keep an .eml copy of every message sent by SMTP, or unset it)"
    )


_YES = frozenset(("1", "yes", "true", "on"))
_NO = frozenset(("", "0", "no", "false", "off"))


def was_sent(outbox: Path, key: str) -> bool:
    """Whether this machine already handed the message with this key to the mail server."""
    return smtp.SentJournal(outbox).contains(key)


def message_files(outbox: Path, key: str) -> list[Path]:
    """The files the outbox folder holds for the message with this key: its `.eml` file
    and the marker an earlier version left once it sent the message by SMTP (now a line of
    the sent journal, which names the row's creation time and needs no removal). `baton
    prune` removes them with the message's row."""
    files = (message_file(outbox, key), outbox / "sent" / f"{key}.sent")
    return [file for file in files if file.exists()]


def send_once(outbox: Path, key: str, message: EmailMessage, host: str) -> None:
    """Send the message by SMTP unless this machine already did, and note that it did (in
    the sent journal, synced before returning; see `engine.actions.smtp`)."""
    journal = smtp.SentJournal(outbox)
    if journal.contains(key):
        return
    send_smtp(message, host)
    journal.add(key)
    journal.sync()


def send_smtp(message: EmailMessage, host: str) -> None:
    """Send one message on a connection of its own, with the SMTP settings from the
    environment (`host` overrides `BATON_SMTP_HOST`).

    Waits at most `BATON_SMTP_TIMEOUT` seconds (default `SMTP_TIMEOUT`) for the server to
    connect and for each of its answers.

    Raises:
        OSError, smtplib.SMTPException: the server is unreachable, silent or refuses.
    """
    with smtp.Session() as session:
        session.settings = (host, *session.settings[1:])
        session.send_message(message)
