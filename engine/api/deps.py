"""What every endpoint gets injected: the engine, and the caller its token stands for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from engine.api import paging
from engine.api.tokens import Caller, authenticate
from engine.errors import Unauthenticated
from engine.runtime.protocol import RunEngine

# auto_error=False: a missing header reaches `current_caller`, which answers 401 in our
# error format (FastAPI's own would be a 403 with another body).
_bearer = HTTPBearer(
    auto_error=False,
    description="An API token from `baton tokens create --user NAME`.",
)


def get_engine(request: Request) -> RunEngine:
    """The engine the app was created with (local or Temporal: the same calls)."""
    return request.app.state.engine


def current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Caller:
    """The token's user. A plain `def`, so the database lookup runs in the threadpool."""
    if credentials is None and request.headers.get("authorization"):
        raise Unauthenticated(
            "the Authorization header is not `Bearer TOKEN`",
            hint="send `Authorization: Bearer TOKEN` with a token from `baton tokens create`",
        )
    return authenticate(get_engine(request), credentials.credentials if credentials else None)


EngineDep = Annotated[RunEngine, Depends(get_engine)]
CallerDep = Annotated[Caller, Depends(current_caller)]

LimitQuery = Annotated[int, Query(ge=1, le=paging.MAX_LIMIT, description="Rows per page.")]
"""`limit` of a paged list (default `paging.DEFAULT_LIMIT`, at most `paging.MAX_LIMIT`)."""
CursorQuery = Annotated[str | None, Query(description="`next_cursor` of the last page.")]
"""`cursor` of a paged list: the previous page's `next_cursor`, or none for the first."""
