"""Every engine call the designer makes exists on `TemporalEngine` with the local engine's
signature, so File ▸ Connect to engine… with a Temporal runtime can hand the designer's
panels a `TemporalEngine` where they expect an `Engine`.

The calls are found in the designer's source (`engine.NAME` on a variable named `engine`,
as every bridge job names it), so a new call there is checked without editing this test.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from engine.errors import NotFound
from engine.runtime import Engine

DESIGNER = Path(__file__).resolve().parents[3] / "designer"


def designer_calls() -> dict[str, list[str]]:
    """NAME -> the designer files that read `engine.NAME`."""
    found: dict[str, list[str]] = {}
    for path in sorted(DESIGNER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "engine"
                and isinstance(node.ctx, ast.Load)
            ):
                found.setdefault(node.attr, []).append(str(path.relative_to(DESIGNER.parent)))
    return found


def shape(function: object) -> list[tuple[str, str, object]]:
    """Parameter names, kinds and defaults (annotations aside: `Any` stands in for types
    the Temporal side does not import)."""
    parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    return [(p.name, p.kind.name, p.default) for p in parameters]


def test_the_designer_reads_engine_calls_through_the_bridge():
    calls = designer_calls()
    # The scan finds the panels' calls (a broken scan would make the next test vacuous).
    assert {"runs", "run", "log", "work_items", "complete_item", "plan"} <= set(calls)


def test_every_engine_call_of_the_designer_has_the_same_signature_on_temporal(tmp_path):
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    catalogue = Engine(str(tmp_path / "catalogue.db"))
    # Constructing connects to nothing: the client is made on the first call.
    temporal = TemporalEngine(TemporalAddress("127.0.0.1:1", "default"), catalogue)
    try:
        problems = []
        for name, where in sorted(designer_calls().items()):
            local = getattr(Engine, name, None)
            if local is None:
                continue  # an attribute of another `engine` (a module), not an Engine call
            if not callable(local):
                if not hasattr(temporal, name):
                    problems.append(f"{name}: missing on TemporalEngine (used in {where[0]})")
                continue
            remote = getattr(TemporalEngine, name, None)
            if remote is None:
                if not hasattr(temporal, name):
                    problems.append(f"{name}(): missing on TemporalEngine (used in {where[0]})")
                continue
            if shape(local) != shape(remote):
                problems.append(f"{name}(): Engine{shape(local)} != TemporalEngine{shape(remote)}")
        assert problems == []
    finally:
        temporal.close()


def test_an_empty_run_id_is_no_run_as_on_the_local_engine(tmp_path):
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    temporal = TemporalEngine(
        TemporalAddress("127.0.0.1:1", "default"), Engine(str(tmp_path / "catalogue.db"))
    )
    try:
        with pytest.raises(NotFound, match="no run with id ''"):
            temporal.run("")
    finally:
        temporal.close()
