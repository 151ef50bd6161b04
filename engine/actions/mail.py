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

import binascii
import os
import re
import smtplib
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from email import quoprimime
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.parser import BytesParser
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
    sender = sender or os.environ.get("BATON_MAIL_FROM", "baton@localhost")
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


def parse_message(data: bytes) -> EmailMessage:
    """A message read back from its `.eml` bytes (to send what the file holds)."""
    message = BytesParser(policy=_POLICY).parsebytes(data)
    return message  # type: ignore[return-value]


def message_id(key: str) -> str:
    """The Message-ID of the message with this key."""
    return f"<{key}@baton.local>"


def message_file(outbox: Path, key: str) -> Path:
    """Where the message with this key is (or will be) written."""
    return outbox / f"{key}.eml"


def write_message(outbox: Path, key: str, message: EmailMessage | bytes) -> Path:
    """Write the message to the outbox folder once, atomically and durably (see
    `write_messages`); returns the `.eml` file.

    Raises:
        OSError: the folder cannot be written.
    """
    written = write_messages(outbox, [(key, message)])[0]
    if isinstance(written, OSError):
        raise written
    return written


def write_messages(
    outbox: Path, messages: list[tuple[str, EmailMessage | bytes]]
) -> list[Path | OSError]:
    """Write each message to the outbox folder once; returns its `.eml` file, or the error
    that kept it from being written, in the order given.

    A message already there is left as it is. A new one is written to a temporary file that
    reaches the disk before it takes its name, and the folder is synced once at the end: a
    file returned survives a power cut, and a file under its final name is always whole.
    The files' syncs run side by side (the disk then completes them together), so a batch
    costs about two waits for the disk, not one per message.

    Stale temporary files left by a killed or failed earlier write are removed first; a
    write that fails (a full disk) removes its own.
    """
    if not messages:
        return []
    results: list[Path | OSError] = []
    started: list[tuple[int, int, Path, Path]] = []  # (result index, fd, temporary, target)
    try:
        outbox.mkdir(parents=True, exist_ok=True)
        _sweep(outbox)
    except OSError as exc:
        return [exc for _ in messages]
    for key, message in messages:
        file = message_file(outbox, key)
        if file.exists():
            results.append(file)
            continue
        temp: Path | None = None
        try:
            fd, temp = tempfiles.create(file)
            started.append((len(results), fd, temp, file))
            _write_all(fd, message if isinstance(message, bytes) else bytes(message))
            results.append(file)
        except OSError as exc:
            if started and started[-1][2] == temp:
                _discard(started.pop())
            results.append(exc)
    for index, error in _sync_all([fd for _, fd, _, _ in started]):
        results[started[index][0]] = error
    for position, fd, temp, file in started:
        os.close(fd)
        if isinstance(results[position], OSError):
            temp.unlink(missing_ok=True)
            continue
        try:
            os.replace(temp, file)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            results[position] = exc
    # Also when every file was there already: its writer may have stopped before syncing
    # the folder, and the caller is about to record the message as delivered.
    if any(isinstance(r, Path) for r in results):
        try:
            _sync_folder(outbox)
        except OSError as exc:
            results = [exc if isinstance(r, Path) else r for r in results]
    return results


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _discard(started: tuple[int, int, Path, Path]) -> None:
    _, fd, temp, _ = started
    os.close(fd)
    temp.unlink(missing_ok=True)


_sync_file = getattr(os, "fdatasync", os.fsync)  # fdatasync skips the file's times
_syncers: tuple[int, ThreadPoolExecutor] | None = None  # (the process it serves, the pool)


def _sync_all(fds: list[int]) -> list[tuple[int, OSError]]:
    """Sync the files; returns (position, error) for those that failed."""
    global _syncers
    if len(fds) == 1:
        try:
            _sync_file(fds[0])
        except OSError as exc:
            return [(0, exc)]
        return []
    # A forked child inherits the pool but not its threads: it makes its own.
    if _syncers is None or _syncers[0] != os.getpid():
        pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="baton-sync")
        _syncers = (os.getpid(), pool)
    failed = []
    for position, error in enumerate(_syncers[1].map(_try_sync, fds)):
        if error is not None:
            failed.append((position, error))
    return failed


def _try_sync(fd: int) -> OSError | None:
    try:
        _sync_file(fd)
    except OSError as exc:
        return exc
    return None


def _sync_folder(folder: Path) -> None:
    """Make the names given in `folder` durable (POSIX; Windows keeps them with the file)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


def message_files(outbox: Path, key: str) -> list[Path]:
    """The files the outbox folder holds for the message with this key: its `.eml` file
    and, once this machine sent it by SMTP, the marker `was_sent` reads. `baton prune`
    removes them with the message's row."""
    files = (message_file(outbox, key), outbox / "sent" / f"{key}.sent")
    return [file for file in files if file.exists()]


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
