"""`RunEngine`: the calls the CLI, the HTTP API and the designer make on "an engine", which
both runtimes answer with the same signatures and meaning: the local `Engine`
(`engine.runtime.engine`, over one database) and `TemporalEngine`
(`engine.temporal.client`, runs on Temporal, the catalogue in a database).

Code that may be handed either types it as `RunEngine`. tests/engine/temporal/
test_engine_protocol.py checks that both engines have every call here with the same
parameters (names, kinds, defaults), and that every other public call of `Engine` is one
of `LOCAL_ONLY`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from engine.runtime.listing import Listing

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from engine.definition import Orchestration
    from engine.runtime.buffering import SentEvent
    from engine.runtime.clock import Clock
    from engine.runtime.plan import Plan
    from engine.store import Store

LOCAL_ONLY = {
    "advance": "moves a virtual clock (process tests, simulation)",
    "next_due": "when the next timer in the database falls due (`baton worker`)",
    "tick": "fires due timers from the database (`baton worker`); Temporal's own timers do",
    "unit": "one transaction on the run tables",
    "replay": "folds a run's stored events again (`baton replay`)",
    "keep_unclaimed": "keeps an event that reached no run (Temporal's `publish` calls the "
    "catalogue's)",
}
"""The public calls only the local `Engine` has, and why."""


class RunEngine(Listing, Protocol):
    """What both runtimes answer; see the module docstring and `Engine` for each call.
    `runs` and `work_items` come from `Listing`, where both engines get them too."""

    store: Store
    """The catalogue's database (definitions, users, records, tokens, webhooks)."""
    clock: Clock
    enforce_roles: bool

    def close(self) -> None: ...

    # --- the catalogue --------------------------------------------------------------

    def activate(self, definition: Orchestration, actor: str | None = None) -> int: ...

    def deactivate(self, definition_id: str, actor: str | None = None) -> None: ...

    def definitions(
        self, *, after: tuple[str, int] | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]: ...

    def plan(self, definition_id: str, version: int, conn: Connection) -> Plan: ...

    def add_user(
        self,
        name: str,
        groups: list[str] | None = None,
        queues: list[str] | None = None,
        admin: bool = False,
        email: str | None = None,
        role: str | None = None,
        actor: str | None = None,
    ) -> None: ...

    def deactivate_user(self, name: str, actor: str | None = None) -> None: ...

    def assignee_problem(self, assignee: str) -> str | None: ...

    def record(self, object_name: str, record_id: str) -> dict[str, Any]: ...

    def create_record(
        self, object_name: str, fields: dict[str, Any], actor: str | None = None
    ) -> str: ...

    def update_record(
        self, object_name: str, record_id: str, fields: dict[str, Any], actor: str | None = None
    ) -> dict[str, Any]: ...

    # --- runs -----------------------------------------------------------------------

    def start(
        self, definition_id: str, inputs: dict[str, Any] | None = None, actor: str | None = None
    ) -> str: ...

    def complete_item(
        self, item_id: str, actor: str, outputs: dict[str, Any] | None = None
    ) -> str: ...

    def send_event(
        self,
        name: str,
        key: Any = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> list[str]: ...

    def publish(
        self,
        name: str,
        key: Any = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> SentEvent: ...

    def reassign(
        self,
        item_id: str,
        to: str,
        reason: str = "",
        actor: str | None = None,
        force: bool = False,
    ) -> None: ...

    def reassign_all(
        self,
        source: str,
        to: str,
        reason: str = "",
        actor: str | None = None,
        force: bool = False,
    ) -> list[str]: ...

    def cancel(self, run_id: str, reason: str = "", actor: str | None = None) -> None: ...

    def pause(self, run_id: str, reason: str = "", actor: str | None = None) -> None: ...

    def resume(self, run_id: str, actor: str | None = None, reason: str = "") -> None: ...

    def retry(
        self, run_id: str, step_id: str, actor: str | None = None, reason: str = ""
    ) -> None: ...

    def skip(
        self,
        run_id: str,
        step_id: str,
        outputs: dict[str, Any] | None = None,
        actor: str | None = None,
        reason: str = "",
    ) -> None: ...

    def edit_variables(
        self, run_id: str, values: dict[str, Any], reason: str, actor: str | None = None
    ) -> dict[str, Any]: ...

    def nudge(self, run_id: str, actor: str | None = None) -> bool: ...

    # --- reading --------------------------------------------------------------------

    def run(self, run_id: str) -> dict[str, Any]: ...

    def log(
        self, run_id: str, *, after: int | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]: ...

    def open_item_ids(self, run_id: str) -> list[str]: ...

    def waits(
        self, run_id: str | None = None, event: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]: ...

    def open_waits(self) -> list[dict[str, Any]]: ...

    def runs_of_record(self, object_name: str, record_id: str) -> list[dict[str, Any]]: ...
