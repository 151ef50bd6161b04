"""Request bodies are read as strict JSON: `NaN`, `Infinity` and `-Infinity` are refused.

Python's `json.loads`, which FastAPI uses, accepts those three words although JSON has no
such values. A record or event holding one was stored as text no JSON reader accepts
(SQLite), or refused by the database (PostgreSQL's jsonb) with a misleading "database
unavailable". Read strictly, such a body is "not valid JSON" (400), like any other typo.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


def _refuse(constant: str) -> Any:
    raise json.JSONDecodeError(f"{constant} is not a JSON value", constant, 0)


class StrictJsonRequest(Request):
    """A request whose `json()` refuses the non-standard constants."""

    async def json(self) -> Any:
        """The body as JSON, without NaN or Infinity."""
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), parse_constant=_refuse)
        return self._json


class StrictJsonRoute(APIRoute):
    """The route class of every `/v1` router: handlers see a `StrictJsonRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict
