"""Record calls of `TemporalEngine`: records stay in the catalogue (`BATON_DB`); a change
starts the runs its record triggers start locally (`triggers.record_starts`, the same
rules, `every_update` included) as workflows, and tells the active runs of that record,
whose stage exit condition may read it (`record_changed`).
"""

from __future__ import annotations

from typing import Any

from engine.errors import NotFound
from engine.runtime import permissions, triggers
from engine.store import format_time
from engine.store import records as record_store
from engine.temporal import shapes, starts
from engine.temporal.channel import Channel, quote
from engine.temporal.lists import summary


class RecordCalls(Channel):
    """`Engine.create_record`, `update_record`, `record` and `runs_of_record` on Temporal."""

    def create_record(
        self, object_name: str, fields: dict[str, Any], actor: str | None = None
    ) -> str:
        """Create a record (starting triggered runs as workflows); returns its id."""
        record_id = record_store.new_record_id()
        found = self._write(actor, "create records", object_name, record_id, None, dict(fields))
        self._do(self._start_runs(found))
        return record_id

    def update_record(
        self, object_name: str, record_id: str, fields: dict[str, Any], actor: str | None = None
    ) -> dict[str, Any]:
        """Change fields of a record (starting triggered runs); returns all its fields."""
        with self.store.read() as conn:
            before = record_store.get(conn, object_name, record_id)
        if before is None:
            raise NotFound(f"no {object_name} record with id {record_id!r}")
        after = {**before, **fields}
        found = self._write(actor, "change records", object_name, record_id, before, after)
        self._do(self._changed(object_name, record_id, after, actor, found))
        return after

    def _write(
        self,
        actor: str | None,
        doing: str,
        object_name: str,
        record_id: str,
        before: dict[str, Any] | None,
        after: dict[str, Any],
    ) -> list[shapes.RunStart]:
        """Write the record in the catalogue; returns the runs the change starts."""
        event = "created" if before is None else "updated"
        now = format_time(self.clock.now())
        with self.store.transaction() as conn:
            if self.enforce_roles:
                permissions.require(conn, actor, "assignee", doing)
            if before is None:
                record_store.insert(conn, object_name, record_id, after, now)
            else:
                record_store.replace_fields(conn, object_name, record_id, after, now)
            plan_of = self.catalogue.plan
            return [
                starts.run_start(
                    conn,
                    plan_of,
                    found.definition_id,
                    found.inputs,
                    triggers.new_run_id(),
                    trigger=f"record:{event}",
                    actor=actor,
                    enforce_required=False,
                    record=(object_name, record_id),
                    record_fields=after,
                    chain=found.chain,
                )
                for found in triggers.record_starts(
                    conn,
                    lambda d, v: plan_of(d, v, conn),
                    object_name,
                    record_id,
                    event,
                    before,
                    after,
                    [],
                )
            ]

    async def _changed(
        self,
        object_name: str,
        record_id: str,
        fields: dict[str, Any],
        actor: str | None,
        found: list[shapes.RunStart],
    ) -> None:
        # The runs already there first (as locally, where the new runs start after the
        # record's runs are re-checked in the same call), then the new ones.
        if self._visibility:
            where = (
                _of_record(object_name, record_id)
                + f" AND {shapes.STATUS.name} IN ('running', 'waiting', 'paused')"
            )
            for wf in sorted(await self._list(where), key=lambda w: w.id):
                try:
                    await self._command(wf.id, "record_changed", actor, fields=fields)
                except NotFound:
                    continue  # ended since it was listed
        await self._start_runs(found)

    def record(self, object_name: str, record_id: str) -> dict[str, Any]:
        """A record's fields (see `Engine.record`)."""
        return self.catalogue.record(object_name, record_id)

    def runs_of_record(self, object_name: str, record_id: str) -> list[dict[str, Any]]:
        """The runs a record started, oldest first (from visibility)."""
        found = [summary(wf) for wf in self._do(self._list(_of_record(object_name, record_id)))]
        found.sort(key=lambda r: (r["started_at"] or "", r["id"]))
        return found


def _of_record(object_name: str, record_id: str) -> str:
    value = quote(shapes.record_value(object_name, record_id), "record")
    return f"{shapes.RECORD.name} = {value}"
