"""Connecting to Temporal, and the search attributes Baton registers there itself."""

from __future__ import annotations

from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client, TLSConfig
from temporalio.service import RPCError, RPCStatusCode

from engine.errors import InvalidInput, RuntimeUnavailable
from engine.temporal import shapes
from engine.temporal.address import TemporalAddress


class TemporalUnavailable(RuntimeUnavailable):
    """The Temporal frontend cannot be reached, or has no such namespace (exit code 2,
    HTTP 503)."""


# What the SDK's transport errors mean, in words (its own text nests Rust error values).
_REASONS = (
    ("connection refused", "connection refused (nothing listens there)"),
    ("timed out", "timed out"),
    ("dns error", "the host name is unknown"),
    ("failed to lookup address", "the host name is unknown"),
    ("invalid certificate", "the server's TLS certificate was refused"),
    ("tls handshake", "the TLS handshake failed"),
)


def _reason(exc: Exception) -> str:
    text = str(exc)
    lowered = text.lower()
    for needle, words in _REASONS:
        if needle in lowered:
            return words
    first = text.splitlines()[0] if text else type(exc).__name__
    return first if len(first) <= 200 else first[:197] + "..."


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read the {what} {path}: {exc.strerror}") from None


async def connect(address: TemporalAddress) -> Client:
    """A client for the address (mTLS and/or API key when configured).

    Raises:
        TemporalUnavailable: nothing answers there, naming the address.
    """
    tls: TLSConfig | bool = False
    if address.tls_cert and address.tls_key:
        tls = TLSConfig(
            client_cert=_read(address.tls_cert, "TLS certificate"),
            client_private_key=_read(address.tls_key, "TLS key"),
        )
    elif address.api_key:
        tls = True
    try:
        return await Client.connect(
            address.target, namespace=address.namespace, tls=tls, api_key=address.api_key
        )
    except RuntimeError as exc:
        raise TemporalUnavailable(
            f"cannot reach Temporal at {address}: {_reason(exc)}",
            hint="start one (temporal server start-dev) or check BATON_RUNTIME",
        ) from None


async def register_search_attributes(client: Client, namespace: str) -> None:
    """Add the search attributes Baton filters on, if the namespace lacks any of them.

    Raises:
        TemporalUnavailable: the server has no such namespace (Temporal connects to any
            name; this is the first call that finds out).
    """
    try:
        known = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        raise TemporalUnavailable(
            f"namespace {namespace!r} does not exist at {client.service_client.config.target_host}",
            hint=f"create it with `temporal operator namespace create {namespace}`, "
            "or name another in the runtime address",
        ) from None
    have = set(known.custom_attributes) | set(known.system_attributes)
    missing = {
        key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
        for key in shapes.ALL_KEYS
        if key.name not in have
    }
    if not missing:
        return
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    except RPCError as exc:
        if "already exists" not in str(exc):
            raise
