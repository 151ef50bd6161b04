"""What validation reports: one Diagnostic per problem, naming the element and field."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a definition.

    Attributes:
        severity: `error` blocks activation; `warning` does not.
        code: a stable identifier (`unreachable`, `missing-assignee`, ...).
        element: the id of the element at fault, or None for the whole orchestration.
        field: the field of that element, or None.
        message: what is wrong and what to do, for a person.
    """

    severity: Severity
    code: str
    element: str | None
    field: str | None
    message: str

    def to_json(self) -> dict[str, str | None]:
        """The stable JSON form used by `baton validate --format json`."""
        return asdict(self)

    def format_line(self, file: str | None = None) -> str:
        """`FILE: error unreachable [stage_x] message` (the CLI's line format)."""
        where = (
            f"[{self.element}{'.' + self.field if self.field else ''}] "
            if self.element
            else (f"[{self.field}] " if self.field else "")
        )
        prefix = f"{file}: " if file else ""
        return f"{prefix}{self.severity} {self.code} {where}{self.message}"


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    """Whether any diagnostic blocks activation."""
    return any(d.severity == "error" for d in diagnostics)
