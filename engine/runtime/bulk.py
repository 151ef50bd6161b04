"""Bulk operator actions: cancel or retry every run a filter matches, with a dry run first.

Built on the engine's public calls only: each run is canceled or retried by its own
`Engine.cancel` / `Engine.retry` call (its own transaction), so each is logged on that run
with who did it and why, exactly as a single action would be. A run that changed meanwhile
(finished, already canceled) is reported as refused with the engine's message and the rest
go on; a missing role stops the whole action before any run is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.errors import BatonError, InvalidInput, PermissionDenied

if TYPE_CHECKING:
    from engine.runtime.protocol import RunEngine

CANCELABLE = ("running", "waiting", "paused", "failed")


@dataclass(frozen=True, slots=True)
class RunFilter:
    """Which runs a bulk action applies to; every given field must match."""

    orchestration: str | None = None
    version: int | None = None
    status: str | None = None
    stage: str | None = None
    stuck_reason: str | None = None
    """Only stuck runs with a reason containing this text (any stuck run when empty)."""

    def matches(self, run: dict[str, Any]) -> bool:
        """Whether a run summary (as `Engine.runs` lists it) passes this filter."""
        wanted = (
            ("orchestration", self.orchestration),
            ("version", self.version),
            ("status", self.status),
            ("stage", self.stage),
        )
        if any(value is not None and run[key] != value for key, value in wanted):
            return False
        if self.stuck_reason is None:
            return True
        text = self.stuck_reason.lower()
        return any(text in reason.lower() for reason in run.get("reasons", []))


@dataclass
class BulkResult:
    """What a bulk action matched, did, and could not do (run id, the engine's message)."""

    matched: list[str]
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        """The `--format json` / HTTP form."""
        return {
            "matched": self.matched,
            "done": self.done,
            "refused": [{"run": run, "message": message} for run, message in self.refused],
            "dry_run": self.dry_run,
        }


def matching_runs(engine: RunEngine, run_filter: RunFilter) -> list[dict[str, Any]]:
    """Run summaries that pass the filter, newest first."""
    found = engine.runs(status=run_filter.status, stuck=run_filter.stuck_reason is not None)
    return [r for r in found if run_filter.matches(r)]


def _need_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidInput(
            "a bulk action needs a reason", field="reason", hint="say why (it is logged)"
        )


BulkAction = Callable[["RunEngine", RunFilter, str, "str | None", bool], BulkResult]
"""`bulk_cancel` or `bulk_retry`: (engine, filter, reason, actor, dry_run) -> result."""


def _act_on_each(runs: list[str], dry_run: bool, act: Callable[[str], None]) -> BulkResult:
    # Each run in its own engine call: one refusal (a run that finished meanwhile) is
    # reported and the rest go on; a missing role stops everything at the first run.
    result = BulkResult(runs, dry_run=dry_run)
    if dry_run:
        return result
    for run_id in runs:
        try:
            act(run_id)
        except PermissionDenied:
            raise
        except BatonError as exc:
            result.refused.append((run_id, str(exc)))
        else:
            result.done.append(run_id)
    return result


def bulk_cancel(
    engine: RunEngine,
    run_filter: RunFilter,
    reason: str,
    actor: str | None = None,
    dry_run: bool = False,
) -> BulkResult:
    """Cancel every matching run that is still cancelable (running, waiting, paused or
    failed); with `dry_run`, only say which.

    Raises:
        InvalidInput: no reason given.
        PermissionDenied: `actor` may not cancel runs (nothing is canceled).
    """
    _need_reason(reason)
    runs = [r["id"] for r in matching_runs(engine, run_filter) if r["status"] in CANCELABLE]
    return _act_on_each(runs, dry_run, lambda run_id: engine.cancel(run_id, reason, actor=actor))


def bulk_retry(
    engine: RunEngine,
    run_filter: RunFilter,
    reason: str,
    actor: str | None = None,
    dry_run: bool = False,
) -> BulkResult:
    """Retry the failed steps of every matching failed run; with `dry_run`, only say which.

    Raises:
        InvalidInput: no reason given.
        PermissionDenied: `actor` may not retry steps (nothing is retried).
    """
    _need_reason(reason)
    runs = [r["id"] for r in matching_runs(engine, run_filter) if r["status"] == "failed"]

    def retry(run_id: str) -> None:
        failed = [s["id"] for s in engine.run(run_id)["steps"] if s["status"] == "failed"]
        if not failed:
            raise InvalidInput(f"run {run_id} has no failed step to retry")
        for step_id in failed:
            engine.retry(run_id, step_id, actor=actor, reason=reason)

    return _act_on_each(runs, dry_run, retry)
