"""`baton serve`: the HTTP API for integrators, portals and operators.

Built on FastAPI over Starlette, served by uvicorn. Why this stack:

* FastAPI derives request checking and the OpenAPI schema (`/openapi.json`, interactive
  docs at `/docs`) from typed pydantic models, and pydantic is already our model layer, so
  the API's contract is written once, in `engine.api.models`, and cannot drift from the docs.
* Starlette underneath is a small, well-kept ASGI toolkit; uvicorn is its usual server.
  Both are pure Python and light, so they are core dependencies: `pip install
  baton-studio` serves the API with no extra.
* Engine calls are synchronous and open database transactions; endpoints are plain `def`
  functions, which FastAPI runs in a thread pool, so a slow call never blocks the loop.

Modules: `app` (the application), `*_routes` (endpoints by area), `models` (bodies),
`deps` (engine and caller injection), `tokens` (API tokens, no web imports), `errors` (the
one mapping from Baton errors to HTTP statuses), `paging` (keyset cursors), `server`
(uvicorn on one socket). Importing this package loads no web framework.
"""
