"""`create_app(engine)`: the FastAPI application behind `baton serve`.

Endpoints are plain `def` functions: FastAPI runs them in a worker thread, so an engine
call waiting on the database (a locked SQLite file, a PostgreSQL row lock) holds one thread
and never the event loop. Only `/health`, which touches nothing, runs on the loop itself.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from engine.api import (
    admin_routes,
    bulk_routes,
    catalog_routes,
    errors,
    inbound_routes,
    migration_routes,
    runs_routes,
    webhooks_routes,
    work_routes,
)
from engine.api.catalog_routes import server_version
from engine.api.limits import BodyLimit
from engine.api.models import ErrorOut
from engine.runtime.protocol import RunEngine

_ERRORS = {
    status: {"model": ErrorOut, "description": why}
    for status, why in (
        (400, "Bad input: the engine refused the values, or the body is not JSON."),
        (401, "No valid API token."),
        (403, "The token's user may not do this."),
        (404, "Not found."),
        (409, "Conflicts with the current state (e.g. already completed by X at T)."),
        (422, "The request does not match the schema."),
        (503, "The database is busy, unreachable or at another schema version."),
    )
}


def build_app() -> FastAPI:
    """The application without an engine: enough for its OpenAPI schema."""
    app = FastAPI(
        title="Baton",
        version=server_version(),
        summary="Start runs, send events, work items and operate runs over HTTP.",
        description=(
            "Every `/v1` endpoint needs `Authorization: Bearer TOKEN` with a token from "
            "`baton tokens create --user NAME`; it acts as that user, with their role. "
            "Errors carry the same message as the `baton` command line."
        ),
    )
    errors.install(app)
    app.add_middleware(BodyLimit)
    app.include_router(catalog_routes.probes)
    routers = (
        catalog_routes,
        runs_routes,
        bulk_routes,
        migration_routes,
        work_routes,
        inbound_routes,
        webhooks_routes,
        admin_routes,
    )
    for module in routers:
        app.include_router(module.router, responses=_ERRORS)
    return app


def create_app(engine: RunEngine) -> FastAPI:
    """The HTTP API over one engine, local or Temporal's (it should enforce roles:
    `Engine(roles="enforce")`)."""
    app = build_app()
    app.state.engine = engine
    return app


def openapi_schema() -> dict[str, Any]:
    """The OpenAPI document `/openapi.json` serves (no database needed)."""
    return build_app().openapi()
