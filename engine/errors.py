"""One exception hierarchy for everything Baton reports to a person.

Each error carries what the user must see: the file, the element and field at fault, and
what to do about it. The CLI and the designer render these; they never show tracebacks.
"""

from __future__ import annotations


class BatonError(Exception):
    """Base of every error Baton shows to a user.

    Args:
        message: what went wrong, in words a process admin understands.
        file: the file involved, if any.
        element: the id of the element at fault, if any.
        field: the field of that element, if any.
        hint: what to do about it.
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        element: str | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.element = element
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}: ")
        if self.element:
            parts.append(f"[{self.element}{'.' + self.field if self.field else ''}] ")
        elif self.field:
            parts.append(f"[{self.field}] ")
        parts.append(self.message)
        if self.hint:
            parts.append(f" ({self.hint})")
        return "".join(parts)


class DefinitionLoadError(BatonError):
    """A definition file cannot be read: not JSON, not an orchestration, or too new."""

    exit_code = 2


class ExpressionError(BatonError):
    """An expression does not parse, reads an unknown name, or exceeds its limits."""


class ExpressionLimitError(ExpressionError):
    """An expression would break a limit on size, work or nesting; the message names it."""


class ActivationRefused(BatonError):
    """A definition with validation errors cannot be activated."""

    def __init__(self, message: str, diagnostics: list | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.diagnostics = diagnostics or []


class NotFound(BatonError):
    """A run, work item, definition, user or record that does not exist."""


class Conflict(BatonError):
    """The request clashes with the current state (completed twice, run not failed, ...)."""


class PermissionDenied(BatonError):
    """The acting user may not do this."""


class Unauthenticated(BatonError):
    """A request to the HTTP API without a valid token (missing, unknown or revoked)."""


class InvalidInput(BatonError):
    """Inputs or outputs that do not match what the definition declares."""


class UsageError(InvalidInput):
    """A command line that cannot be read (`--field x` without `=`, JSON that is not JSON)."""

    exit_code = 2


class ConcurrentChange(Conflict):
    """Another process changed a run while this call was moving it; the call was undone."""


class StoreTooNew(BatonError):
    """The database was written by a newer Baton than this one."""

    exit_code = 2


class StoreTooOld(BatonError):
    """The database predates this Baton's schema; `baton db upgrade` brings it up to date."""

    exit_code = 2


class InterchangeError(BatonError):
    """A file from another tool (BPMN, Salesforce metadata) cannot be read or written.

    `problems` lists (element, why) pairs when several elements are at fault, so the user
    sees every one at once rather than fixing them one run at a time.
    """

    exit_code = 2

    def __init__(
        self, message: str, problems: list[tuple[str, str]] | None = None, **kw: object
    ) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.problems = list(problems or [])

    def __str__(self) -> str:
        text = super().__str__()
        if self.problems:
            text += "".join(f"\n  - {element}: {why}" for element, why in self.problems)
        return text


class RuntimeUnavailable(BatonError):
    """The runtime cannot take the call now: on Temporal, no worker polls the task queue
    to answer a run's query or update. Nothing was changed (exit code 2, HTTP 503)."""

    exit_code = 2


class StoreFault(BatonError):
    """The database cannot be used: missing, unreachable, read-only, full, damaged, busy.

    The message names the database, what is wrong and what to do; nothing was changed.
    """

    exit_code = 2


class StoreDamaged(StoreFault):
    """The database file is damaged; Baton neither reads nor writes it until it is repaired."""
