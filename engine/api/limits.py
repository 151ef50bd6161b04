"""A cap on request bodies: events and records are small, so a huge body is refused with
413 before it fills the server's memory (checked on Content-Length and while streaming;
the refused body is read and dropped, never kept)."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 1024 * 1024
"""Bytes a request body may have (1 MiB)."""


DRAIN_AT_MOST = 64 * MAX_BODY
"""Bytes of a refused body read and dropped before answering: a client that sends the
whole body before reading (most do) would otherwise see the connection reset instead of
the 413. Past this much the connection is closed regardless."""


class _TooLarge(Exception):
    pass


async def _drain(receive: Receive) -> None:
    dropped = 0
    while dropped <= DRAIN_AT_MOST:
        message = await receive()
        if message["type"] != "http.request":
            return
        dropped += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


class BodyLimit:
    """ASGI middleware refusing bodies over `limit` bytes with a 413 in our error shape."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _drain(receive)
            await self._refuse(send)
            return
        seen = 0
        started = too_large = refused = body_done = False

        async def counting_receive() -> Message:
            nonlocal seen, too_large, body_done
            message = await receive()
            if message["type"] == "http.request":
                # Draining after the last part would wait for a message that never comes.
                body_done = not message.get("more_body", False)
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    too_large = True
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started, refused
            if too_large and not started:
                # FastAPI catches any error while it reads a body and answers 400 "There
                # was an error parsing the body" (a chunked upload has no Content-Length
                # to refuse it by beforehand); the reason is the size, so say that.
                if not refused:
                    refused = True
                    if not body_done:
                        await _drain(receive)
                    await self._refuse(send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started and not refused:
                if not body_done:
                    await _drain(receive)
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body: dict[str, Any] = {
            "error": "InvalidInput",
            "message": f"the request body is larger than {self.limit // 1024} KiB",
            "hint": "send events and records as small JSON objects",
        }
        data = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})
