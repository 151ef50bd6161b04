"""Shared run scenarios: one definition, the work item outputs, and which events arrive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.definition import Orchestration
from tests.engine.interchange import builders

HIRE = {"employee": "Ada", "email": "ada@example.org", "needs_laptop": True}
CONTRACT_OK = {"decision": "approve", "start_date": "2026-03-02"}
DEAL = {"deal_name": "Acme", "amount": 50000, "owner_email": "owner@example.org"}


@dataclass
class Scenario:
    """How one run goes: the outputs people give, and which awaited events arrive."""

    definition: Callable[[], Orchestration]
    inputs: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    arrivals: dict[str, Any] = field(default_factory=dict)
    record: dict[str, Any] | None = None

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the runners."""
        return {"inputs": self.inputs, "answers": self.answers, "arrivals": self.arrivals}


def _quotes(*discounts: int) -> Callable[[int], dict[str, Any]]:
    return lambda visit: {"discount": discounts[visit - 1]}


def _verdicts(*verdicts: str) -> Callable[[int], dict[str, Any]]:
    return lambda visit: {"decision": verdicts[visit - 1]}


def _example(name: str) -> Callable[[], Orchestration]:
    return lambda: builders.example(name)


SCENARIOS: dict[str, Scenario] = {
    "hire_with_laptop": Scenario(
        _example("employee_onboarding"),
        HIRE,
        {"contract": CONTRACT_OK, "laptop": {"asset_tag": "LT-7"}, "plan": {"buddy": "Bo"}},
        {"badge": True},
    ),
    "hire_without_laptop": Scenario(
        _example("employee_onboarding"),
        HIRE | {"needs_laptop": False},
        {"contract": CONTRACT_OK, "plan": {"buddy": "Bo"}},
        {"badge": True},
    ),
    "offer_withdrawn": Scenario(
        _example("employee_onboarding"),
        HIRE,
        {"contract": {"decision": "reject", "start_date": "2026-03-02"}},
    ),
    "deal_reworked_twice": Scenario(
        _example("deal_desk_approval"),
        DEAL,
        {
            "quote": _quotes(35, 20, 10),
            "finance_signoff": {"decision": "reject"},
            "legal_signoff": {"decision": "approve"},
            "finance_approval": {"decision": "reject", "comment": "margin"},
        },
    ),
    "small_discount": Scenario(_example("deal_desk_approval"), DEAL, {"quote": {"discount": 5}}),
    "form_late_once": Scenario(
        _example("customer_onboarding"),
        {"customer": "Globex", "contact_email": "it@globex.example"},
        {"schedule_call": {"call_date": "2026-04-01"}},
        {"setup_form": [False, True]},
    ),
    "review_approved": Scenario(
        builders.review_with_decision, answers={"check": {"decision": "approve"}}
    ),
    "review_rejected": Scenario(
        builders.review_with_decision, answers={"check": {"decision": "reject"}}
    ),
    "after_chain": Scenario(builders.after_chain, answers={"c": {"decision": "approve"}}),
    "loop_until_approved": Scenario(
        builders.guarded_loop,
        answers={
            "write": {"decision": "approve"},
            "approve_it": _verdicts("reject", "reject", "approve"),
        },
    ),
    "exit_early": Scenario(
        builders.conditional_and_exit,
        {"ticket": "T-1"},
        {"assess": {"decision": "approve"}, "fix": {"decision": "approve"}},
    ),
    "escalate_and_second_opinion": Scenario(
        builders.conditional_and_exit,
        {"ticket": "T-2"},
        {
            "assess": {"decision": "reject"},
            "fix": {"decision": "reject"},
            "second_opinion": {"decision": "approve"},
        },
    ),
}
