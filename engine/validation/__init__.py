"""Validation: `validate(definition) -> list[Diagnostic]`, the one check used everywhere."""

from engine.validation.diagnostics import Diagnostic, Severity, has_errors
from engine.validation.validate import validate

__all__ = ["Diagnostic", "Severity", "has_errors", "validate"]
