"""Small helpers shared by the designer-on-Temporal tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[3]
ONBOARDING = ROOT / "resources/examples/employee_onboarding.baton.json"
APPROVE = {"decision": "approve", "start_date": "2026-02-02"}


def start_onboarding(engine: Any, employee: str = "Ann Lee") -> str:
    """A run of the onboarding example, waiting on HR's contract check."""
    email = employee.lower().replace(" ", ".") + "@example.com"
    return engine.start("employee_onboarding", {"employee": employee, "email": email})


def item_of(engine: Any, run_id: str, step: str) -> str:
    """The open work item of a step."""
    return next(i["id"] for i in engine.run(run_id)["open_items"] if i["step"] == step)
