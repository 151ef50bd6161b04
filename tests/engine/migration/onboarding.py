"""The onboarding example in two versions, and runs of version 1 spread over every stage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.definition import Orchestration, from_dict

EXAMPLE = (
    Path(__file__).resolve().parents[3]
    / "resources"
    / "examples"
    / "employee_onboarding.baton.json"
)

SECURITY_TRAINING = {
    "id": "security_training",
    "name": "Security training",
    "type": "interactive",
    "assignee": "group:security",
    "guidance": "Walk the new hire through the security basics.",
}

# Who completes each step's items, and with what outputs.
WORKERS: dict[str, tuple[str, dict[str, Any]]] = {
    "contract": ("alice", {"decision": "approve", "start_date": "2026-02-02"}),
    "laptop": ("bob", {"asset_tag": "LT-1"}),
    "accounts": ("bob", {}),
    "plan": ("manager", {"buddy": "Kim"}),
    "security_training": ("alice", {}),
}


def version_1() -> Orchestration:
    """The bundled example as it is."""
    return from_dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))


def version_2() -> Orchestration:
    """Security training added to "First week", "Badge printed" removed from paperwork."""
    body = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for node in body["nodes"]:
        if node["id"] == "paperwork":
            node["steps"] = [s for s in node["steps"] if s["id"] != "badge"]
        if node["id"] == "first_week":
            node["steps"].append(SECURITY_TRAINING)
    return from_dict(body)


def hire(engine, name: str, needs_laptop: bool = True) -> str:
    """A hire record starts a run; returns its id."""
    record_id = engine.create_record(
        "Employee",
        {
            "employee": name,
            "email": f"{name.lower()}@example.com",
            "status": "hired",
            "needs_laptop": needs_laptop,
        },
    )
    (run,) = engine.runs_of_record("Employee", record_id)
    return run["id"]


def work(engine, run_id: str, step: str) -> None:
    """Complete the run's open item of `step` as its worker would."""
    item = next(i for i in engine.run(run_id)["open_items"] if i["step"] == step)
    actor, outputs = WORKERS[step]
    engine.complete_item(item["id"], actor, outputs)


def work_to_the_end(engine, run_id: str) -> None:
    """Complete every item the run opens until it has none left."""
    for _ in range(20):
        items = engine.run(run_id)["open_items"]
        if not items:
            return
        work(engine, run_id, items[0]["step"])
    raise AssertionError(f"run {run_id} kept opening work")
