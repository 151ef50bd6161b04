"""What an import or export could not carry over, per element, so nothing is silently dropped."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.definition import Orchestration


@dataclass(frozen=True)
class ReportItem:
    """One element an import mapped only partly, or not at all, and why."""

    element: str
    message: str

    def __str__(self) -> str:
        return f"{self.element}: {self.message}"


@dataclass
class Report:
    """Everything the admin should know about an import or export: what was not mapped, why."""

    source: str
    items: list[ReportItem] = field(default_factory=list)

    def add(self, element: str, message: str) -> None:
        """Note that `element` could not be mapped (fully), with the reason."""
        self.items.append(ReportItem(element, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def lines(self) -> list[str]:
        """One readable line per item."""
        return [str(item) for item in self.items]


@dataclass
class ImportResult:
    """An imported definition together with its report."""

    definition: Orchestration
    report: Report


@dataclass
class ExportResult:
    """Exported text together with the report of what the target format cannot hold."""

    text: str
    report: Report
