"""The users, groups and queues that work items are assigned to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, select, update

from engine.errors import InvalidInput, NotFound
from engine.store.prepared import Prepared
from engine.store.schema import groups, memberships, users

ROLES = ("admin", "operator", "assignee")
"""Each role includes the ones after it: an admin may do what an operator may, and so on."""

_SELECT_USER = select(users).where(users.c.name == bindparam("name"))
_SELECT_MEMBERSHIPS = select(memberships.c.kind, memberships.c.group_name).where(
    memberships.c.user_name == bindparam("name")
)


# Asked by every completion: prepared (see engine.store.prepared).
_MAY_ACT_FOR = Prepared(
    select(users.c.active, users.c.role, memberships.c.user_name.label("member"))
    .select_from(
        users.outerjoin(
            memberships,
            and_(
                memberships.c.user_name == users.c.name,
                memberships.c.group_name == bindparam("group"),
                memberships.c.kind == bindparam("kind"),
            ),
        )
    )
    .where(users.c.name == bindparam("name"))
)


@dataclass(frozen=True, slots=True)
class User:
    """A person in the directory."""

    name: str
    email: str | None
    role: str
    active: bool
    groups: tuple[str, ...] = ()

    @property
    def admin(self) -> bool:
        """Whether the user has the admin role."""
        return self.role == "admin"


# A name must be writable as an assignee (`user:NAME`, see engine.runtime.workitems) and
# fit the directory's 200-character columns: a user called "Zoë Ünal" could never be given
# an item, and a 201-character name failed on PostgreSQL only.
_NAME = re.compile(r"[A-Za-z0-9_.@-]{1,200}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+", re.ASCII)


def _check_name(kind: str, name: str) -> None:
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            f"the {kind} name {name[:40]!r} cannot be written as an assignee ({kind}:NAME)",
            hint="use 1 to 200 letters, digits and . _ @ - (e.g. zoe.unal)",
        )


def add_user(
    conn: Connection,
    name: str,
    *,
    groups_: list[str] | None = None,
    queues: list[str] | None = None,
    role: str | None = None,
    email: str | None = None,
) -> None:
    """Add a user (or update an existing one) and their group and queue memberships.

    `role` None keeps an existing user's role (a new user becomes an assignee).
    """
    if role is not None and role not in ROLES:
        raise InvalidInput(f"{role!r} is not a role", hint="use one of " + ", ".join(ROLES))
    _check_name("user", name)
    for group in groups_ or []:
        _check_name("group", group)
    for queue in queues or []:
        _check_name("queue", queue)
    if email is not None and not _EMAIL.fullmatch(email):
        raise InvalidInput(
            f"{email!r} is not an email address", field="email", hint="write e.g. ann@example.com"
        )
    exists = conn.execute(select(users.c.name).where(users.c.name == name)).first()
    if exists:
        values: dict = {"active": True}
        if role is not None:
            values["role"] = role
        if email is not None:
            values["email"] = email
        conn.execute(update(users).where(users.c.name == name).values(**values))
    else:
        conn.execute(
            users.insert().values(name=name, email=email, role=role or "assignee", active=True)
        )
    for kind, names in (("group", groups_ or []), ("queue", queues or [])):
        for group in names:
            known = conn.execute(
                select(groups.c.name).where(groups.c.name == group, groups.c.kind == kind)
            ).first()
            if not known:
                conn.execute(groups.insert().values(name=group, kind=kind))
            member = conn.execute(
                select(memberships.c.user_name).where(
                    memberships.c.user_name == name,
                    memberships.c.group_name == group,
                    memberships.c.kind == kind,
                )
            ).first()
            if not member:
                conn.execute(
                    memberships.insert().values(user_name=name, group_name=group, kind=kind)
                )


def set_active(conn: Connection, name: str, active: bool) -> None:
    """Activate or deactivate a user (their open items then show as stuck)."""
    changed = conn.execute(update(users).where(users.c.name == name).values(active=active))
    if not changed.rowcount:
        raise NotFound(f"no user named {name!r}", hint="add them with `baton users add`")


def get_user(conn: Connection, name: str) -> User | None:
    """A user with their memberships (`group:hr`, `queue:it`), or None."""
    row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        return None
    member_of = conn.execute(
        select(memberships.c.kind, memberships.c.group_name).where(memberships.c.user_name == name)
    )
    return User(
        name=row.name,
        email=row.email,
        role=row.role,
        active=bool(row.active),
        groups=tuple(f"{r.kind}:{r.group_name}" for r in member_of),
    )


def list_users(
    conn: Connection,
    *,
    after: str | None = None,
    limit: int | None = None,
    group: str | None = None,
    role: str | None = None,
) -> list[User]:
    """Users by name: those after the name `after`, at most `limit`; only members of
    `group` (`group:hr`, `queue:triage`, or a bare group name) or of one `role`."""
    query = select(users.c.name).order_by(users.c.name)
    if after is not None:
        query = query.where(users.c.name > after)
    if role is not None:
        query = query.where(users.c.role == role)
    if group is not None:
        kind, _, name = group.rpartition(":")
        member = select(memberships.c.user_name).where(memberships.c.group_name == name)
        if kind:
            member = member.where(memberships.c.kind == kind)
        query = query.where(users.c.name.in_(member))
    if limit is not None:
        query = query.limit(limit)
    names = conn.execute(query).scalars().all()
    return [u for u in (get_user(conn, n) for n in names) if u is not None]


def assignee_state(conn: Connection, assignee: str) -> str | None:
    """Why nobody can work items of this assignee, or None when someone can.

    Returns a reason such as `user 'bob' is inactive` or `group 'hr' has no active member`.
    """
    kind, _, name = assignee.partition(":")
    if kind == "user":
        row = conn.execute(select(users.c.active).where(users.c.name == name)).first()
        if row is None:
            return f"user {name!r} is unknown"
        return None if row.active else f"user {name!r} is inactive"
    active_members = conn.execute(
        select(users.c.name)
        .join(memberships, memberships.c.user_name == users.c.name)
        .where(
            memberships.c.group_name == name,
            memberships.c.kind == kind,
            users.c.active.is_(True),
        )
        .limit(1)
    ).first()
    return None if active_members else f"{kind} {name!r} has no active member"


def standing(conn: Connection, name: str, assignee: str) -> tuple[bool, str, bool] | None:
    """(active, role, member-of-assignee) for a user, in one query; None if unknown.

    "Member" is true for `user:NAME` itself and for members of `group:`/`queue:` NAME.
    """
    kind, _, target = assignee.partition(":")
    found = _MAY_ACT_FOR.rows(conn, {"name": name, "group": target, "kind": kind})
    if not found:
        return None
    active, role, member_name = found[0]
    member = (kind == "user" and target == name) or member_name is not None
    return bool(active), role, member


def role_of(conn: Connection, name: str) -> tuple[bool, str] | None:
    """(active, role) of a user, or None when the directory does not know them."""
    row = conn.execute(select(users.c.active, users.c.role).where(users.c.name == name)).first()
    return None if row is None else (bool(row.active), row.role)


def has_admin(conn: Connection) -> bool:
    """Whether any active user has the admin role."""
    found = conn.execute(
        select(users.c.name).where(users.c.role == "admin", users.c.active.is_(True)).limit(1)
    ).first()
    return found is not None


def emails_for(conn: Connection, assignee: str) -> list[str]:
    """Addresses of the active people behind an assignee (a user, or a group's members)."""
    kind, _, name = assignee.partition(":")
    query = _USER_EMAIL if kind == "user" else _MEMBER_EMAILS
    return [row[0] for row in query.rows(conn, {"name": name, "kind": kind}) if row[0]]


# Every notice delivered asks one of these: prepared (see engine.store.prepared).
_USER_EMAIL = Prepared(
    select(users.c.email).where(
        users.c.name == bindparam("name"), users.c.active.is_(True), users.c.email.is_not(None)
    )
)
_MEMBER_EMAILS = Prepared(
    select(users.c.email)
    .join(memberships, memberships.c.user_name == users.c.name)
    .where(
        memberships.c.group_name == bindparam("name"),
        memberships.c.kind == bindparam("kind"),
        users.c.active.is_(True),
        users.c.email.is_not(None),
    )
    .order_by(users.c.name)
)
