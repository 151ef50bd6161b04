"""The one place where errors become HTTP responses.

Every error body has the same shape, and `message` is exactly the line the CLI prints after
`baton: error:`:

    {"error": "Conflict", "message": "work item ... was already completed by ann at ...",
     "hint": null, "element": null, "field": null}

Status codes: 400 bad input (the engine refused the values, or the body is not JSON),
401 no valid token, 403 the role does not allow it, 404 not found, 409 conflicts with the
current state (completed twice, run not failed, a concurrent change), 422 the request does
not match the API's schema (a missing field, a wrong type), 503 the database is busy,
unreachable or at another schema version, or no Temporal worker answers. Anything else is
a 500 whose details stay in the server log.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from engine.errors import (
    ActivationRefused,
    BatonError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuntimeUnavailable,
    StoreFault,
    StoreTooNew,
    StoreTooOld,
    Unauthenticated,
)

log = logging.getLogger("baton.api")

# Most specific first: ConcurrentChange is a Conflict, every one is a BatonError.
STATUS_BY_ERROR: tuple[tuple[type[BatonError], int], ...] = (
    (Unauthenticated, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (ActivationRefused, 422),
    (InvalidInput, 400),
    (StoreFault, 503),  # busy, unreachable, full, damaged: the database's state, not the request's
    (StoreTooOld, 503),
    (StoreTooNew, 503),
    (RuntimeUnavailable, 503),  # no Temporal worker answers: the deployment's state
    (BatonError, 400),
)


def status_for(exc: BatonError) -> int:
    """The HTTP status for a Baton error."""
    for kind, status in STATUS_BY_ERROR:
        if isinstance(exc, kind):
            return status
    return 400


def error_body(kind: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON every error response carries."""
    return {"error": kind, "message": message, **extra}


def _respond(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(body, status_code=status, headers=headers)


def _baton_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BatonError)
    extra: dict[str, Any] = {"hint": exc.hint, "element": exc.element, "field": exc.field}
    if isinstance(exc, ActivationRefused):
        extra["diagnostics"] = [d.to_json() for d in exc.diagnostics]
    return _respond(status_for(exc), error_body(type(exc).__name__, str(exc), **extra))


def _where(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


def _request_invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [{"field": _where(e["loc"]), "message": e["msg"]} for e in exc.errors()]
    whole_body = any(tuple(e["loc"]) == ("body",) for e in exc.errors())
    if whole_body and "json" not in request.headers.get("content-type", ""):
        # FastAPI reads a body as JSON only when it says so (a guard against cross-site
        # form posts); say that instead of "Input should be a valid dictionary".
        return _respond(
            400,
            error_body(
                "InvalidInput",
                "the request body is not declared as JSON",
                hint="send it with Content-Type: application/json",
            ),
        )
    if any(e["type"] == "json_invalid" for e in exc.errors()):
        return _respond(
            400,
            error_body(
                "InvalidInput",
                "the request body is not valid JSON",
                hint="send a JSON object with Content-Type: application/json",
            ),
        )
    message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return _respond(422, error_body("RequestInvalid", message, problems=problems))


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    where = f"{request.method} {request.url.path}"
    allowed = ""
    # The router's own refusals (no such path, a method the path does not take) get the
    # documented shape and a next step, like every other error.
    if exc.status_code == 404 and exc.detail == "Not Found":
        body = error_body(
            "NotFound",
            f"no route {where}",
            hint="the routes are listed at /docs and /openapi.json",
            element=None,
            field=None,
        )
    elif exc.status_code == 405:
        allowed = _methods_of(request)
        body = error_body(
            "MethodNotAllowed",
            f"{request.method} is not allowed on {request.url.path}",
            hint=f"use {allowed}" if allowed else "see /docs for the route's methods",
            element=None,
            field=None,
        )
    else:
        body = error_body("HTTPError", str(exc.detail), hint=None, element=None, field=None)
    headers = dict(exc.headers or {})
    if exc.status_code == 405 and allowed:
        headers["Allow"] = allowed
    return _respond(exc.status_code, body, headers or None)


def _methods_of(request: Request) -> str:
    """Every method the API describes for this path (the router's own Allow header names
    only the first route that matched the path: POST where GET is served too)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        if re.fullmatch(_PARAMETER.sub("[^/]+", re.escape(template)), request.url.path):
            methods.update(method.upper() for method in operations)
    return ", ".join(sorted(methods))


_PARAMETER = re.compile(r"\\\{[^}]*\\\}")
"""A path parameter as `re.escape` leaves it (`\\{run_id\\}`)."""


def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", exc)
    return _respond(
        503,
        error_body(
            "DatabaseUnavailable",
            "the database is busy or unreachable; nothing was changed",
            hint="repeat the request in a moment",
        ),
    )


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(
        500, error_body("InternalError", "internal error; the server log has the details")
    )


def install(app: FastAPI) -> None:
    """Register every handler on the app."""
    app.add_exception_handler(BatonError, _baton_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(PoolTimeout, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected)
