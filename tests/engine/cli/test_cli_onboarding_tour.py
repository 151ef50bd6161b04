"""The worked example of docs/user/running.md: employee onboarding from hire to first day."""

from __future__ import annotations

import email
from pathlib import Path

EXAMPLE = (
    Path(__file__).resolve().parents[3]
    / "resources"
    / "examples"
    / "employee_onboarding.baton.json"
)


def test_the_onboarding_run_goes_from_hire_to_first_day(baton, tmp_path):
    # given the people of the example and the activated orchestration
    for args in (
        ("users", "add", "hana", "--group", "hr"),
        ("users", "add", "hr_lead", "--group", "hr"),
        ("users", "add", "ivan", "--group", "it", "--queue", "it_service_desk"),
        ("users", "add", "manager"),
    ):
        assert baton(*args).code == 0
    assert baton("activate", str(EXAMPLE)).out.startswith("activated employee_onboarding")

    # when HR records a hire, the record trigger starts a run
    baton(
        "record",
        "create",
        "Employee",
        "--field",
        "employee=Ben Ode",
        "--field",
        "email=ben@example.com",
        "--field",
        "status=hired",
    )
    (run,) = baton("runs", "--format", "json").json()
    run_id = run["id"]
    assert run["stage"] == "paperwork"

    # HR approves the contract, and the badge printer reports
    (contract,) = baton("work", "list", "--as", "hana", "--format", "json").json()
    baton(
        "work",
        "complete",
        contract["id"],
        "--as",
        "hana",
        "--output",
        "decision=approve",
        "--output",
        "start_date=2026-02-02",
    )
    baton("event", "send", "badge_printed", "--key", "Ben Ode", "--data", '{"badge_no": 42}')
    assert baton("show", run_id, "--format", "json").json()["stage"] == "equipment"

    # IT prepares the laptop and the accounts
    for item in baton("work", "list", "--as", "ivan", "--format", "json").json():
        outputs = ["--output", "asset_tag=LT-0042"] if item["step"] == "laptop" else []
        assert baton("work", "complete", item["id"], "--as", "ivan", *outputs).code == 0

    # the manager plans the first week; the welcome email goes to the outbox
    (plan,) = baton("work", "list", "--as", "manager", "--format", "json").json()
    baton("work", "complete", plan["id"], "--as", "manager", "--output", "buddy=Chris Lee")

    # then the run is completed, every step done, and the email written
    shown = baton("show", run_id, "--format", "json").json()
    assert shown["status"] == "completed"
    assert {s["id"]: s["status"] for s in shown["steps"]} == {
        "contract": "completed",
        "payroll": "completed",
        "badge": "completed",
        "laptop": "completed",
        "accounts": "completed",
        "plan": "completed",
        "welcome": "completed",
    }
    assert shown["variables"]["payroll_id"] == "P-Ben Ode"
    (mail,) = (tmp_path / "outbox").glob("*.eml")
    message = email.message_from_bytes(mail.read_bytes())
    assert message["Subject"] == "Welcome aboard, Ben Ode"
    assert "Your buddy is Chris Lee. See you on 2026-02-02!" in message.get_payload()
    assert baton("log", run_id, "--format", "json").json()[-1]["type"] == "run_completed"
