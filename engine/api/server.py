"""`serve()`: run the API under uvicorn on one address (127.0.0.1 unless told otherwise)."""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
from typing import TYPE_CHECKING

import uvicorn

from engine.api.app import create_app
from engine.api.deliverer import Deliverer, WakeOnWrite
from engine.errors import UsageError
from engine.runtime import Engine
from engine.store import Store, directory

if TYPE_CHECKING:
    from engine.temporal.client import TemporalEngine

log = logging.getLogger("baton.api")


def _listen(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    # Listening before the address is announced: a client that connects at once waits in
    # the backlog until uvicorn accepts, instead of being refused.
    sock.listen(2048)
    return sock


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def open_runtime(db: str | None) -> tuple[Engine | TemporalEngine, Engine]:
    """The engine `baton serve` answers with, and the catalogue under it.

    With a Temporal runtime (`BATON_RUNTIME` / `baton --runtime`) runs are workflows there
    and `db` holds the catalogue (definitions, users, tokens, webhooks and their outbox);
    otherwise both are the one local engine. Roles are always enforced.
    """
    from engine.temporal.address import configured_runtime

    address = configured_runtime()
    # A mistyped --db is refused (exit code 2), never served as a new empty database.
    catalogue = Engine(Store(db, create=db is None), roles="enforce")
    if address is None:
        return catalogue, catalogue
    try:
        from engine.temporal.client import TemporalEngine
    except ImportError as exc:
        catalogue.close()
        raise UsageError(
            f"BATON_RUNTIME is {address}, but Temporal support is not installed ({exc.name})",
            hint="pip install 'baton-studio[temporal]'",
        ) from None
    return TemporalEngine(address, catalogue), catalogue


def serve(
    db: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8080,
    access_log: bool = True,
    log_level: str = "info",
    deliver_every: float = 5.0,
) -> None:
    """Serve the HTTP API until Ctrl-C or SIGTERM.

    Roles are always enforced (a network API has no desktop owner). The first line on
    stderr names the address actually bound, so `--port 0` picks a free port that a caller
    (the tests) can read. A background thread delivers webhooks and outbox messages
    (`engine.api.deliverer`): soon after each request that changed something, and every
    `deliver_every` seconds for retries.
    """
    engine, catalogue = open_runtime(db)
    with engine.store.read() as conn:
        has_admin = directory.has_admin(conn)
    sock = _listen(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    where = f"database {engine.store.url}"
    if not isinstance(engine, Engine):
        where = f"runs on {engine.address}, catalogue {engine.store.url}"
    print(
        f"baton serve: listening on http://{shown}:{bound} ({where}); Ctrl-C stops",
        file=sys.stderr,
        flush=True,
    )
    if not _is_loopback(host):
        print(
            "baton serve: warning: not a loopback address; put a TLS proxy in front (docs/api.md)",
            file=sys.stderr,
            flush=True,
        )
    if not has_admin:
        print(
            "baton serve: warning: the directory has no admin, so every token acts as admin "
            "(add one: `baton users add NAME --role admin`)",
            file=sys.stderr,
            flush=True,
        )
    # Webhooks and outbox messages go out from here too, not only from `baton worker`; on
    # Temporal, the worker's activities queue them in the catalogue's outbox, a moment after
    # the request that caused them is answered: the pass after a request waits for them.
    settle = None if isinstance(engine, Engine) else engine.track_outboxes()
    deliverer = Deliverer(catalogue, poll=deliver_every, settle=settle)
    config = uvicorn.Config(
        WakeOnWrite(create_app(engine), deliverer),
        log_level=log_level,
        access_log=access_log,
        timeout_graceful_shutdown=10,
        server_header=False,
    )
    deliverer.start()
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        deliverer.stop()
        engine.close()
