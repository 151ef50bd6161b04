"""`Listing`: the two list calls with many filters, `runs` and `work_items`, written once
for both runtimes: their parameters, defaults, documentation and checks.

The local engine (`engine.runtime.reading`) and Temporal's (`engine.temporal.lists`) mix it
in and each says only how it selects what the filters describe (`_select_runs`,
`_select_work_items`): one from its tables, the other from Temporal's visibility.
`engine.runtime.protocol.RunEngine` extends it, so the signatures are typed from here too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from engine.errors import InvalidInput
from engine.runtime.selection import RunSelection, WorkSelection
from engine.runtime.state import RUN_STATUSES
from engine.store.times import format_time


class Listing(Protocol):
    """`runs` and `work_items` (see the module docstring).

    A Protocol with the calls' code in it: the engines inherit it (and so have the calls),
    and `RunEngine` extends it (so the calls are typed from this one definition).
    """

    def runs(
        self,
        status: str | None = None,
        stuck: bool = False,
        *,
        orchestration: str | None = None,
        version: int | None = None,
        stage: str | None = None,
        started_after: datetime | None = None,
        started_before: datetime | None = None,
        after: tuple[str, str] | None = None,
        limit: int | None = None,
        outcome: str | None = None,
        assignee: str | None = None,
    ) -> list[dict[str, Any]]:
        """Runs, newest first; `stuck=True` lists only stuck runs (failed ones too), with
        their reasons. Every filter given must match.

        Args:
            outcome: completed runs that reached an end with this outcome.
            assignee: runs with an open work item of exactly this user:/group:/queue:.
            started_after: started at or after this time; `started_before`: before it.
            after: (started_at, id) of the last run of the previous page.
            limit: at most this many (None: all).

        Raises:
            InvalidInput: `status` is not a run status.
        """
        if status is not None and status not in RUN_STATUSES:
            raise InvalidInput(
                f"{status!r} is not a run status", hint="use one of " + ", ".join(RUN_STATUSES)
            )
        selection = RunSelection(
            status=status,
            orchestration=orchestration,
            version=version,
            stage=stage,
            started_after=format_time(started_after) if started_after else None,
            started_before=format_time(started_before) if started_before else None,
            after=after,
            limit=limit,
            outcome=outcome,
            assignee=assignee,
        )
        return self._select_runs(selection, stuck)

    def work_items(
        self,
        user: str | None = None,
        include_closed: bool = False,
        *,
        assignee: str | None = None,
        after: tuple[str, str] | None = None,
        limit: int | None = None,
        orchestration: str | None = None,
        version: int | None = None,
        stage: str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Open work items (all, or those `user` may complete), oldest first, each with its
        `problem` (why nobody can complete it, or None; None for a closed one). Every filter
        given must match.

        Args:
            include_closed: completed and withdrawn items too (`work list --all`).
            assignee: only items assigned to exactly this `user:`/`group:`/`queue:` name.
            orchestration, version: only items of runs of this orchestration (version).
            stage: only items of runs whose current stage this is.
            created_after: created at or after this time; `created_before`: before it.
            after: (created_at, id) of the last item of the previous page.
            limit: at most this many (None: all).
        """
        selection = WorkSelection(
            assignee=assignee,
            orchestration=orchestration,
            version=version,
            stage=stage,
            created_after=format_time(created_after) if created_after else None,
            created_before=format_time(created_before) if created_before else None,
        )
        return self._select_work_items(user, include_closed, selection, after, limit)

    def _select_runs(self, selection: RunSelection, stuck: bool) -> list[dict[str, Any]]:
        """The runs `selection` describes (only stuck ones, with reasons, if `stuck`)."""
        ...

    def _select_work_items(
        self,
        user: str | None,
        include_closed: bool,
        selection: WorkSelection,
        after: tuple[str, str] | None,
        limit: int | None,
    ) -> list[dict[str, Any]]:
        """The work items `selection` describes, the page after `after`."""
        ...
