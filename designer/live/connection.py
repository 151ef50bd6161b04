"""Which engine the designer uses and who it acts as, remembered per user.

An engine is a database (`BATON_DB`: SQLite file or PostgreSQL URL) and, optionally, a
Temporal runtime (`temporal://HOST:PORT/NAMESPACE`, with mTLS files or an API key) that
holds the runs while the database keeps the catalogue (definitions, users, records).

`BATON_DB`, `BATON_RUNTIME`, `BATON_TEMPORAL_*` and `BATON_USER` win over what File ▸
Connect to engine… remembered, so a window started from a shell (or a test) goes where
the environment says, as the CLI does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from PySide6.QtCore import QSettings
from sqlalchemy.engine import make_url

from designer.runs.formatting import operator_name
from engine.errors import BatonError, UsageError
from engine.runtime import Clock, Engine
from engine.runtime.protocol import RunEngine
from engine.store.store import DB_ENV, resolve_db_url
from engine.temporal.address import RUNTIME_ENV, TemporalAddress, parse_runtime

URL_KEY = "engine/url"
USER_KEY = "engine/user"
RUNTIME_KEY = "engine/runtime"
TLS_CERT_KEY = "engine/tls_cert"
TLS_KEY_KEY = "engine/tls_key"
CERT_ENV, KEY_ENV, API_KEY_ENV = (
    "BATON_TEMPORAL_TLS_CERT",
    "BATON_TEMPORAL_TLS_KEY",
    "BATON_TEMPORAL_API_KEY",
)


@dataclass(frozen=True)
class Connection:
    """A database (None: the engine's default SQLite file), the acting user, and where
    runs live: None for the database itself, else a Temporal runtime address.

    `api_key` is kept for this session only: it is a secret, and QSettings is a plain file.
    """

    url: str | None
    user: str
    runtime: str | None = None
    tls_cert: str | None = None
    tls_key: str | None = None
    api_key: str | None = None

    @property
    def on_temporal(self) -> bool:
        """Whether runs live on Temporal (an address was given)."""
        return bool(self.runtime and self.runtime.strip() not in ("", "local"))

    def address(self) -> TemporalAddress | None:
        """The Temporal address with this connection's TLS settings (None: local runs).

        Raises:
            UsageError: the address or the TLS pair is malformed (one line, what to write).
        """
        if not self.on_temporal:
            return None
        found = parse_runtime(self.runtime)
        assert found is not None  # on_temporal: not local
        if bool(self.tls_cert) != bool(self.tls_key):
            raise UsageError(
                "mTLS needs both a client certificate and its key",
                hint="give both files, or neither",
            )
        return replace(found, tls_cert=self.tls_cert, tls_key=self.tls_key, api_key=self.api_key)


def _text(settings: QSettings, key: str) -> str | None:
    return str(settings.value(key, "") or "") or None


def remembered() -> Connection:
    """What was chosen last, without the environment's overrides."""
    settings = QSettings()
    user = _text(settings, USER_KEY) or operator_name()
    return Connection(
        _text(settings, URL_KEY),
        user,
        _text(settings, RUNTIME_KEY),
        _text(settings, TLS_CERT_KEY),
        _text(settings, TLS_KEY_KEY),
    )


def remember(connection: Connection) -> None:
    """Keep the choice for the next start (QSettings: per user, per machine); never the
    API key."""
    settings = QSettings()
    settings.setValue(URL_KEY, connection.url or "")
    settings.setValue(USER_KEY, connection.user)
    settings.setValue(RUNTIME_KEY, connection.runtime if connection.on_temporal else "")
    settings.setValue(TLS_CERT_KEY, connection.tls_cert or "")
    settings.setValue(TLS_KEY_KEY, connection.tls_key or "")


def at_startup() -> Connection:
    """The environment where it names a database, runtime or user, else the remembered
    choice."""
    chosen = remembered()
    env = os.environ.get
    runtime = env(RUNTIME_ENV) or chosen.runtime
    return Connection(
        env(DB_ENV) or chosen.url,
        env("BATON_USER") or chosen.user,
        runtime,
        env(CERT_ENV) or chosen.tls_cert,
        env(KEY_ENV) or chosen.tls_key,
        env(API_KEY_ENV) or None,
    )


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


def describe_connection(connection: Connection) -> str:
    """Where runs live, for the status bar and the dialog: the database, or the Temporal
    address with its catalogue database."""
    if not connection.on_temporal:
        return describe(connection.url)
    return f"{(connection.runtime or '').strip()} (catalogue {describe(connection.url)})"


def open_engine(connection: Connection, clock: Clock | None = None) -> RunEngine:
    """An engine for the connection: the local one, or a `TemporalEngine` (the same calls)
    whose Temporal client is already connected, so a wrong address or a missing namespace
    is told here, once, not by every panel.

    Call it off the UI thread: reaching a server can take seconds.

    Raises:
        BatonError: the database cannot be opened, Temporal cannot be reached, the
            namespace does not exist, or the Temporal extra is not installed (one line).
    """
    address = connection.address()  # a malformed address: refused before anything opens
    catalogue = Engine(connection.url, clock=clock)
    if address is None:
        return catalogue
    try:
        from engine.temporal.client import TemporalEngine
    except ImportError as exc:
        catalogue.close()
        raise UsageError(
            f"runs are on {address}, but Temporal support is not installed ({exc.name})",
            hint="pip install 'baton-studio[temporal]'",
        ) from None
    engine = TemporalEngine(address, catalogue)
    try:
        engine.with_client(_reachable)
    except BaseException:
        engine.close()
        raise
    return engine


async def _reachable(client: object) -> None:
    """Nothing to do: getting the client connected it and checked the namespace."""


def check(connection: Connection | str | None) -> str | None:
    """Open and close an engine for `connection`: None when it works, else why not (one
    line).

    Runs on a worker thread (the dialog's test) so a slow server never freezes the window.
    """
    if not isinstance(connection, Connection):
        connection = Connection(connection, "")
    try:
        engine = open_engine(connection)
    except BatonError as exc:
        return str(exc)
    except Exception as exc:
        reason = getattr(exc, "orig", None) or exc  # the driver's words, not SQLAlchemy's
        text = " ".join(str(reason).split()) or type(exc).__name__
        return f"{describe_connection(connection)} cannot be opened: {text}"
    engine.close()
    return None
