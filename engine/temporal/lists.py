"""Listing calls of `TemporalEngine`: runs, work items and waits across runs, from
Temporal's visibility (search attributes the workflow publishes), each run's detail read by
a query of its workflow.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from temporalio.client import WorkflowExecution, WorkflowExecutionStatus

from engine.errors import NotFound
from engine.runtime import itemchecks
from engine.runtime.listing import Listing
from engine.runtime.selection import RunSelection, WorkSelection
from engine.store import directory, format_time
from engine.temporal import shapes
from engine.temporal.channel import Channel, quote
from engine.temporal.workflow import BatonRun

MEMO_PAGE = 200
"""Runs per visibility page when their memos come along (`work list --all`): at most
`shapes.ITEMS_MEMO_CHARS` each, so a page stays far below gRPC's 4 MB message limit."""
DETAILS_KEPT = 5000
"""How many runs' last detail query a client keeps (see `RunLists._detail`)."""


def seq_of(wf: WorkflowExecution) -> int:
    """The run's last event number as visibility shows it (its `BatonSeq`; 0: unknown)."""
    return int(wf.typed_search_attributes.get(shapes.SEQ) or 0)


class RunLists(Channel, Listing):
    """`Engine.runs` and `work_items` (`Listing`'s filters) and `waits` over visibility; see
    the module docstring."""

    async def _detail(self, run_id: str, seq: int = 0) -> dict[str, Any]:
        """The run's detail query, answered from the last one while visibility shows no
        newer event than it had (`seq`, the run's `BatonSeq` in the listing at hand).

        A run's detail changes only with its events, and every event raises `BatonSeq`: so
        a listing that is read again (the designer's views, after each change anywhere)
        queries only the runs that moved since, not every run listed. `seq` 0 (unknown)
        always queries. Kept per client, for the `DETAILS_KEPT` runs used last.
        """
        kept = self._details.get(run_id)
        if kept is not None and seq and kept["seq"] >= seq:
            self._details.move_to_end(run_id)
            return copy.deepcopy(kept)
        return await self._fresh_detail(run_id)

    async def _fresh_detail(self, run_id: str) -> dict[str, Any]:
        """The run's detail query, kept for `_detail`."""
        detail = await self._query(run_id, BatonRun.detail)
        self._details[run_id] = copy.deepcopy(detail)  # callers change theirs
        self._details.move_to_end(run_id)
        while len(self._details) > DETAILS_KEPT:
            self._details.popitem(last=False)
        return detail

    def open_waits(self) -> list[dict[str, Any]]:
        """What waiting runs listen for: run, step, event name and correlation key (as
        `Engine.open_waits`, in its order)."""
        found = self.waits()
        return sorted(found, key=lambda w: (w["event"], str(w["key"]), w["run"]))

    def run_seqs(self, closed_since: datetime | None = None) -> dict[str, int]:
        """Each run's last event number, from visibility: every run, or (with
        `closed_since`) the open runs and those that closed since then. A client polls
        this to see which runs moved (`engine.temporal.changes`)."""
        where = ""
        if closed_since is not None:
            where = f"(ExecutionStatus = 'Running' OR CloseTime >= '{format_time(closed_since)}')"
        return {
            wf.id: int(wf.typed_search_attributes.get(shapes.SEQ) or 0)
            for wf in self._do(self._list(where))
        }

    def waits(
        self, run_id: str | None = None, event: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Wait steps holding for an event (of one run, or for one event name); at most
        `limit` (None: all)."""
        return self._do(self._waits(run_id, event, limit))

    async def _waits(
        self, run_id: str | None, event: str | None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        if run_id is not None:
            listed = {run_id: 0}
        else:
            where = f"{shapes.WAITS.name} IS NOT NULL"
            if event:
                where = f"{shapes.WAITS.name} = {quote('name:' + event, 'event')}"
            listed = {wf.id: seq_of(wf) for wf in await self._list(where)}
        found: list[dict[str, Any]] = []
        for rid in sorted(listed):
            if limit is not None and len(found) >= limit:
                break  # each run is one query: stop once there are enough
            detail = await self._detail(rid, listed[rid])
            found += [w for w in detail["waits"] if event is None or w["event"] == event]
        return found if limit is None else found[:limit]

    def _select_runs(self, selection: RunSelection, stuck: bool) -> list[dict[str, Any]]:
        # `Listing.runs` from visibility; `assignee` matches the `BatonAssignees` list each
        # run publishes of its open items.
        where = []
        for key, value in (
            (shapes.STATUS, selection.status),
            (shapes.ORCHESTRATION, selection.orchestration),
            (shapes.STAGE, selection.stage),
        ):
            if value is not None:
                where.append(f"{key.name} = {quote(value, key.name)}")
        if selection.outcome is not None:
            where.append(f"{shapes.OUTCOME.name} = {quote(selection.outcome, 'outcome')}")
        if selection.assignee is not None:
            # `=` on a keyword list matches a run whose list holds this value exactly
            where.append(f"{shapes.ASSIGNEES.name} = {quote(selection.assignee, 'assignee')}")
        if selection.version is not None:
            where.append(f"{shapes.VERSION.name} = {int(selection.version)}")
        if selection.started_after is not None:
            where.append(f"{shapes.STARTED_AT.name} >= '{selection.started_after}'")
        if selection.started_before is not None:
            where.append(f"{shapes.STARTED_AT.name} < '{selection.started_before}'")
        if stuck:
            where.append(f"{shapes.STATUS.name} IN ('waiting', 'running', 'failed')")
        listed = self._do(self._list(" AND ".join(where)))
        found = [summary(wf) for wf in listed]
        if stuck:
            found = self._do(self._stuck(found, {wf.id: seq_of(wf) for wf in listed}))
        found.sort(key=lambda r: r["id"])
        found.sort(key=lambda r: r["started_at"] or "", reverse=True)
        if selection.after is not None:
            last_time, last_id = selection.after
            found = [
                r
                for r in found
                if r["started_at"] < last_time
                or (r["started_at"] == last_time and r["id"] > last_id)
            ]
        return found if selection.limit is None else found[: selection.limit]

    async def _stuck(
        self, found: list[dict[str, Any]], seqs: dict[str, int]
    ) -> list[dict[str, Any]]:
        """The runs that need a person, each with its reasons (`Engine.runs(stuck=True)`);
        `seqs`: each run's last event number in the listing."""
        now = format_time(self.clock.now())
        problems: dict[str, str | None] = {}
        result = []
        for row in found:
            detail = await self._detail(row["id"], seqs.get(row["id"], 0))
            if detail["status"] == "failed":
                reasons = [itemchecks.failed_reason(detail["error"])]
                result.append({**row, "error": detail["error"], "reasons": reasons})
                continue
            reasons = []
            for item in detail["open_items"]:
                if item["overdue"] or (item["due_at"] and item["due_at"] <= now):
                    reasons.append(
                        itemchecks.overdue_reason(item["id"], item["step"], item["due_at"])
                    )
                if not item["assignee"]:
                    why: str | None = (await self._unassigned(row["id"])).get(
                        item["id"], itemchecks.NO_ASSIGNEE
                    )
                else:
                    if item["assignee"] not in problems:
                        problems[item["assignee"]] = self.assignee_problem(item["assignee"])
                    why = problems[item["assignee"]]
                if why:
                    reasons.append(itemchecks.item_reason(item["id"], item["step"], why))
            if not detail["open_items"] and not detail["waits"] and not detail["timers"]:
                reasons.append(itemchecks.NOTHING_TO_WAIT_ON)
            if reasons:
                result.append({**row, "reasons": reasons})
        return result

    def _select_work_items(
        self,
        user: str | None,
        include_closed: bool,
        selection: WorkSelection,
        after: tuple[str, str] | None,
        limit: int | None,
    ) -> list[dict[str, Any]]:
        """Work items from visibility (`Listing.work_items`): open ones, or with
        `include_closed` completed and withdrawn ones too, read from every run that has
        opened an item."""
        of_runs = {
            "orchestration": selection.orchestration,
            "version": selection.version,
            "stage": selection.stage,
        }
        created = (selection.created_after, selection.created_before)
        return self._do(
            self._work_items(
                user, selection.assignee, of_runs, created, after, limit, include_closed
            )
        )

    async def _work_items(
        self,
        user: str | None,
        assignee: str | None,
        of_runs: dict[str, Any],
        created: tuple[str | None, str | None],
        after: tuple[str, str] | None,
        limit: int | None,
        include_closed: bool = False,
    ) -> list[dict[str, Any]]:
        allowed: set[str] | None = None
        if user:
            with self.store.read() as conn:
                allowed = itemchecks.assignees_of(user, directory.get_user(conn, user))
        wanted = allowed if assignee is None else {assignee} & (allowed or {assignee})
        if wanted is not None and not wanted:
            return []
        since, before = created
        if include_closed:
            # A closed item's assignee is in no search attribute (BatonAssignees holds the
            # open ones), so every run that opened an item is listed; the creation times
            # narrow the runs (an item is made while its run is open), and so does a page's
            # cursor: the items after it were made at or after its time.
            where = [f"{shapes.ITEMS.name} IS NOT NULL"]
            if before is not None:
                where.append(f"{shapes.STARTED_AT.name} < '{before}'")
            made_since = max((t for t in (since, after and after[0]) if t), default=None)
            if made_since is not None:
                where.append(f"(ExecutionStatus = 'Running' OR CloseTime >= '{made_since}')")
        elif wanted is None:
            where = [f"{shapes.ASSIGNEES.name} IS NOT NULL"]
        else:
            listed = ", ".join(quote(a, "assignee") for a in sorted(wanted))
            where = [f"{shapes.ASSIGNEES.name} IN ({listed})"]
        for key, value in (
            (shapes.ORCHESTRATION, of_runs["orchestration"]),
            (shapes.STAGE, of_runs["stage"]),
        ):
            if value is not None:
                where.append(f"{key.name} = {quote(value, key.name)}")
        if of_runs["version"] is not None:
            where.append(f"{shapes.VERSION.name} = {int(of_runs['version'])}")
        # A run that continued as new is listed once per execution; its id reaches the
        # last, whose event number is the highest (the latest started, of equal ones).
        listed: dict[str, WorkflowExecution] = {}
        page = MEMO_PAGE if include_closed else 1000
        for wf in await self._list(" AND ".join(where), page):
            kept = listed.get(wf.id)
            if kept is None or (seq_of(wf), wf.start_time) >= (seq_of(kept), kept.start_time):
                listed[wf.id] = wf
        items = []
        for run_id, wf in listed.items():
            if include_closed:
                remembered = await _remembered_items(wf)
                if remembered is not None:
                    detail, found = summary(wf), remembered
                else:
                    detail = await self._query(run_id, BatonRun.items)
                    found = detail["items"]
            else:
                detail = await self._detail(run_id, seq_of(wf))
                found = detail["open_items"]
            # visibility lags the run a little: the run's own state has the last word
            if any(v is not None and detail[k] != v for k, v in of_runs.items()):
                continue
            items += [i for i in found if wanted is None or i["assignee"] in wanted]
        items = [
            i
            for i in items
            if (since is None or (i["created_at"] or "") >= since)
            and (before is None or (i["created_at"] or "") < before)
        ]
        items.sort(key=lambda i: (i["created_at"] or "", i["id"]))
        self._item_runs.update((i["id"], i["run"]) for i in items)
        if after is not None:
            items = [i for i in items if (i["created_at"], i["id"]) > tuple(after)]
        items = items if limit is None else items[:limit]
        await self._with_problems(items)
        return items

    async def _with_problems(self, items: list[dict[str, Any]]) -> None:
        """Set each open item's `problem`: why nobody can complete it, or None (as the
        local runtime does); one catalogue look-up per assignee, not per item."""
        known: dict[str, str | None] = {}
        for item in items:
            name = item["assignee"]
            if item["status"] != "open":
                item["problem"] = None  # only an open item can be stuck
                continue
            if not name:
                reasons = await self._unassigned(item["run"])
                item["problem"] = reasons.get(item["id"], itemchecks.NO_ASSIGNEE)
                continue
            if name not in known:
                known[name] = self.assignee_problem(name)
            item["problem"] = known[name]

    async def _unassigned(self, run_id: str) -> dict[str, str]:
        """Why items of a run were opened with no assignee, by item id, from its log (as
        the local runtime reads them): rare, so read only for such an item."""
        log = await self._query(run_id, BatonRun.events, 0)
        return {
            e["payload"]["item"]: itemchecks.unassigned_reason(e["payload"]["unassigned"])
            for e in log
            if e["type"] == "item_created" and e["payload"].get("unassigned")
        }

    async def _item(self, item_id: str) -> dict[str, Any]:
        run_id = self._item_runs.get(item_id)
        if run_id is None:
            runs = await self._list(f"{shapes.ITEMS.name} = {quote(item_id, 'work item')}")
            if not runs:
                raise NotFound(
                    f"no work item {item_id!r}", hint="list items with `baton work list`"
                )
            run_id = self._item_runs[item_id] = runs[0].id
        found = await self._query(run_id, BatonRun.item, item_id)
        if found is None:
            raise NotFound(f"no work item {item_id!r}", hint="list items with `baton work list`")
        return found


async def _remembered_items(wf: WorkflowExecution) -> list[dict[str, Any]] | None:
    """The items a closed run left in its memo as it ended (`shapes.ITEMS_MEMO`), in
    `views.item`'s shape; None for a run still open (its items still change: it is
    queried) or one that left none (it ended before the `baton-items-memo` patch, or its
    items were too many for a memo)."""
    if wf.status == WorkflowExecutionStatus.RUNNING:
        return None
    found = await wf.memo_value(shapes.ITEMS_MEMO, None)
    if found is None:
        return None
    attrs = wf.typed_search_attributes
    row = {
        "run": wf.id,
        "orchestration": attrs.get(shapes.ORCHESTRATION),
        "version": attrs.get(shapes.VERSION),
    }
    return [{**item, **row} for item in found]


def summary(wf: WorkflowExecution) -> dict[str, Any]:
    """A run's `baton runs` row from its search attributes (`Engine.runs`' shape)."""
    attrs = wf.typed_search_attributes
    ended = attrs.get(shapes.ENDED_AT)
    if ended is None and wf.close_time:
        ended = format_time(wf.close_time)  # a run from before the `run-rows` patch
    return {
        "id": wf.id,
        "orchestration": attrs.get(shapes.ORCHESTRATION),
        "version": attrs.get(shapes.VERSION),
        "status": attrs.get(shapes.STATUS),
        "stage": attrs.get(shapes.STAGE) or None,
        "started_at": attrs.get(shapes.STARTED_AT),
        "ended_at": ended or None,
        "error": attrs.get(shapes.ERROR) or None,
        "outcome": attrs.get(shapes.OUTCOME) or None,
    }
