"""The in-memory shell gives the very results of the SQL store, seed for seed.

`simulate` drives the run core in memory (`engine.simulation.memory.MemoryEngine`) when it
can; `in_memory=False` runs the same scenario through the `Engine` over an in-memory SQL
store, the shell live runs use. Every figure of the result (counts, cycle and step times,
heatmap, utilization series, outcomes, fault routes, notes) must be equal.
"""

from __future__ import annotations

import pytest

from engine.simulation import load_scenario, simulate
from tests.engine.builders import background, interactive, linear, stage, variable, wait
from tests.engine.simulation.helpers import EXAMPLES, always, choose, example, fixed, scenario

DONE = [{"name": "done", "type": "text", "choices": ["yes", "no"], "required": True}]


def _onboarding_at_scale(runs: int):
    # benchmarks/simulate_onboarding.py's scenario: durations, failures, outputs, pools
    return scenario(
        definition="employee_onboarding",
        seed=7,
        arrivals={"runs": runs, "per_day": 20},
        steps={
            "contract": {
                "duration": {"kind": "triangular", "low": "PT1H", "mode": "PT2H", "high": "PT8H"},
                "outputs": {"decision": choose(approve=0.95, reject=0.05)},
            },
            "badge": {"duration": {"kind": "exponential", "mean": "P1D"}},
            "payroll": {"failure_probability": 0.02},
            "laptop": {"duration": {"kind": "lognormal", "mean": "PT6H", "spread": "PT3H"}},
            "accounts": {"duration": {"kind": "uniform", "low": "PT1H", "high": "PT3H"}},
        },
        assignees={"group:hr": {"workers": 3}, "group:it": {"workers": 6}},
    )


def _cases():
    yield (
        "employee onboarding, its scenario file",
        example("employee_onboarding"),
        (load_scenario(EXAMPLES / "employee_onboarding.scenario.json")),
    )
    yield (
        "deal desk, its scenario file",
        example("deal_desk_approval"),
        (load_scenario(EXAMPLES / "deal_desk_approval.scenario.json")),
    )
    yield (
        "customer onboarding, late forms time out",
        example("customer_onboarding"),
        scenario(
            arrivals={"runs": 6, "per_day": 3}, steps={"setup_form": {"duration": fixed("P10D")}}
        ),
    )
    yield (
        "customer onboarding, defaults",
        example("customer_onboarding"),
        scenario(arrivals={"runs": 30, "per_day": 10}),
    )
    yield "onboarding at scale", example("employee_onboarding"), _onboarding_at_scale(120)
    yield (
        "retries and failures",
        linear(
            stage(
                "sync",
                background(
                    "push", action="send_email", inputs={}, retry={"attempts": 3, "delay": "PT10M"}
                ),
            ),
            stage("review", interactive("check")),
        ),
        scenario(
            arrivals={"runs": 12, "per_day": 6},
            steps={"push": {"failure_probability": 0.5, "duration": fixed("PT1H")}},
        ),
    )
    yield (
        "keyed waits and timeouts",
        linear(
            stage("hold", wait("form", event="form_done", key="customer", timeout="P3D")),
            stage("check", interactive("look")),
            variables=[variable("customer", required=True)],
        ),
        scenario(
            arrivals={"runs": 10, "per_day": 4},
            steps={"form": {"duration": {"kind": "exponential", "mean": "P2D"}}},
        ),
    )
    yield (
        "an event without a key wakes every waiter",
        linear(stage("hold", wait("go", event="market_open", timeout="P7D"))),
        scenario(
            arrivals={"runs": 5, "per_day": 24, "pattern": "even"},
            steps={"go": {"duration": fixed("PT5H")}},
        ),
    )
    yield (
        "exit condition withdraws items and cancels a child",
        linear(
            stage(
                "review",
                interactive("quick", outputs=DONE),
                interactive("slow"),
                background("fetch", action="send_email", inputs={}),
                exit_condition="quick.done == 'yes'",
            ),
            stage("wrap_up", interactive("file_it")),
        ),
        scenario(
            arrivals={"runs": 8, "per_day": 8},
            steps={
                "quick": {"duration": fixed("PT1H"), "outputs": {"done": always("yes")}},
                "slow": {"duration": fixed("PT5H")},
                "fetch": {"duration": fixed("PT9H")},
            },
            assignees={"user:ana": {"workers": 2}},
        ),
    )


ORDER_TRIGGER = {"type": "record", "object": "Order", "on": ["created"]}


def _record_cases():
    yield (
        "employee onboarding, arrivals create records, some not hired",
        example("employee_onboarding"),
        scenario(
            definition="employee_onboarding",
            seed=3,
            arrivals={"runs": 40, "per_day": 8},
            record={"status": choose(hired=0.7, candidate=0.3)},
            steps={"badge": {"duration": fixed("PT20H")}},
            assignees={"group:hr": {"workers": 2}},
        ),
    )
    yield (
        "customer onboarding, arrivals create accounts",
        example("customer_onboarding"),
        scenario(
            arrivals={"runs": 20, "per_day": 5},
            record={"type": choose(Customer=0.8, Prospect=0.2)},
        ),
    )
    yield (
        "a step updates its record and the exit condition reading it moves the run",
        linear(
            stage(
                "review",
                interactive("slow"),
                interactive("quick"),
                background(
                    "approve",
                    action="update_record",
                    inputs={"fields": "{'approved': true}"},
                    after=["quick"],
                    retry={"attempts": 2, "delay": "PT1H"},
                ),
                exit_condition="record.approved == true",
            ),
            stage(
                "ship",
                background(
                    "audit",
                    action="create_record",
                    inputs={"object": "'Audit'", "fields": "{'customer': customer}"},
                ),
                interactive("send"),
            ),
            variables=[variable("customer", required=True)],
            trigger=ORDER_TRIGGER,
        ),
        scenario(
            arrivals={"runs": 16, "per_day": 6},
            record={"approved": always(False)},
            steps={
                "slow": {"duration": fixed("P3D")},
                "quick": {"duration": fixed("PT2H")},
                "approve": {"failure_probability": 0.4},
            },
            assignees={"user:ana": {"workers": 3}},
        ),
    )


CASES = list(_cases()) + list(_record_cases())


@pytest.mark.parametrize(
    ("definition", "chosen"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_memory_and_sql_store_give_the_same_results(definition, chosen):
    # given a scenario, when it is simulated in memory and on the SQL store with the same seed
    fast = simulate(definition, chosen)
    stored = simulate(definition, chosen, in_memory=False)
    # then every figure is the same
    assert fast.runs_started > 0
    assert fast.to_json() == stored.to_json()
    assert fast.heatmap("mean_wait_h") == stored.heatmap("mean_wait_h")
