"""Which engine database the designer uses and who it acts as, remembered per user.

`BATON_DB` / `BATON_USER` win over what File ▸ Connect to engine… remembered, so a window
started from a shell (or a test) goes where the environment says, as the CLI does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QSettings
from sqlalchemy.engine import make_url

from designer.runs.formatting import operator_name
from engine.runtime import Engine
from engine.store.store import DB_ENV, resolve_db_url

URL_KEY = "engine/url"
USER_KEY = "engine/user"


@dataclass(frozen=True)
class Connection:
    """A database (None: the engine's default SQLite file) and the acting user."""

    url: str | None
    user: str


def remembered() -> Connection:
    """What was chosen last, without the environment's overrides."""
    settings = QSettings()
    url = str(settings.value(URL_KEY, "") or "") or None
    user = str(settings.value(USER_KEY, "") or "") or operator_name()
    return Connection(url, user)


def remember(connection: Connection) -> None:
    """Keep the choice for the next start (QSettings: per user, per machine)."""
    settings = QSettings()
    settings.setValue(URL_KEY, connection.url or "")
    settings.setValue(USER_KEY, connection.user)


def at_startup() -> Connection:
    """The environment if it names a database or user, else the remembered choice."""
    chosen = remembered()
    url = os.environ.get(DB_ENV) or chosen.url
    user = os.environ.get("BATON_USER") or chosen.user
    return Connection(url, user)


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as a desktop shows it: under the home folder as `~/...` (shorter, and a
    screenshot or a screen share does not give away the account name)."""
    text = str(path)
    home = os.path.expanduser("~")
    if home not in ("", "/", "~") and text.startswith(home + os.sep):
        return "~" + text[len(home) :]
    return text


def describe(url: str | None) -> str:
    """A short, password-free name for a database: a file path or `postgresql://host/db`."""
    try:
        resolved = resolve_db_url(url)
    except Exception:  # an unresolvable path is still worth naming as typed
        return url or "the default database"
    if resolved.startswith("sqlite:///"):
        return display_path(resolved.removeprefix("sqlite:///"))
    try:
        return make_url(resolved).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: the opening will say why
        return resolved


def check(url: str | None) -> str | None:
    """Open and close an engine on `url`: None when it works, else why not (one line).

    Runs on a worker thread (the dialog's test) so a slow server never freezes the window.
    """
    try:
        engine = Engine(url)
    except Exception as exc:
        reason = getattr(exc, "orig", None) or exc  # the driver's words, not SQLAlchemy's
        text = " ".join(str(reason).split()) or type(exc).__name__
        return f"{describe(url)} cannot be opened: {text}"
    engine.close()
    return None
