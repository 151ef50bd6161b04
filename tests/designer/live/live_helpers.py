"""Small helpers shared by the live panel tests."""

from __future__ import annotations

from engine.runtime import Engine


def start_onboarding(engine: Engine, employee: str = "Ann Lee") -> str:
    """A run of the onboarding example, waiting on HR's contract check."""
    email = employee.lower().replace(" ", ".") + "@example.com"
    return engine.start("employee_onboarding", {"employee": employee, "email": email})


def item_of(engine: Engine, run_id: str, step: str) -> str:
    """The open work item of a step."""
    return next(i["id"] for i in engine.run(run_id)["open_items"] if i["step"] == step)
