"""Rules on notice templates (`notice-template`): an interactive step's `notice.subject` and
`notice.body` obey `engine.templates` (known placeholders only, no attribute or index
access, capped widths), so a template that runs is also one that validated."""

from __future__ import annotations

from collections.abc import Iterator

from engine.templates import NOTICE_PLACEHOLDERS, check
from engine.validation.context import Index, error, warning
from engine.validation.diagnostics import Diagnostic


def check_templates(index: Index) -> Iterator[Diagnostic]:
    """Report unsafe or broken notice templates (errors) and unknown placeholders (warnings)."""
    for step in index.interactive:
        if step.notice is None:
            continue
        for part in ("subject", "body"):
            text = getattr(step.notice, part)
            for problem in check(text, NOTICE_PLACEHOLDERS) if text else ():
                build = error if problem.severity == "error" else warning
                yield build(
                    "notice-template",
                    step.id,
                    f"notice.{part}",
                    f"notice {part} of step {step.id!r}: {problem.message}",
                )
