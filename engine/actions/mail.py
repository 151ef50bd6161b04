"""Writing (and optionally sending) one email, exactly once per key.

Every message is written as an `.eml` file to the outbox folder, so nothing is lost without
a mail server; with `BATON_SMTP_HOST` (and `BATON_SMTP_PORT`) set it is also sent by SMTP.
A message is identified by a key: writing or sending the same key again does nothing, which
makes delivery safe under the engine's at-least-once execution.
"""

from __future__ import annotations

import os
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path


def deliver(
    outbox: Path,
    key: str,
    *,
    to: str | list[str],
    subject: str,
    body: str,
    now: datetime,
    cc: str | None = None,
    sender: str | None = None,
) -> tuple[Path, str]:
    """Write the message for `key` to the outbox (once) and send it by SMTP if configured.

    Returns:
        The `.eml` file and the Message-ID.
    """
    outbox.mkdir(parents=True, exist_ok=True)
    file = outbox / f"{key}.eml"
    sent_marker = outbox / "sent" / f"{key}.sent"
    message = EmailMessage()
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    if cc:
        message["Cc"] = cc
    message["From"] = sender or os.environ.get("BATON_MAIL_FROM", "baton@localhost")
    message["Subject"] = subject
    message["Date"] = formatdate(now.timestamp(), usegmt=True)
    # Derived from the key alone, so a re-sent message is recognisably the same one.
    message["Message-ID"] = f"<{key}@baton.local>"
    message.set_content(body)
    if not file.exists():
        temp = file.with_suffix(".tmp")
        temp.write_bytes(bytes(message))
        os.replace(temp, file)
    host = os.environ.get("BATON_SMTP_HOST")
    if host and not sent_marker.exists():
        port = int(os.environ.get("BATON_SMTP_PORT", "25"))
        with smtplib.SMTP(host, port, timeout=30) as smtp:
            smtp.send_message(message)
        sent_marker.parent.mkdir(exist_ok=True)
        sent_marker.touch()
    return file, message["Message-ID"]
