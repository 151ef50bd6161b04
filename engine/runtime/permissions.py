"""Who may do what: the roles admin, operator and assignee, enforced by the engine.

* admin: activate and deactivate definitions, manage users; everything an operator may.
* operator: cancel, pause, resume, retry, skip and reassign runs' work.
* assignee: complete items assigned to them or to a group/queue they belong to
  (checked in `workitems.authorize`; an admin may complete any item).

When roles are enforced (`enforced`): by default on a shared database (PostgreSQL), never on
a local SQLite file, which serves one desktop whose user is its admin. `BATON_ROLES=enforce`
or `off` overrides that. Even when enforced:

* While the directory has no active admin, nothing is refused: every actor acts as admin, so
  a new team database can be set up. Adding the first admin
  (`baton users add NAME --role admin`) switches enforcement on.
* A call without an actor comes from trusted code embedding the engine (the worker,
  simulation, tests); the CLI and the designer always name the acting user.

Completing a work item is checked regardless (assignee, member or admin: DESIGN.md).

This is authorization among colleagues on a trusted network, not authentication: the
acting name is whatever `--as` / `BATON_USER` says. Protect a shared database with
PostgreSQL roles and TLS (docs/admin/roles.md and docs/admin/team-mode.md).
"""

from __future__ import annotations

import logging
import os

from sqlalchemy import Connection

from engine.errors import InvalidInput, PermissionDenied
from engine.store import directory

audit = logging.getLogger("baton.audit")

_RANK = {"assignee": 0, "operator": 1, "admin": 2}
ROLES_ENV = "BATON_ROLES"


def enforced(mode: str | None, shared: bool) -> bool:
    """Whether roles are enforced: `mode` "enforce"/"off", or "auto" (None: `$BATON_ROLES`,
    else "auto"), which enforces on shared databases only.

    Raises:
        InvalidInput: an unknown mode.
    """
    chosen = (mode or os.environ.get(ROLES_ENV) or "auto").lower()
    if chosen not in ("auto", "enforce", "off"):
        raise InvalidInput(
            f"{chosen!r} is not a roles mode", hint=f"set {ROLES_ENV} to auto, enforce or off"
        )
    return chosen == "enforce" or (chosen == "auto" and shared)


def require(conn: Connection, actor: str | None, role: str, doing: str) -> None:
    """Refuse (and log) unless `actor` holds `role` or a higher one.

    Args:
        conn: the transaction of the call being authorized.
        actor: the acting user; None means trusted embedding code.
        role: "operator" or "admin".
        doing: what was attempted, for the message (e.g. "cancel runs").

    Raises:
        PermissionDenied: naming the actor, what they tried and the role it needs.
    """
    if actor is None or not directory.has_admin(conn):
        return
    found = directory.role_of(conn, actor)
    if found is None:
        refuse(actor, doing, f"{actor!r} is not in the directory", "ask an admin to add you")
    active, held = found  # type: ignore[misc]
    if not active:
        refuse(actor, doing, f"user {actor!r} is inactive", "ask an admin to reactivate you")
    if _RANK.get(held, 0) < _RANK[role]:
        refuse(
            actor,
            doing,
            f"{actor!r} may not {doing}: that needs the {role} role and they are {held}",
            f"ask an admin (`baton users add {actor} --role {role}`)",
        )


def refuse(actor: str, doing: str, message: str, hint: str) -> None:
    """Log a refusal to the audit logger and raise it."""
    audit.warning("refused: %s tried to %s: %s", actor, doing, message)
    raise PermissionDenied(message, hint=hint)
