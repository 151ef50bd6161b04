"""Connecting to Temporal, and the search attributes Baton registers there itself."""

from __future__ import annotations

from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client, TLSConfig
from temporalio.service import RPCError

from engine.errors import BatonError, InvalidInput
from engine.temporal import shapes
from engine.temporal.address import TemporalAddress


class TemporalUnavailable(BatonError):
    """The Temporal frontend cannot be reached (exit code 2)."""

    exit_code = 2


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
            f"cannot reach Temporal at {address}: {str(exc).splitlines()[0]}",
            hint="start one (temporal server start-dev) or check BATON_RUNTIME",
        ) from None


async def register_search_attributes(client: Client, namespace: str) -> None:
    """Add the search attributes Baton filters on, if the namespace lacks any of them."""
    known = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
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
