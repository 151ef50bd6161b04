"""Small helpers shared by the live panel tests."""

from __future__ import annotations

from pathlib import Path

from engine.runtime import Engine

ARTIFACTS = Path(__file__).parents[3] / "tests/artifacts"


def start_onboarding(engine: Engine, employee: str = "Ann Lee") -> str:
    """A run of the onboarding example, waiting on HR's contract check."""
    email = employee.lower().replace(" ", ".") + "@example.com"
    return engine.start("employee_onboarding", {"employee": employee, "email": email})


def item_of(engine: Engine, run_id: str, step: str) -> str:
    """The open work item of a step."""
    return next(i["id"] for i in engine.run(run_id)["open_items"] if i["step"] == step)


def populate(engine: Engine, clock) -> dict[str, str]:
    """A realistic week of onboarding runs in every state an operator meets."""
    from datetime import timedelta

    runs: dict[str, str] = {}
    approve = {"decision": "approve", "start_date": "2026-02-02"}
    for name in ("Dee Evans", "Eli Fox", "Bo Chen", "Fay Gold", "Cy Diaz", "Gus Hill", "Ann Lee"):
        runs[name] = start_onboarding(engine, name)
        clock.advance(timedelta(hours=7, minutes=20))

    def later(hours: float) -> None:
        clock.advance(timedelta(hours=hours))

    for name in ("Dee Evans", "Bo Chen", "Cy Diaz"):
        engine.complete_item(item_of(engine, runs[name], "contract"), "alice", approve)
        later(2.5)
        engine.send_event("badge_printed", name)
        later(1)
    dee = runs["Dee Evans"]
    engine.complete_item(item_of(engine, dee, "laptop"), "bob", {"asset_tag": "LT-0412"})
    later(3)
    engine.complete_item(item_of(engine, dee, "accounts"), "dan")
    later(5)
    engine.complete_item(item_of(engine, dee, "plan"), "manager", {"buddy": "Rita"})
    later(1.5)
    engine.complete_item(
        item_of(engine, runs["Cy Diaz"], "laptop"), "bob", {"asset_tag": "LT-0413"}
    )
    later(0.5)
    engine.complete_item(item_of(engine, runs["Cy Diaz"], "accounts"), "dan")
    engine.cancel(runs["Eli Fox"], "offer withdrawn by the candidate", actor="ops")
    engine.pause(runs["Fay Gold"], actor="ops")
    # Open items fall due (and escalate); then someone who held one leaves.
    engine.advance(clock.now() + timedelta(days=3, hours=2))
    engine.reassign(item_of(engine, runs["Gus Hill"], "contract"), "user:hannah", actor="ops")
    engine.deactivate_user("hannah")
    return runs
