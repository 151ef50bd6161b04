"""The engine's directory as names for the designer: users, groups and queues.

The inspector completes assignee names from it and warns about names it does not know;
Run ▸ Directory… shows and edits it. It is read on the engine bridge's thread the first
time someone asks, and again whenever the directory changes (from this window, the CLI or
another desktop sharing the database).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from designer.live.bridge import EngineBridge
from engine.runtime.protocol import RunEngine
from engine.store import directory


@dataclass(frozen=True)
class DirectoryEntry:
    """One user as the directory dialog lists them."""

    name: str
    role: str
    active: bool
    email: str | None
    memberships: tuple[str, ...]  # "group:hr", "queue:it_desk"


@dataclass(frozen=True)
class Directory:
    """Everyone in the engine's directory, and the groups and queues they make up."""

    users: tuple[DirectoryEntry, ...] = ()
    groups: frozenset[str] = field(default_factory=frozenset)
    queues: frozenset[str] = field(default_factory=frozenset)

    def names(self, kind: str) -> list[str]:
        """Names of one kind ("user", "group", "queue"), sorted; active users only."""
        if kind == "user":
            return sorted(u.name for u in self.users if u.active)
        return sorted(self.groups if kind == "group" else self.queues)

    def problem(self, assignee: str) -> str | None:
        """Why `kind:name` may not be worked by anyone this directory knows, or None."""
        kind, _, name = assignee.partition(":")
        if kind == "user":
            user = next((u for u in self.users if u.name == name), None)
            if user is None:
                return f"No user {name!r} in the engine's directory."
            if not user.active:
                return f"User {name!r} is deactivated in the engine's directory."
            return None
        known = self.groups if kind == "group" else self.queues if kind == "queue" else None
        if known is not None and name not in known:
            return f"No {kind} {name!r} in the engine's directory."
        return None


def read_directory(engine: RunEngine) -> Directory:
    """The directory as it is now (runs on the bridge's thread)."""
    with engine.store.read() as conn:
        users = directory.list_users(conn)
    entries = tuple(
        DirectoryEntry(u.name, u.role, u.active, u.email, tuple(u.groups)) for u in users
    )
    groups = {m.partition(":")[2] for u in users for m in u.groups if m.startswith("group:")}
    queues = {m.partition(":")[2] for u in users for m in u.groups if m.startswith("queue:")}
    return Directory(entries, frozenset(groups), frozenset(queues))


class DirectoryNames(QObject):
    """The latest directory read through the bridge; `changed` when a new one arrives.

    Args:
        bridge: gives the engine bridge, creating it on first use (the designer opens the
            run database only when something needs it).
    """

    changed = Signal()

    def __init__(self, bridge: Callable[[], EngineBridge], parent: QObject | None = None):
        super().__init__(parent)
        self._bridge_factory = bridge
        self._bridge: EngineBridge | None = None
        self._current: Directory | None = None
        self._loading = False
        self._closed = False

    def bridge(self) -> EngineBridge:
        """The engine bridge the directory is read through (created on first use)."""
        return self._bridge_factory()

    def known(self) -> Directory | None:
        """The directory read last, without asking for it (None: not read yet)."""
        return self._current

    def current(self) -> Directory | None:
        """The directory read last; None until the first read is back (it is then asked for)."""
        if self._current is None and not self._loading and not self._closed:
            self.reload()
        return self._current

    def reload(self) -> None:
        """Read the directory again (results arrive through `changed`)."""
        if self._closed:
            return
        bridge = self._bridge_factory()
        if bridge is not self._bridge:  # a new engine connection: follow its changes
            self._bridge = bridge
            bridge.directory_changed.connect(self._changed_elsewhere)
        self._loading = True
        bridge.submit(read_directory, self._arrived, self._failed)

    def _changed_elsewhere(self) -> None:
        # Only through the bridge that reported it: never start a new one from a signal
        # that arrives while the window is closing.
        if self._bridge is not None and self.sender() is self._bridge and not self._closed:
            self._loading = True
            self._bridge.submit(read_directory, self._arrived, self._failed)

    def close(self) -> None:
        """The window's engine connection is closing: ask nothing more of it."""
        self._closed = True
        self._bridge = None

    def forget(self) -> None:
        """The window switched engines: the next `current` reads the new one."""
        self._closed = False
        self._current = None
        self._loading = False
        self.changed.emit()

    def _arrived(self, found: Directory) -> None:
        self._loading = False
        self._current = found
        self.changed.emit()

    def _failed(self, _message: str) -> None:
        # The bridge shows why the engine cannot be reached; without a directory the
        # inspector simply offers no names and warns about none.
        self._loading = False
