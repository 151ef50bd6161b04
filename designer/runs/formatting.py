"""How the live panels word and colour things: times, ages, statuses and log events."""

from __future__ import annotations

import getpass
import json
import os
from datetime import datetime
from typing import Any

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from engine.runtime.events import EventType
from engine.store import parse_time

# One palette for every live view (the canvas overlay uses the same meanings).
STATUS_COLORS = {
    "not_started": "#9aa0a6",
    "ready": "#1a73e8",
    "running": "#1a73e8",
    "waiting": "#e8a317",
    "paused": "#8e24aa",
    "completed": "#188038",
    "failed": "#d93025",
    "skipped": "#80868b",
    "canceled": "#80868b",
}
OVERDUE_COLOR = "#d93025"
OVERDUE_TEXT_DARK = "#f28b82"
"""Overdue text on a dark window: the red above read at 3.5:1 on the dark list."""


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`1 run`, `2 runs`: a count with its noun in the right number."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def overdue_text_color() -> QColor:
    """The colour of overdue or error text (the inbox, the runs' stuck column, a form's
    messages): the overdue red on a light window, a lighter red on a dark one, both at
    4.5:1 or better."""
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    return QColor(OVERDUE_TEXT_DARK if base.lightness() < 128 else OVERDUE_COLOR)


def ok_text_color() -> QColor:
    """Green text that reads on the window: a success message (a connection that works)."""
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    return QColor("#81c995" if base.lightness() < 128 else "#137333")


def status_color(status: str | None) -> QColor:
    """The colour of a run, stage or step status."""
    return QColor(STATUS_COLORS.get(status or "", "#5f6368"))


def status_text(status: str | None) -> str:
    """`not_started` -> `Not started`."""
    return (status or "").replace("_", " ").capitalize()


def operator_name() -> str:
    """Who the operator is, for the log: `$BATON_USER`, else the login name (as the CLI)."""
    return os.environ.get("BATON_USER") or getpass.getuser()


def when(text: str | None) -> str:
    """A stored time as `2026-01-05 09:00` (UTC), or an empty string."""
    if not text:
        return ""
    return parse_time(text).strftime("%Y-%m-%d %H:%M")


def age(since: str | None, now: datetime) -> str:
    """How long ago, coarsely: `45 s`, `12 min`, `5 h 10 min`, `3 d 4 h`."""
    if not since:
        return ""
    seconds = max(0, int((now - parse_time(since)).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"


def home_relative(text: str) -> str:
    """A path under the user's home written from `~` (a message file in the outbox reads
    `~/.local/share/baton/outbox/…`), anything else as it is."""
    home = os.path.expanduser("~").rstrip(os.sep)
    if home and text.startswith(home + os.sep):
        return "~" + text[len(home) :]
    return text


def is_overdue(due_at: str | None, now: datetime, flagged: bool = False) -> bool:
    """Whether an item is past due (flagged by the engine, or due before now)."""
    return flagged or bool(due_at and parse_time(due_at) <= now)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return home_relative(value)
    return json.dumps(value, separators=(", ", ": "), default=str)


def _pairs(values: dict[str, Any] | None) -> str:
    return ", ".join(f"{k}={_value(v)}" for k, v in (values or {}).items())


def describe_event(event: dict[str, Any], names: dict[str, str] | None = None) -> tuple[str, str]:
    """A log event as (short title, details) for people.

    Args:
        event: as `Engine.log` gives it.
        names: element id -> display name (stages, steps, decisions, ends).
    """
    kind = event["type"]
    data = event.get("payload") or {}

    def name(element_id: Any) -> str:
        return (names or {}).get(element_id) or str(element_id or "")

    step = name(data.get("step", ""))
    details = {
        EventType.RUN_STARTED: lambda: (
            f"v{data.get('version')} by {data.get('trigger', 'manual')}; "
            + _pairs(data.get("inputs"))
        ),
        EventType.STAGE_ENTERED: lambda: f"{name(data['stage'])} (visit {data.get('visit', 1)})",
        EventType.STAGE_COMPLETED: lambda: name(data["stage"]),
        EventType.DECISION_TAKEN: lambda: (
            f"{name(data['decision'])} → {name(data['to'])}"
            + (" (default)" if data.get("default") else f" because {data.get('condition')}")
        ),
        EventType.STEP_STARTED: lambda: step,
        EventType.STEP_COMPLETED: lambda: f"{step} {_pairs(data.get('outputs'))}".strip(),
        EventType.STEP_SKIPPED: lambda: f"{step}: {data.get('reason', '')}",
        EventType.STEP_CANCELED: lambda: f"{step}: {data.get('reason', '')}",
        EventType.STEP_FAILED: lambda: f"{step}: {data.get('error', '')}",
        EventType.STEP_ATTEMPT_FAILED: lambda: (
            f"{step} attempt {data.get('attempt')}: {data.get('error', '')}"
        ),
        EventType.STEP_RETRY_SCHEDULED: lambda: f"{step} at {when(data.get('at'))}",
        EventType.ITEM_CREATED: lambda: (
            f"{data['item']} for {data['assignee']} ({step})"
            + (f", due {when(data['due_at'])}" if data.get("due_at") else "")
        ),
        EventType.ITEM_COMPLETED: lambda: f"{data['item']} ({step}) {_pairs(data.get('outputs'))}",
        EventType.ITEM_REASSIGNED: lambda: (
            f"{data['item']} {data['from']} → {data['to']}"
            + (f": {data['reason']}" if data.get("reason") else "")
        ),
        EventType.ITEM_WITHDRAWN: lambda: f"{data['item']} ({step}): {data.get('reason', '')}",
        EventType.ITEM_OVERDUE: lambda: f"{data['item']} ({step}) for {data.get('assignee')}",
        EventType.RUN_COMPLETED: lambda: f"at {name(data.get('end'))}",
        EventType.RUN_FAILED: lambda: data.get("reason", ""),
        EventType.RUN_CANCELED: lambda: data.get("reason", ""),
        EventType.RUN_PAUSED: lambda: data.get("reason", ""),
        EventType.RUN_MIGRATED: lambda: (
            f"v{data['from_version']} → v{data['to_version']}"
            + (f": {data['reason']}" if data.get("reason") else "")
        ),
        EventType.EVENT_RECEIVED: lambda: f"{data.get('event')} key={data.get('key')} → {step}",
        EventType.TIMER_FIRED: lambda: f"{data.get('kind')} timer of {step}",
        EventType.CHILD_STARTED: lambda: f"{step} started {data.get('child')}",
        EventType.LOG: lambda: f"{step}: {data.get('message', '')}",
    }.get(kind)
    try:
        text = details() if details else _pairs(data)
    except KeyError:  # an older or newer engine's payload: show it raw rather than fail
        text = _pairs(data)
    return status_text(kind), text
