"""Small builders for simulation tests: definitions from tests/engine/builders, scenarios
from keyword arguments, and the bundled examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.definition import Orchestration, load_definition
from engine.simulation import Scenario, scenario_from_dict

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


def example(name: str) -> Orchestration:
    """A bundled example definition by its file stem (`employee_onboarding`)."""
    return load_definition(EXAMPLES / f"{name}.baton.json")


def scenario(**fields: Any) -> Scenario:
    """A scenario from JSON-like keyword fields (the file format)."""
    return scenario_from_dict(fields)


def fixed(duration: str) -> dict[str, str]:
    """A fixed duration distribution."""
    return {"kind": "fixed", "value": duration}


def always(value: Any) -> dict[str, Any]:
    """An output or input that always takes this value."""
    return {"value": value}


def choose(**weights: float) -> dict[str, Any]:
    """Weighted choices (`choose(approve=0.9, reject=0.1)`)."""
    return {"choices": [{"value": v, "weight": w} for v, w in weights.items()]}
