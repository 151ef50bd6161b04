"""Catalogue calls of `TemporalEngine`: definitions, users and records stay in `BATON_DB`
(a local `Engine`); activating a definition with a schedule trigger installs its Temporal
Schedule (`engine.temporal.schedules`).
"""

from __future__ import annotations

from typing import Any

from engine.runtime.values import check_inputs
from engine.store import definitions as definition_store
from engine.temporal import schedules
from engine.temporal.channel import Channel


class CatalogueCalls(Channel):
    """The `Engine` calls on the catalogue, passed through (schedules installed)."""

    def activate(self, definition: Any, actor: str | None = None) -> int:
        """Store a definition version in the catalogue (see `Engine.activate`); a schedule
        trigger becomes a Temporal Schedule (`engine.temporal.schedules`)."""
        version = self.catalogue.activate(definition, actor)
        self._do(self._schedule(definition.id, version))
        return version

    async def _schedule(self, definition_id: str, version: int) -> None:
        client = await self.client()
        with self.store.read() as conn:
            plan = self.catalogue.plan(definition_id, version, conn)
            body = definition_store.body(conn, definition_id, version) or ""
        trigger = plan.definition.trigger
        if getattr(trigger, "type", None) != "schedule":
            await schedules.remove(client, definition_id)
            return
        variables = check_inputs(plan.definition.variables, {}, enforce_required=False)
        await schedules.install(
            client, self.address, definition_id, version, body, trigger.cron, variables
        )

    def deactivate(self, definition_id: str, actor: str | None = None) -> None:
        """See `Engine.deactivate`; the definition's Temporal Schedule goes too."""
        self.catalogue.deactivate(definition_id, actor)
        self.with_client(lambda c: schedules.remove(c, definition_id))

    def definitions(
        self, *, after: tuple[str, int] | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """See `Engine.definitions` (the catalogue holds them, paged the same way)."""
        return self.catalogue.definitions(after=after, limit=limit)

    def add_user(
        self,
        name: str,
        groups: list[str] | None = None,
        queues: list[str] | None = None,
        admin: bool = False,
        email: str | None = None,
        role: str | None = None,
        actor: str | None = None,
    ) -> None:
        """See `Engine.add_user` (the directory is in the catalogue)."""
        self.catalogue.add_user(name, groups, queues, admin, email, role, actor)

    def deactivate_user(self, name: str, actor: str | None = None) -> None:
        """See `Engine.deactivate_user`."""
        self.catalogue.deactivate_user(name, actor)

    def assignee_problem(self, assignee: str) -> str | None:
        """See `Engine.assignee_problem`."""
        return self.catalogue.assignee_problem(assignee)

    def plan(self, definition_id: str, version: int, conn: Any) -> Any:
        """See `Engine.plan`."""
        return self.catalogue.plan(definition_id, version, conn)

    def record(self, object_name: str, record_id: str) -> dict[str, Any]:
        """A record's fields (records stay in the catalogue; see `Engine.record`)."""
        return self.catalogue.record(object_name, record_id)
