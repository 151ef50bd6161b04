"""Small helpers that build definitions for interchange tests (instead of long JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.definition import Orchestration, from_dict, load_definition

EXAMPLES = sorted((Path(__file__).parents[3] / "resources" / "examples").glob("*.baton.json"))
FIXTURES = Path(__file__).parent / "fixtures"


def example(name: str) -> Orchestration:
    """One of the bundled examples, by file stem (`deal_desk_approval`)."""
    return load_definition(next(p for p in EXAMPLES if p.name.startswith(name + ".")))


def interactive(step_id: str, assignee: str = "group:team", **extra: Any) -> dict[str, Any]:
    """An interactive step with an approve/reject decision output."""
    outputs = [{"name": "decision", "choices": ["approve", "reject"], "required": True}]
    return {
        "id": step_id,
        "name": step_id.title(),
        "type": "interactive",
        "assignee": assignee,
        "outputs": outputs,
        **extra,
    }


def background(step_id: str, action: str = "log", **extra: Any) -> dict[str, Any]:
    """A background step running a built-in action."""
    return {
        "id": step_id,
        "type": "background",
        "action": action,
        "inputs": {"message": f"'{step_id} done'"},
        **extra,
    }


def stage(stage_id: str, *steps: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A stage holding the given steps."""
    return {
        "id": stage_id,
        "type": "stage",
        "name": stage_id.title(),
        "steps": list(steps),
        **extra,
    }


def orchestration(
    nodes: list[dict[str, Any]], flows: list[tuple[str, str] | tuple[str, str, str]], **extra: Any
) -> Orchestration:
    """A definition from nodes and (from, to[, condition | 'default']) flows."""
    flow_dicts = []
    for flow in flows:
        item: dict[str, Any] = {"from": flow[0], "to": flow[1]}
        if len(flow) == 3:
            if flow[2] == "default":
                item["default"] = True
            else:
                item["condition"] = flow[2]
        flow_dicts.append(item)
    raw = {
        "schema": "baton/1",
        "id": extra.pop("id", "generated"),
        "name": extra.pop("name", "Generated"),
        "nodes": [{"id": "start", "type": "start"}, *nodes, {"id": "end", "type": "end"}],
        "flows": flow_dicts,
        **extra,
    }
    return from_dict(raw)


def review_with_decision() -> Orchestration:
    """Review stage, then a decision: approve -> publish, otherwise -> archive."""
    return orchestration(
        [
            stage("review", interactive("check")),
            {"id": "verdict", "type": "decision", "name": "Approved?"},
            stage("publish", background("announce")),
            stage("archive", background("shelve")),
        ],
        [
            ("start", "review"),
            ("review", "verdict"),
            ("verdict", "publish", "check.decision == 'approve'"),
            ("verdict", "archive", "default"),
            ("publish", "end"),
            ("archive", "end"),
        ],
        layout={"review": {"x": 100, "y": 40}, "verdict": {"x": 400, "y": 80}},
    )


def after_chain() -> Orchestration:
    """One stage: a -> (b, c in parallel) -> d, plus e on its own."""
    return orchestration(
        [
            stage(
                "work",
                background("a"),
                background("b", after=["a"]),
                interactive("c", after=["a"]),
                background("d", after=["b", "c"]),
                background("e"),
            )
        ],
        [("start", "work"), ("work", "end")],
    )


def guarded_loop() -> Orchestration:
    """Draft, then review; a rejection sends the draft back (at most 3 visits)."""
    return orchestration(
        [
            stage("draft", interactive("write", "user:author"), max_visits=3),
            stage("review", interactive("approve_it", "group:editors")),
            {"id": "accepted", "type": "decision"},
        ],
        [
            ("start", "draft"),
            ("draft", "review"),
            ("review", "accepted"),
            ("accepted", "draft", "approve_it.decision == 'reject'"),
            ("accepted", "end", "default"),
        ],
    )


def conditional_and_exit() -> Orchestration:
    """A step skipped by its condition, and a stage that exits early on a condition."""
    return orchestration(
        [
            stage(
                "triage",
                interactive("assess", "queue:support"),
                background("escalate", after=["assess"], condition="assess.decision == 'reject'"),
            ),
            stage(
                "resolve",
                interactive("fix", "group:engineers"),
                interactive("second_opinion", "user:lead", after=["fix"]),
                exit_condition="fix.decision == 'approve'",
            ),
        ],
        [("start", "triage"), ("triage", "resolve"), ("resolve", "end")],
        variables=[{"name": "ticket", "input": True, "required": True}],
    )
