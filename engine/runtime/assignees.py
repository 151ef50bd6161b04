"""Dynamic assignees: who an interactive step's `assignee_from` names when the step starts.

The value of the expression is a whole `user:`/`group:`/`queue:` text, or a bare name of
the step's `assignee_kind`. When it names nobody (None, empty, a record instead of a name,
an error while evaluating) the item is still opened, with no assignee and the reason, so
the run shows as stuck with that reason until an operator reassigns the item: the step is
never skipped silently. A name the directory does not know is the directory's business,
as for static assignees (`baton runs --stuck` reports it).

Pure, like every decision (see `engine.runtime.turn`).
"""

from __future__ import annotations

import re
from typing import Any

from engine.definition import InteractiveStep
from engine.errors import ExpressionError
from engine.expressions import Namespace, evaluate
from engine.runtime.basics import names_for
from engine.runtime.state import RunState
from engine.runtime.turn import Turn

WHOLE = re.compile(r"(user|group|queue):[^\s:]+\Z")
"""`user:NAME`, `group:NAME` or `queue:NAME`; NAME has no spaces or colons."""
_BARE = re.compile(r"[^\s:]+\Z")


def resolve(turn: Turn, run: RunState, step: InteractiveStep) -> tuple[str, str | None]:
    """The assignee of a new item of `step`, and why it has none ("" and a reason)."""
    text = step.assignee_from
    if not text:
        return step.assignee or "", None
    try:
        value = evaluate(text, names_for(turn, run, text))
    except ExpressionError as exc:
        return "", f"assignee_from {text!r} could not be evaluated: {exc.message}"
    return from_value(value, step.assignee_kind, text)


def from_value(value: Any, kind: str, text: str) -> tuple[str, str | None]:
    """An assignee from the value of `assignee_from` (`text`), or "" and why not."""
    what = f"assignee_from {text!r}"
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        shown = "an empty text" if isinstance(value, str) else repr(value)
        return "", f"{what} named nobody (it gave {shown})"
    if isinstance(value, int):
        value = str(value)  # a numeric user name or id, as records often hold them
    if isinstance(value, str):
        name = value.strip()
        if WHOLE.match(name):
            return name, None
        if _BARE.match(name):
            return f"{kind}:{name}", None
        return "", (
            f"{what} gave {name[:60]!r}, which is no user, group or queue name "
            "(names have no spaces or colons)"
        )
    if isinstance(value, (Namespace, dict)):
        return "", f"{what} gave a record, not a name; read one of its fields (e.g. .Username)"
    return "", f"{what} gave a {type(value).__name__}, not a name"
