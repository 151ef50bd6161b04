"""What a run did, read back from the engine, and the comparison with what a scenario expects.

Everything is read the way a user would see it: the run's log (`Engine.log`), its detail
(`Engine.run`) and the emails its actions queued. Each expectation that differs becomes one
line naming the field, what was expected and what happened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from engine.proctest.format import EmailSpec, EscalationSpec, Expectations, FaultSpec, ItemSpec
from engine.runtime.events import EventType
from engine.runtime.protocol import RunEngine
from engine.store.schema import outbox


@dataclass
class Observed:
    """What the scenario's run (the first one started) looks like now."""

    runs: int
    status: str | None = None
    end: str | None = None
    outcome: str | None = None
    stage: str | None = None
    path: list[str] = field(default_factory=list)
    steps: dict[str, str] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    work_items: list[dict[str, Any]] = field(default_factory=list)
    open_items: list[dict[str, Any]] = field(default_factory=list)
    emails: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    escalated: list[dict[str, Any]] = field(default_factory=list)
    faulted: list[dict[str, Any]] = field(default_factory=list)


def emails_of(engine: RunEngine, run_id: str) -> list[dict[str, Any]]:
    """The emails a run's actions sent (rows of the outbox: to, subject, body), oldest first."""
    with engine.store.read() as conn:
        rows = conn.execute(
            select(outbox.c.message).where(outbox.c.run_id == run_id).order_by(outbox.c.id)
        ).all()
    return [json.loads(row.message) for row in rows]


def observe(engine: RunEngine, run_ids: list[str]) -> Observed:
    """Read the first run back from the engine (an empty observation when none started)."""
    if not run_ids:
        return Observed(runs=0)
    run_id = run_ids[0]
    detail = engine.run(run_id)
    seen = Observed(
        runs=len(run_ids),
        status=detail["status"],
        stage=detail.get("stage"),
        steps={s["id"]: s["status"] for s in detail["steps"]},
        variables=dict(detail["variables"]),
        open_items=[{"step": i["step"], "assignee": i["assignee"]} for i in detail["open_items"]],
        emails=emails_of(engine, run_id),
    )
    for entry in engine.log(run_id):
        kind, data = entry["type"], entry["payload"]
        if kind == EventType.STAGE_ENTERED:
            seen.path.append(data["stage"])
        elif kind == EventType.RUN_COMPLETED:
            seen.end = data.get("end")
            # Logs leave the outcome out when it is the plain `completed`.
            seen.outcome = data.get("outcome") or "completed"
        elif kind == EventType.STAGE_FAULTED:
            seen.faulted.append({"stage": data["stage"], "step": data.get("step")})
        elif kind == EventType.ITEM_CREATED:
            seen.work_items.append({"step": data["step"], "assignee": data["assignee"]})
        elif kind == EventType.ITEM_OVERDUE:
            seen.overdue.append(data["step"])
        elif kind == EventType.ITEM_REASSIGNED and str(data.get("reason", "")).startswith(
            "escalated"
        ):
            seen.escalated.append({"step": data["step"], "to": data["to"]})
    return seen


def _item_matches(spec: ItemSpec, item: dict[str, Any]) -> bool:
    return (spec.step is None or spec.step == item["step"]) and (
        spec.assignee is None or spec.assignee == item["assignee"]
    )


def _items(specs: list[ItemSpec], actual: list[dict[str, Any]], ordered: bool) -> bool:
    """In order, or (items opened at one moment have no order) as a set of pairs."""
    if len(specs) != len(actual):
        return False
    if ordered:
        return all(_item_matches(s, i) for s, i in zip(specs, actual, strict=True))
    left = list(actual)
    for spec in specs:
        match = next((i for i in left if _item_matches(spec, i)), None)
        if match is None:
            return False
        left.remove(match)
    return True


def _email_matches(spec: EmailSpec, email: dict[str, Any]) -> bool:
    to = email.get("to")
    to_text = to if isinstance(to, str) else ", ".join(to or [])
    return (
        (spec.to is None or spec.to == to_text)
        and (spec.subject is None or spec.subject == email.get("subject"))
        and (spec.body_contains is None or spec.body_contains in str(email.get("body", "")))
    )


def _escalations(specs: list[EscalationSpec], actual: list[dict[str, Any]]) -> bool:
    if len(specs) != len(actual):
        return False
    return all(
        spec.step == found["step"] and (spec.to is None or spec.to == found["to"])
        for spec, found in zip(specs, actual, strict=True)
    )


def _faults(specs: list[FaultSpec], actual: list[dict[str, Any]]) -> bool:
    if len(specs) != len(actual):
        return False
    return all(
        spec.stage == found["stage"] and (spec.step is None or spec.step == found["step"])
        for spec, found in zip(specs, actual, strict=True)
    )


def _shown(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v!r}" for k, v in value.items()) + "}"
    return repr(value)


def _spec_list(specs: list[Any]) -> list[dict[str, Any]]:
    return [s.model_dump(exclude_none=True) for s in specs]


def compare(expected: Expectations, seen: Observed, where: str) -> list[str]:
    """One line per expectation that does not hold, each starting with `where.field`."""
    problems: list[str] = []

    def differs(name: str, want: Any, got: Any) -> None:
        problems.append(f"{where}.{name}: expected {_shown(want)}, got {_shown(got)}")

    if expected.runs is not None and expected.runs != seen.runs:
        differs("runs", expected.runs, seen.runs)
    if seen.runs == 0:
        wanted = [n for n in type(expected).model_fields if n != "runs"]
        if any(getattr(expected, n) is not None for n in wanted):
            problems.append(f"{where}: no run started, so nothing else can be checked")
        return problems
    for name in ("status", "end", "outcome", "stage", "path", "overdue"):
        want = getattr(expected, name)
        if want is not None and want != getattr(seen, name):
            differs(name, want, getattr(seen, name))
    for step_id, status in (expected.steps or {}).items():
        got = seen.steps.get(step_id, "not_started")
        if got != status:
            differs(f"steps.{step_id}", status, got)
    for name, value in (expected.variables or {}).items():
        if name not in seen.variables:
            problems.append(f"{where}.variables.{name}: expected {value!r}, but it is not set")
        elif seen.variables[name] != value:
            differs(f"variables.{name}", value, seen.variables[name])
    for name, ordered in (("work_items", True), ("open_items", False)):
        specs = getattr(expected, name)
        if specs is not None and not _items(specs, getattr(seen, name), ordered):
            differs(name, _spec_list(specs), getattr(seen, name))
    if expected.emails is not None:
        ok = len(expected.emails) == len(seen.emails) and all(
            _email_matches(s, e) for s, e in zip(expected.emails, seen.emails, strict=False)
        )
        if not ok:
            sent = [{"to": e.get("to"), "subject": e.get("subject")} for e in seen.emails]
            differs("emails", _spec_list(expected.emails), sent)
    if expected.escalated is not None and not _escalations(expected.escalated, seen.escalated):
        differs("escalated", _spec_list(expected.escalated), seen.escalated)
    if expected.faulted is not None and not _faults(expected.faulted, seen.faulted):
        differs("faulted", _spec_list(expected.faulted), seen.faulted)
    return problems
