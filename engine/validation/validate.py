"""Placeholder until the rules land: reports nothing."""

from __future__ import annotations

from engine.definition import Orchestration
from engine.validation.diagnostics import Diagnostic


def validate(definition: Orchestration) -> list[Diagnostic]:
    """Check a definition's meaning; see the rule modules for the codes."""
    return []
