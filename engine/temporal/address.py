"""Which runtime holds runs: `local` (runs in `BATON_DB`) or `temporal://HOST:PORT/NS`.

Pure parsing, no `temporalio` import: the CLI reads the address before it knows whether
the Temporal extra is needed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from engine.errors import UsageError

RUNTIME_ENV = "BATON_RUNTIME"
TASK_QUEUE_ENV = "BATON_TASK_QUEUE"
DEFAULT_TASK_QUEUE = "baton"


@dataclass(frozen=True)
class TemporalAddress:
    """Where a Temporal frontend listens and which namespace holds Baton's runs.

    Attributes:
        target: `HOST:PORT` of the frontend (gRPC).
        namespace: the Temporal namespace.
        task_queue: the task queue workers poll (`BATON_TASK_QUEUE`, default `baton`).
        tls_cert / tls_key: client certificate and key files for mTLS (Temporal Cloud).
        api_key: an API key (Temporal Cloud), sent with TLS.
    """

    target: str
    namespace: str
    task_queue: str = DEFAULT_TASK_QUEUE
    tls_cert: str | None = None
    tls_key: str | None = None
    api_key: str | None = None

    def __str__(self) -> str:
        return f"temporal://{self.target}/{self.namespace}"


def parse_runtime(text: str | None) -> TemporalAddress | None:
    """None for the local runtime (`local`, empty, or unset); else the Temporal address.

    TLS settings come from `BATON_TEMPORAL_TLS_CERT`, `BATON_TEMPORAL_TLS_KEY` and
    `BATON_TEMPORAL_API_KEY` (the `--tls-cert/--tls-key/--api-key` options set them).

    Raises:
        UsageError: anything else, naming the expected form (exit code 2).
    """
    if text is None or text.strip() in ("", "local"):
        return None
    parts = urlsplit(text.strip())
    namespace = parts.path.strip("/")
    hint = "write local or temporal://HOST:PORT/NAMESPACE, e.g. temporal://localhost:7233/default"
    if parts.scheme != "temporal" or not parts.hostname or "/" in namespace:
        raise UsageError(f"runtime {text!r} is not a runtime address", hint=hint)
    try:
        port = parts.port or 7233
    except ValueError:
        raise UsageError(f"runtime {text!r} has a port that is not a number", hint=hint) from None
    cert = os.environ.get("BATON_TEMPORAL_TLS_CERT") or None
    key = os.environ.get("BATON_TEMPORAL_TLS_KEY") or None
    if bool(cert) != bool(key):
        raise UsageError(
            "mTLS needs both a client certificate and its key",
            hint="give both --tls-cert and --tls-key (BATON_TEMPORAL_TLS_CERT/_KEY)",
        )
    return TemporalAddress(
        target=f"{parts.hostname}:{port}",
        namespace=namespace or "default",
        task_queue=os.environ.get(TASK_QUEUE_ENV) or DEFAULT_TASK_QUEUE,
        tls_cert=cert,
        tls_key=key,
        api_key=os.environ.get("BATON_TEMPORAL_API_KEY") or None,
    )


def configured_runtime() -> TemporalAddress | None:
    """The runtime `BATON_RUNTIME` names (None: local)."""
    return parse_runtime(os.environ.get(RUNTIME_ENV))
