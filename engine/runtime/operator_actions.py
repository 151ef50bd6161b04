"""`OperatorActions`: what operators and admins do to runs and the directory.

A seam of `Engine` (which mixes it in): every call here is checked against the caller's
role and runs as one engine call (`Engine._call`, one transaction, retried on a
conflicting concurrent change), or one store transaction for the directory. The actions
themselves live in `engine.runtime.operations` and `engine.runtime.workitems`; this class
is the public surface the CLI, the API and the designer call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine.runtime import audit, operations, workitems
from engine.store import directory, format_time

if TYPE_CHECKING:
    from engine.runtime.clock import Clock
    from engine.runtime.unit import Unit
    from engine.store import Store


class OperatorActions:
    """Operator actions on runs and items, and admin actions on users (see `Engine`)."""

    store: Store
    clock: Clock

    # Provided by `Engine`: one engine call as a retried transaction, and the role check.
    _call: Callable[..., Any]
    _require: Callable[..., None]

    # --- runs and items --------------------------------------------------------------

    def cancel(self, run_id: str, reason: str = "", actor: str | None = None) -> None:
        """Cancel a run (with a reason)."""
        self._call(
            lambda u: operations.cancel_run(u, u.run(run_id), reason or "canceled by operator"),
            actor,
            "operator",
            "cancel runs",
        )

    def pause(self, run_id: str, reason: str = "", actor: str | None = None) -> None:
        """Pause a run: no new steps start."""
        self._call(
            lambda u: operations.pause_run(u, u.run(run_id), reason),
            actor,
            "operator",
            "pause runs",
        )

    def resume(self, run_id: str, actor: str | None = None, reason: str = "") -> None:
        """Resume a paused run (the reason is logged)."""
        self._call(
            lambda u: operations.resume_run(u, u.run(run_id), reason),
            actor,
            "operator",
            "resume runs",
        )

    def retry(self, run_id: str, step_id: str, actor: str | None = None, reason: str = "") -> None:
        """Retry a failed background step (the reason is logged)."""
        self._call(
            lambda u: operations.retry_step(u, u.run(run_id), step_id, reason),
            actor,
            "operator",
            "retry steps",
        )

    def skip(
        self,
        run_id: str,
        step_id: str,
        outputs: dict[str, Any] | None = None,
        actor: str | None = None,
        reason: str = "",
    ) -> None:
        """Skip a step, giving the outputs later steps expect (checked for an interactive
        step like a completion's; the reason is logged)."""
        self._call(
            lambda u: operations.skip_step(u, u.run(run_id), step_id, outputs, reason),
            actor,
            "operator",
            "skip steps",
        )

    def edit_variables(
        self,
        run_id: str,
        values: dict[str, Any],
        reason: str,
        actor: str | None = None,
    ) -> dict[str, Any]:
        """Change declared variables of a run (operators): each value is checked against its
        declared type, the change is logged with the old values and the reason, and the run
        is re-checked (an exit condition may hold now). Returns the run's variables.

        Raises:
            InvalidInput: an undeclared name, a mistyped value, or no reason; nothing changes.
            Conflict: the run is completed or canceled.
        """

        def work(u: Unit) -> dict[str, Any]:
            run = u.run(run_id)
            operations.edit_variables(u, run, values, reason)
            return dict(run.variables)

        return self._call(work, actor, "operator", "edit run variables")

    def nudge(self, run_id: str, actor: str | None = None) -> bool:
        """Evaluate a run's conditions again (operators): a stage whose exit condition came
        to hold through a change outside the run moves on. Returns whether the run moved."""
        return self._call(
            lambda u: operations.recheck(u, u.run(run_id)), actor, "operator", "nudge runs"
        )

    def reassign(
        self,
        item_id: str,
        to: str,
        reason: str = "",
        actor: str | None = None,
        force: bool = False,
    ) -> None:
        """Reassign one open work item.

        Raises:
            Conflict: nobody could work for `to` (unknown or inactive user, group without an
                active member), unless `force`.
        """
        self._call(
            lambda u: workitems.reassign_item(u, item_id, to, reason, actor, force),
            actor,
            "operator",
            "reassign work items",
        )

    def reassign_all(
        self,
        source: str,
        to: str,
        reason: str = "",
        actor: str | None = None,
        force: bool = False,
    ) -> list[str]:
        """Reassign every open item of `source` (e.g. `user:bob` who left) to `to` (refused,
        unless `force`, when nobody could work for `to`)."""
        return self._call(
            lambda u: workitems.reassign_all(u, source, to, reason, actor, force),
            actor,
            "operator",
            "reassign work items",
        )

    # --- directory ---------------------------------------------------------------------

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
        """Add (or update) a user with group and queue memberships (admins only).

        Args:
            admin: shorthand for `role="admin"`.
            role: "admin", "operator" or "assignee"; None keeps an existing user's role.
        """
        with self.store.transaction() as conn:
            self._require(conn, actor, "admin", "manage users")
            before = directory.get_user(conn, name)
            directory.add_user(
                conn,
                name,
                groups_=groups,
                queues=queues,
                role="admin" if admin else role,
                email=email,
            )
            now = format_time(self.clock.now())
            audit.record_user(conn, now, actor, before, directory.get_user(conn, name))

    def deactivate_user(self, name: str, actor: str | None = None) -> None:
        """Deactivate a user; their open items show up as stuck until reassigned."""
        with self.store.transaction() as conn:
            self._require(conn, actor, "admin", "manage users")
            before = directory.get_user(conn, name)
            directory.set_active(conn, name, False)
            now = format_time(self.clock.now())
            audit.record_user(conn, now, actor, before, directory.get_user(conn, name))
